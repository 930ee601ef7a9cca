import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "./iam";
import { PART_OF } from "./k8s";
import { SMTP_SERVICE_NAME } from "./names";

/** SES SMTP with STARTTLS, the port the notification service uses. */
export const SMTP_PORT = 587;
export const SMTP_SECRET_NAME = "smtp-credentials";

/** SES's SMTP endpoint of a region. */
export function sesSmtpHost(region: string): string {
    return `email-smtp.${region}.amazonaws.com`;
}

/** SES SMTP may send mail, and only from one address. */
export function sendFromPolicy(fromAddress: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "ses:SendRawEmail", Resource: "*", Condition: { StringEquals: { "ses:FromAddress": fromAddress } } }],
    };
}

export interface MailArgs {
    region: string;
    /** Sender address, verified in SES. */
    fromAddress: string;
    namespace: pulumi.Input<string>;
    k8sProvider: k8s.Provider;
    tags?: Record<string, string>;
}

/**
 * Mail for the notification service through SES SMTP: an IAM user allowed to send from one
 * address, its SMTP credentials (derived by AWS from an access key, never in config) in the Secret
 * `smtp-credentials`, and the `smtp-service` ExternalName for SES's SMTP endpoint.
 */
export class Mail extends pulumi.ComponentResource {
    public readonly serviceName: pulumi.Output<string>;
    public readonly secretName: pulumi.Output<string>;
    public readonly fromAddress: string;

    constructor(name: string, args: MailArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:mail:Mail", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.k8sProvider };
        // SES's SMTP interface authenticates IAM users only (SMTP credentials come from an access key).
        const user = new aws.iam.User(`${name}-smtp`, { tags: args.tags }, { parent: this });
        new aws.iam.UserPolicy(`${name}-smtp`, { user: user.name, policy: JSON.stringify(sendFromPolicy(args.fromAddress)) }, { parent: this });
        const key = new aws.iam.AccessKey(`${name}-smtp`, { user: user.name }, { parent: this });

        const secret = new k8s.core.v1.Secret(
            `${name}-credentials`,
            {
                metadata: { name: SMTP_SECRET_NAME, namespace: args.namespace, labels: PART_OF },
                type: "Opaque",
                stringData: { username: key.id, password: pulumi.secret(key.sesSmtpPasswordV4) },
            },
            k8sOpts,
        );
        const service = new k8s.core.v1.Service(
            `${name}-service`,
            { metadata: { name: SMTP_SERVICE_NAME, namespace: args.namespace, labels: PART_OF }, spec: { type: "ExternalName", externalName: sesSmtpHost(args.region) } },
            k8sOpts,
        );
        this.serviceName = service.metadata.name;
        this.secretName = secret.metadata.name;
        this.fromAddress = args.fromAddress;
        this.registerOutputs({ serviceName: this.serviceName, secretName: this.secretName });
    }

    /** The notification service's mail settings (its AWS_MAIL_SERVER_* variables). */
    env(): k8s.types.input.core.v1.EnvVar[] {
        return [
            { name: "AWS_MAIL_SERVER_HOST", value: this.serviceName },
            { name: "AWS_MAIL_SERVER_USERNAME", valueFrom: { secretKeyRef: { name: this.secretName, key: "username" } } },
            { name: "AWS_MAIL_SERVER_PASSWORD", valueFrom: { secretKeyRef: { name: this.secretName, key: "password" } } },
            { name: "AWS_MAIL_SERVER_FROM_ADDRESS", value: this.fromAddress },
        ];
    }
}
