/**
 * `eks-canary:alarms` and the secret `eks-canary:alarmUrl`: who hears the CloudWatch alarms on
 * each version's health. Both optional: without them the alarms are declared without actions
 * (they still show in the console and on the dashboards).
 */
import { Checker, childKey, Json } from "../checks";
import { EMAIL } from "./patterns";
import { parseSecretHttpsUrl } from "./secret-url";
import { AlarmsConfig } from "./types";

/** `urlKey` is a key of its own so that Pulumi keeps the URL encrypted, as a secret. */
export function parseAlarms(check: Checker, key: string, value: Json | undefined, urlKey: string, urlValue: Json | undefined): AlarmsConfig {
    const raw = check.object(key, value, ["email"]) ?? {};
    const email = check.string(childKey(key, "email"), raw.email, { pattern: EMAIL, expected: "an email address to subscribe to the alarms' SNS topic" });
    const httpsUrl = parseSecretHttpsUrl(
        check,
        urlKey,
        urlValue,
        "an https:// endpoint",
        "an https:// endpoint for the alarms' SNS topic (set it with `pulumi config set --secret alarmUrl <url>`)",
    );
    return { ...(email === undefined ? {} : { email }), ...(httpsUrl === undefined ? {} : { httpsUrl }) };
}
