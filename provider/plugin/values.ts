/**
 * Values crossing the plugin's gRPC boundary. The engine marks a secret as an
 * object carrying Pulumi's secret signature; the provider works on plain
 * values, so secrets are unwrapped on the way in and the registry's secret
 * fields wrapped again on the way out (in outputs and in checked inputs, so
 * they are encrypted in state and shown as [secret] in every diff).
 */

/** Pulumi's special-signature key and the secret's signature. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

type Props = Record<string, unknown>;

function isSecret(v: unknown): v is { value: unknown } {
  return !!v && typeof v === "object" && (v as Props)[SIG_KEY] === SECRET_SIG;
}

/** The value with every secret envelope, at any depth, replaced by its value. */
export function unwrapSecrets<T>(v: T): T {
  if (isSecret(v)) return unwrapSecrets(v.value) as T;
  if (Array.isArray(v)) return v.map(unwrapSecrets) as T;
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)])) as T;
  return v;
}

export function secret(value: unknown): Props {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** `props` with the named top-level fields marked secret (those that are set). */
export function wrapSecrets(props: Props, fields: readonly string[]): Props {
  const out: Props = { ...props };
  for (const f of fields) if (out[f] !== undefined && out[f] !== null && !isSecret(out[f])) out[f] = secret(out[f]);
  return out;
}

/** `props` without undefined values at any depth (protobuf's Struct refuses them). */
export function defined<T>(props: T): T {
  if (Array.isArray(props)) return props.map(defined) as T;
  if (!props || typeof props !== "object") return props;
  return Object.fromEntries(
    Object.entries(props)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, defined(v)]),
  ) as T;
}
