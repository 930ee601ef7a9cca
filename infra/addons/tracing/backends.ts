/**
 * The tracing backends the `tracing` config key chooses between (pure: config reads it). Both
 * take the X-Ray SDK's segments at `xray-service:2000` (UDP, and TCP for sampling), so the apps
 * are the same under either.
 */
/** The port of `xray-service`: segments over UDP, sampling over TCP (the X-Ray SDKs' default). */
export const XRAY_PORT = 2000;

export const TRACING_BACKENDS = ["adot", "xray-daemon"] as const;
export type TracingBackend = (typeof TRACING_BACKENDS)[number];

export const DEFAULT_TRACING_BACKEND: TracingBackend = "adot";

/**
 * The `tracing` key's values: a backend, or `none` (no collector; the apps' SDKs send to their
 * default local address, where nothing listens, and their segments are dropped). Both backends
 * send to AWS X-Ray, so a stack on an existing cluster, which has no AWS account, takes `none`.
 */
export const TRACING_CHOICES = [...TRACING_BACKENDS, "none"] as const;
export type TracingChoice = (typeof TRACING_CHOICES)[number];

/** Why a stack should leave the X-Ray daemon: the plan warns with it. */
export const XRAY_DAEMON_END_OF_SUPPORT =
    "tracing xray-daemon: AWS put the X-Ray daemon in maintenance on 2026-02-25 and ends its support on 2027-02-25; " +
    "the ADOT collector takes its place at the same address: `pulumi config set tracing adot`";
