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
  declare readonly code: ProviderErrorCode;
  declare readonly property?: string;

  // Everything is assigned here, not in field initializers or through super():
  // Pulumi's closure serializer rewrites classes into functions, dropping field
  // initializers and turning super(message) into a no-op Error.call.
  constructor(code: ProviderErrorCode, message: string, property?: string) {
    super(message);
    this.name = "ProviderError";
    this.message = message;
    this.code = code;
    if (property !== undefined) this.property = property;
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
