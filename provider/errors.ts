/**
 * The provider layer's one error type. Messages name the property or setting
 * and the fix, and never contain a secret (upstream errors are already
 * redacted by the HTTP layer).
 */
export type ProviderErrorCode =
  | "KEY_REJECTED"
  | "KEY_NOT_CONFIRMED"
  | "SERVICE_NOT_FOUND"
  | "ALREADY_EXISTS"
  | "INTEGRATION_MISSING"
  | "UPSTREAM"
  | "CONFIG"
  | "INVALID_ID";

export class ProviderError extends Error {
  override readonly name = "ProviderError";
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    readonly property?: string,
  ) {
    super(message);
  }
}

/** The message of anything thrown, for wrapping into a ProviderError. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Wraps a failure of `doing` (an upstream error or anything else) into a ProviderError; ProviderErrors pass through. */
export function upstreamFailure(doing: string, err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  return new ProviderError("UPSTREAM", `${doing} failed: ${messageOf(err)}`);
}
