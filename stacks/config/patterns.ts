/**
 * The formats of config strings, in one place: each parser checks a value against its pattern and
 * names what it expected. Every pattern is anchored, so a value matches whole or not at all.
 */
export const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
export const CERTIFICATE_ARN = /^arn:aws(-cn|-us-gov)?:acm:([a-z0-9-]+):(\d{12}):certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const DNS_LABEL = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** An image reference with an explicit tag or digest: an implicit `latest` makes steps unrepeatable. */
export const IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/;
export const PRINCIPAL_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;
export const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
export const DB_INSTANCE_CLASS = /^db\.[a-z][a-z0-9-]*\.[a-z0-9]+$/;
export const EMAIL = /^[^@\s]+@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
/**
 * A health path reaches a shell (the load tester's webhooks), a URL and annotations: letters,
 * digits and `. _ ~ / -` only, no query, no quoting, no shell syntax.
 */
export const HTTP_PATH = /^\/[A-Za-z0-9._~/-]{0,200}$/;
export const CPU = /^(\d+m|\d+(\.\d+)?)$/;
export const MEMORY = /^\d+(Ki|Mi|Gi)$/;
export const STACK_NAME = /^[a-z][a-z0-9-]{0,30}$/;
/** A Go-style duration of whole seconds or minutes, as Flagger's CRD takes (`^[0-9]+(m|s)`). */
export const DURATION = /^[1-9]\d{0,3}(s|m)$/;
export const TARGET_GROUP_ID = /^tg-[0-9a-z]{17}$/;
export const HTTPS_URL = /^https:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[^\s]*)?$/;
export const CHANNEL = /^[A-Za-z0-9#@._-]{1,80}$/;
/** An X-Ray segment name: at most 200 of the characters X-Ray allows in one (`\` excepted). */
export const TRACING_NAME = /^[A-Za-z0-9 _.:/%&#=+@-]{1,200}$/;
/**
 * A header name to match (`canary.match.header`): letters, digits and hyphens, at most 40
 * characters (the tightest of the routers' limits, an ALB condition's). No colon: HTTP/2
 * pseudo-headers are not headers.
 */
export const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/;
/** A header value to match: printable ASCII, no space at either end, at most 128 characters (an ALB condition value's limit). */
export const HEADER_VALUE = /^[\x21-\x7e]([\x20-\x7e]{0,126}[\x21-\x7e])?$/;
/** A stickiness duration (`canary.sticky`) in whole seconds, minutes or hours, such as 30m. */
export const STICKY_DURATION = /^([1-9]\d{0,5})(s|m|h)$/;
