/**
 * The External DNS add-on: it writes the app's host name into the public zone, and (a second
 * instance) the lattice router's custom domain names into its private zone.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { partitionOf, PolicyDocument } from "../../iam";
import { CHARTS } from "../../versions";
import { AddOnCluster, helmAddOn } from "../addon";

export const EXTERNAL_DNS_SERVICE_ACCOUNT = "external-dns";

/**
 * What ExternalDNS needs in Route53: upstream's policy at the pinned version (its AWS tutorial),
 * action for action, with the zone actions narrowed from every hosted zone to this one (the
 * controller is also told to look at this zone only). Listing zones cannot be scoped to a zone.
 */
export function externalDnsPolicy(region: string, hostedZoneId: string): PolicyDocument {
    const zoneArn = `arn:${partitionOf(region)}:route53:::hostedzone/${hostedZoneId}`;
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "ChangeRecordsOfTheZone", Effect: "Allow", Action: "route53:ChangeResourceRecordSets", Resource: zoneArn },
            { Sid: "ReadTheZone", Effect: "Allow", Action: ["route53:ListResourceRecordSets", "route53:ListTagsForResources"], Resource: zoneArn },
            { Sid: "FindTheZone", Effect: "Allow", Action: "route53:ListHostedZones", Resource: "*" },
        ],
    };
}

export interface ExternalDnsArgs extends AddOnCluster {
    region: string;
    /** The one zone it may write; may be an output (a zone the program creates). */
    hostedZoneId: pulumi.Input<string>;
    /** The domain it may write records in (the app's host name). */
    domain: string;
    /** Owner ID of its TXT ownership records: two stacks sharing a zone must differ. */
    ownerId: string;
    /** Where it reads host names; `["ingress", "service"]` by default. */
    sources?: string[];
    /** Route53 zone type it may write (`--aws-zone-type`); `public` by default. */
    zoneType?: "public" | "private";
    /** Helm release name; `external-dns` by default. A second instance in the cluster needs its own. */
    releaseName?: string;
    /** Its service account (and IRSA subject); `external-dns` by default. A second instance needs its own. */
    serviceAccount?: string;
    /** Prefix of its TXT ownership records, e.g. when its records are CNAMEs (no other record may share their name). */
    txtPrefix?: string;
    /** Flags beyond the zone filters, e.g. the CRD source's. */
    extraArgs?: string[];
}

/**
 * ExternalDNS (Helm) writing host names into one Route53 hosted zone: by default the Ingress and
 * Service host names into the public zone; its optional args declare another instance (e.g. one
 * that writes DNSEndpoint records into a private zone).
 */
export class ExternalDns extends pulumi.ComponentResource {
    public readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: ExternalDnsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-canary:dns:ExternalDns", name, {}, opts);
        const zoneId = args.hostedZoneId;
        this.release = helmAddOn(
            name,
            {
                chart: CHARTS.externalDns,
                releaseName: args.releaseName ?? "external-dns",
                namespace: "kube-system",
                serviceAccount: args.serviceAccount ?? EXTERNAL_DNS_SERVICE_ACCOUNT,
                permissions: {
                    policy: typeof zoneId === "string" ? externalDnsPolicy(args.region, zoneId) : pulumi.output(zoneId).apply((id) => externalDnsPolicy(args.region, id)),
                },
                values: {
                    provider: { name: "aws" },
                    sources: args.sources ?? ["ingress", "service"],
                    domainFilters: [args.domain],
                    // sync: records of deleted Ingresses are removed too (only records it owns).
                    policy: "sync",
                    registry: "txt",
                    txtOwnerId: args.ownerId,
                    ...(args.txtPrefix === undefined ? {} : { txtPrefix: args.txtPrefix }),
                    extraArgs: [
                        typeof zoneId === "string" ? `--zone-id-filter=${zoneId}` : pulumi.interpolate`--zone-id-filter=${zoneId}`,
                        `--aws-zone-type=${args.zoneType ?? "public"}`,
                        ...(args.extraArgs ?? []),
                    ],
                    env: [{ name: "AWS_DEFAULT_REGION", value: args.region }],
                    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
                },
            },
            args,
            this,
        );
        this.registerOutputs({});
    }
}
