import { isProviderError, messageOf, ProviderError } from "./errors";

/**
 * Steps already done by a create or update, undone in reverse when a later
 * step fails, so a failed operation leaves nothing behind. Cleanup failures
 * are added to the error message rather than hiding the original failure.
 */
export class UndoStack {
  private readonly steps: Array<{ what: string; run: () => Promise<unknown> }> = [];

  push(what: string, run: () => Promise<unknown>): void {
    this.steps.push({ what, run });
  }

  /** Drops the step named `what` (it was completed for good, e.g. the alert was resolved). */
  forget(what: string): void {
    const i = this.steps.findIndex((s) => s.what === what);
    if (i >= 0) this.steps.splice(i, 1);
  }

  /** Undoes every step, then rethrows `err` with what could not be undone. */
  async rollback(err: unknown): Promise<never> {
    const leftovers: string[] = [];
    for (const step of this.steps.reverse()) {
      try {
        await step.run();
      } catch (cleanupErr) {
        leftovers.push(`could not ${step.what}: ${messageOf(cleanupErr)}`);
      }
    }
    this.steps.length = 0;
    const base = isProviderError(err) ? err : new ProviderError("UPSTREAM", messageOf(err));
    if (leftovers.length === 0) throw base;
    throw new ProviderError(base.code, `${base.message}\nCleanup after the failure was incomplete; fix by hand:\n- ${leftovers.join("\n- ")}`, base.property);
  }
}
