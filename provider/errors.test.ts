import { isProviderError, ProviderError, upstreamFailure } from "./errors";
import { UndoStack } from "./undo";

const { isNativeError } = require("node:util").types as typeof import("node:util").types;

async function serializeAndLoad<T>(fn: () => T): Promise<() => T> {
  const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure");
  const serialized = await serializeFunction(fn);
  const mod = require("require-from-string")(serialized.text, `${__dirname}/serialized-errors-${Date.now()}.js`);
  return mod[serialized.exportName];
}

describe("ProviderError", () => {
  it("is a real Error with code, property, name and stack, with or without new", () => {
    for (const e of [new ProviderError("CONFIG", "pdac:x is wrong", "pdac:x"), (ProviderError as any)("CONFIG", "pdac:x is wrong", "pdac:x")]) {
      expect(e).toBeInstanceOf(Error);
      expect(e).toMatchObject({ name: "ProviderError", code: "CONFIG", property: "pdac:x", message: "pdac:x is wrong" });
      expect(String(e)).toBe("ProviderError: pdac:x is wrong");
      expect(e.stack).toContain("pdac:x is wrong");
      expect(isProviderError(e)).toBe(true);
    }
    expect(isProviderError(new Error("x"))).toBe(false);
    expect(upstreamFailure("doing it", new Error("boom"))).toMatchObject({ code: "UPSTREAM", message: "doing it failed: boom" });
  });

  it("stays an Error after Pulumi's closure serialization (the host prints its message, not [object Object])", async () => {
    const thrower = await serializeAndLoad(() => {
      throw new ProviderError("KEY_REJECTED", "integrationKey: rejected", "integrationKey");
    });
    let caught: any;
    try {
      thrower();
    } catch (e) {
      caught = e;
    }
    // The loaded module runs in Node's realm, not jest's: ask Node whether it is an Error.
    expect(isNativeError(caught)).toBe(true);
    expect(`${caught}: ${caught.stack}`).toMatch(/^ProviderError: integrationKey: rejected: .*integrationKey: rejected/s);
    expect(caught).toMatchObject({ code: "KEY_REJECTED", property: "integrationKey" });
  });

  it("an undo stack serialized with the provider rethrows a ProviderError with what could not be undone", async () => {
    const run = await serializeAndLoad(async () => {
      const undo = new UndoStack();
      undo.push("delete the thing", async () => {
        throw new Error("503");
      });
      return undo.rollback(new ProviderError("UPSTREAM", "the step failed"));
    });
    const err: any = await (run() as Promise<never>).catch((e) => e);
    expect(isNativeError(err)).toBe(true);
    expect(err.message).toMatch(/the step failed\nCleanup after the failure was incomplete; fix by hand:\n- could not delete the thing: 503/);
  });
});
