/**
 * Linkerd's identity: the trust anchor (the root every proxy trusts) and the issuer (the
 * intermediate CA the identity service signs the proxies' certificates with), generated with the
 * TLS provider and kept as Pulumi secrets. Both are ECDSA P-256 CAs, as Linkerd requires; the
 * names are the ones Linkerd's docs give them.
 *
 * Rotation (README, "The linkerd router"): the issuer is valid for a year and is re-issued (with
 * the same key) by the first `pulumi up` in its last 60 days (Linkerd's identity service picks the new one up from the
 * chart's Secret, and `linkerd check` starts warning at the same 60 days). The trust anchor lives
 * ten years and is never replaced by an `up` on its own: replacing it needs both anchors trusted
 * for a while, the manual bundle procedure the README describes.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

export const TRUST_ANCHOR_VALIDITY_HOURS = 10 * 365 * 24;
export const ISSUER_VALIDITY_HOURS = 365 * 24;
/** Re-issue the issuer in its last 60 days, when `linkerd check` starts to warn. */
export const ISSUER_EARLY_RENEWAL_HOURS = 60 * 24;

export interface LinkerdIdentity {
    /** The trust anchor's certificate (public): the chart's `identityTrustAnchorsPEM`. */
    readonly trustAnchorPem: pulumi.Output<string>;
    readonly issuerCertPem: pulumi.Output<string>;
    /** Secret. */
    readonly issuerKeyPem: pulumi.Output<string>;
}

const CA_USES = ["cert_signing", "crl_signing"];

export function linkerdIdentity(name: string, parent: pulumi.Resource): LinkerdIdentity {
    const opts = { parent };
    // Protected with the anchor: without its key no new issuer can be signed by it.
    const anchorKey = new tls.PrivateKey(`${name}-trust-anchor-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { ...opts, protect: true });
    const anchor = new tls.SelfSignedCert(
        `${name}-trust-anchor`,
        {
            privateKeyPem: anchorKey.privateKeyPem,
            subject: { commonName: "root.linkerd.cluster.local" },
            isCaCertificate: true,
            setSubjectKeyId: true,
            validityPeriodHours: TRUST_ANCHOR_VALIDITY_HOURS,
            allowedUses: CA_USES,
        },
        // A new anchor without the old one still trusted cuts every meshed connection: never replaced by an `up` on its own.
        { ...opts, protect: true },
    );
    const issuerKey = new tls.PrivateKey(`${name}-issuer-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts);
    const request = new tls.CertRequest(`${name}-issuer-request`, { privateKeyPem: issuerKey.privateKeyPem, subject: { commonName: "identity.linkerd.cluster.local" } }, opts);
    const issuer = new tls.LocallySignedCert(
        `${name}-issuer`,
        {
            certRequestPem: request.certRequestPem,
            caPrivateKeyPem: anchorKey.privateKeyPem,
            caCertPem: anchor.certPem,
            // No path length: the TLS provider cannot write a limit of 0 (Go reads MaxPathLen 0
            // without MaxPathLenZero as none), and Linkerd asks only that the issuer be a CA.
            isCaCertificate: true,
            setSubjectKeyId: true,
            validityPeriodHours: ISSUER_VALIDITY_HOURS,
            earlyRenewalHours: ISSUER_EARLY_RENEWAL_HOURS,
            allowedUses: CA_USES,
        },
        opts,
    );
    return { trustAnchorPem: anchor.certPem, issuerCertPem: issuer.certPem, issuerKeyPem: pulumi.secret(issuerKey.privateKeyPem) };
}
