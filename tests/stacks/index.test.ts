/**
 * The program's entry (stacks/index.ts) as Pulumi runs it: under mocks with the preview flag as
 * `pulumi preview` (true) or the update of `pulumi up` (false) sets it.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PROJECT } from "../../stacks/config";
import { mockInvoke } from "../../tools/offline";
import { readStackFile } from "../helpers";

const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    // The caller's account; the other data sources as the offline plan answers them.
    call: (args) => (args.token === "aws:index/getCallerIdentity:getCallerIdentity" ? { accountId: "111122223333" } : mockInvoke(args.token, args.inputs)),
};

/** Runs the entry module for the dev stack with `overrides`; resolves to what it threw, if anything. */
async function runEntry(overrides: readonly string[], preview: boolean): Promise<unknown> {
    vi.resetModules();
    await pulumi.runtime.setMocks(mocks, PROJECT, "dev", preview);
    pulumi.runtime.setAllConfig({ ...readStackFile("dev", overrides).config });
    vi.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
    try {
        await import("../../stacks/index");
        return undefined;
    } catch (error) {
        return error;
    }
}

afterEach(async () => {
    vi.restoreAllMocks();
    await pulumi.runtime.disconnect();
});

describe("a real pulumi up of a router AWS has shut down", () => {
    it("stops at once with the discontinuation and the one-line switch, declaring nothing", async () => {
        const error = await runEntry(["router=appmesh"], false);
        expect(error).toBeInstanceOf(pulumi.RunError);
        const message = (error as Error).message;
        expect(message).toContain("AWS discontinued App Mesh on 2026-09-30");
        expect(message).toContain("`pulumi config set router lattice`");
        expect(message).toContain("Nothing was deployed");
    });

    it("still previews", async () => {
        expect(await runEntry(["router=appmesh"], true)).toBeUndefined();
    });

    it("deploys a live router", async () => {
        expect(await runEntry([], false)).toBeUndefined();
    });
});
