/**
 * The SNS topic the canary alarms notify, with the subscriptions stack config asks for: an email
 * address (AWS sends it a confirmation to accept) and an HTTPS endpoint, a secret in config and
 * in state. CloudWatch alarms publish to a topic of their own account under its default policy.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AlarmTopicArgs {
    readonly name: string;
    readonly email?: string;
    readonly httpsUrl?: string;
    readonly tags?: Record<string, string>;
}

export class AlarmTopic extends pulumi.ComponentResource {
    public readonly topicArn: pulumi.Output<string>;

    constructor(name: string, args: AlarmTopicArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:alarms:AlarmTopic", name, {}, opts);
        const topic = new aws.sns.Topic(name, { name: args.name, tags: args.tags }, { parent: this });
        if (args.email !== undefined) {
            new aws.sns.TopicSubscription(`${name}-email`, { topic: topic.arn, protocol: "email", endpoint: args.email }, { parent: this });
        }
        if (args.httpsUrl !== undefined) {
            new aws.sns.TopicSubscription(
                `${name}-https`,
                { topic: topic.arn, protocol: "https", endpoint: pulumi.secret(args.httpsUrl), endpointAutoConfirms: false },
                { parent: this, additionalSecretOutputs: ["endpoint"] },
            );
        }
        this.topicArn = topic.arn;
        this.registerOutputs({ topicArn: this.topicArn });
    }
}
