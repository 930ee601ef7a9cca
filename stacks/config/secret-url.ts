/**
 * A secret HTTPS URL of a key of its own (`flaggerAlertUrl`, `alarmUrl`), so that Pulumi keeps it
 * encrypted: the offline plan's secret marker passes as it is, and no message quotes the value.
 */
import { Checker, Json } from "../checks";
import { HTTPS_URL } from "./patterns";
import { OFFLINE_SECRET } from "./types";

/** The longest URL an AlertProvider's Secret or an SNS subscription takes here. */
const MAX_URL_LENGTH = 2048;

/** `what` names the URL in the messages (`an https:// webhook URL`); `expected` adds how to set it. */
export function parseSecretHttpsUrl(check: Checker, key: string, value: Json | undefined, what: string, expected: string): string | undefined {
    if (value === undefined || value === OFFLINE_SECRET) {
        return value;
    }
    const url = check.string(key, value, { secret: true, pattern: HTTPS_URL, expected });
    if (url !== undefined && url.length > MAX_URL_LENGTH) {
        check.report(key, `is longer than ${MAX_URL_LENGTH} characters; allowed: ${what}`);
        return undefined;
    }
    return url;
}
