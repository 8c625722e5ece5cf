import { isProviderError, ProviderError, upstreamFailure } from "./errors";
import { UndoStack } from "./undo";

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

  it("an undo stack rethrows a ProviderError with what could not be undone", async () => {
    const undo = new UndoStack();
    undo.push("delete the thing", async () => {
      throw new Error("503");
    });
    const err: any = await undo.rollback(new ProviderError("UPSTREAM", "the step failed")).catch((e) => e);
    expect(isProviderError(err)).toBe(true);
    expect(err.message).toMatch(/the step failed\nCleanup after the failure was incomplete; fix by hand:\n- could not delete the thing: 503/);
  });
});
