/**
 * `eks-canary:alarms` and the secret `eks-canary:alarmUrl`: who hears the CloudWatch alarms on
 * each version's health. Both optional: without them the alarms are declared without actions
 * (they still show in the console and on the dashboards).
 */
import { Checker, childKey, Json } from "../checks";
import { EMAIL, HTTPS_URL } from "./patterns";
import { AlarmsConfig, OFFLINE_SECRET } from "./types";

/** `urlKey` is a key of its own so that Pulumi keeps the URL encrypted, as a secret. */
export function parseAlarms(check: Checker, key: string, value: Json | undefined, urlKey: string, urlValue: Json | undefined): AlarmsConfig {
    const raw = check.object(key, value, ["email"]) ?? {};
    const email = check.string(childKey(key, "email"), raw.email, { pattern: EMAIL, expected: "an email address to subscribe to the alarms' SNS topic" });
    let httpsUrl: string | undefined;
    if (urlValue !== undefined) {
        httpsUrl =
            urlValue === OFFLINE_SECRET
                ? urlValue
                : check.string(urlKey, urlValue, {
                      secret: true,
                      pattern: HTTPS_URL,
                      expected: "an https:// endpoint for the alarms' SNS topic (set it with `pulumi config set --secret alarmUrl <url>`)",
                  });
        if (httpsUrl !== undefined && httpsUrl !== OFFLINE_SECRET && httpsUrl.length > 2048) {
            check.report(urlKey, "is longer than 2048 characters; allowed: an https:// endpoint");
            httpsUrl = undefined;
        }
    }
    return { ...(email === undefined ? {} : { email }), ...(httpsUrl === undefined ? {} : { httpsUrl }) };
}
