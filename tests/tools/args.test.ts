import { describe, expect, it } from "vitest";
import { splitArgs, UsageError, valueOf } from "../../tools/args";

const SPEC = { values: ["--stack", "--set"], booleans: ["--json", "-h"], repeatable: ["--set"] };

describe("splitArgs", () => {
    it("reads positionals, values in both spellings, repeatable values in order, and booleans", () => {
        const args = splitArgs(["run", "--stack", "dev", "--set=a=1", "--set", "b=2", "--json"], SPEC);
        expect(args.positionals).toEqual(["run"]);
        expect(valueOf(args, "--stack")).toBe("dev");
        expect(args.values.get("--set")).toEqual(["a=1", "b=2"]);
        expect([...args.booleans]).toEqual(["--json"]);
    });

    it.each([
        [["--verbose"], "unknown option --verbose"],
        [["--stack"], "--stack needs a value"],
        [["--stack", "--json"], "--stack needs a value"],
        [["--json=yes"], "--json takes no value"],
        [["--stack", "dev", "--stack", "prod"], "--stack given twice"],
    ])("refuses %j: %s", (argv, message) => {
        expect(() => splitArgs(argv, SPEC)).toThrow(new UsageError(message));
    });
});
