/** Progress goes to stderr: stdout carries only the table, or the JSON document with `--json`. */
export function log(text: string): void {
    process.stderr.write(`${text}\n`);
}
