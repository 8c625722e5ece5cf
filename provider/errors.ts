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
  | "INVALID_ID"
  | "NOT_FOUND"
  | "CONFLICT";

export interface ProviderError extends Error {
  readonly name: "ProviderError";
  readonly code: ProviderErrorCode;
  readonly property?: string;
}

/**
 * Builds a ProviderError: a real `Error` (with message and stack) carrying a
 * stable code and the property at fault. Callable with or without `new`: a
 * constructor returning an object yields that object.
 */
export const ProviderError = function ProviderError(code: ProviderErrorCode, message: string, property?: string): ProviderError {
  const e = new Error(message) as Error & { code: ProviderErrorCode; property?: string };
  e.name = "ProviderError";
  e.code = code;
  if (property !== undefined) e.property = property;
  return e as ProviderError;
} as unknown as {
  new (code: ProviderErrorCode, message: string, property?: string): ProviderError;
  (code: ProviderErrorCode, message: string, property?: string): ProviderError;
};

/** Whether `err` is a ProviderError (by shape, so it holds for errors from another copy of the package). */
export function isProviderError(err: unknown): err is ProviderError {
  return err instanceof Error && err.name === "ProviderError" && typeof (err as { code?: unknown }).code === "string";
}

/** The message of anything thrown, for wrapping into a ProviderError. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Wraps a failure of `doing` (an upstream error or anything else) into a ProviderError; ProviderErrors pass through. */
export function upstreamFailure(doing: string, err: unknown): ProviderError {
  if (isProviderError(err)) return err;
  return new ProviderError("UPSTREAM", `${doing} failed: ${messageOf(err)}`);
}

/**
 * A warning for the person running `pulumi up`: the dynamic-provider host has
 * no engine log channel, so it goes to stderr, which the engine shows. Never
 * pass a secret.
 */
export function warn(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}
