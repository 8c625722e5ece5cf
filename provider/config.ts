import type { Config, ConfigureRequest as DynamicConfigureRequest } from "@pulumi/pulumi/dynamic";
import type { AtlasAuthConfig } from "../clients/atlas/types";
import { RETRY_BOUNDS, RETRY_DEFAULTS } from "../clients/http/retry";
import { PAGERDUTY_URL_SETTINGS, pagerDutyUrlSettings, type Region, regionalKey, regionRecord } from "../lib/regions";
import { ProviderError } from "./errors";

/**
 * The stack config namespace of each front door. The dynamic provider reads
 * `pdac:<key>` (`pulumi config set pdac:<key>`); the engine hands a provider
 * plugin only its own package's configuration, `pagerduty-as-code:<key>`.
 * Every setting of SETTINGS works under both, with the same environment
 * variables, so a setting added to the table reaches both front doors.
 */
export const CONFIG_NAMESPACES = { dynamic: "pdac", plugin: "pagerduty-as-code" } as const;
export type ConfigNamespace = (typeof CONFIG_NAMESPACES)[keyof typeof CONFIG_NAMESPACES];

/** The dynamic provider's namespace (the default). */
export const CONFIG_NAMESPACE = CONFIG_NAMESPACES.dynamic;

/** What `configure()` receives: the stack config, and under which namespace its keys are (the dynamic provider's unless said). */
export interface ConfigureRequest extends DynamicConfigureRequest {
  namespace?: ConfigNamespace;
}

export type { Region };

export type { AtlasAuthConfig };

/** Everything the provider needs to reach the three APIs, read once per provider process in `configure()`. */
export interface ProviderConfig {
  /** The namespace the settings were read under: messages name the keys the user sets. */
  namespace: ConfigNamespace;
  atlasBaseUrl: string;
  atlasAuth?: AtlasAuthConfig;
  pagerdutyEventsUrl: Record<Region, string>;
  pagerdutyRestUrl: Record<Region, string>;
  pagerdutyToken?: string;
  timeoutMs: number;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
}

/**
 * Each setting: its stack config key (under either namespace) and the environment variable
 * used when the key is not set. The README's configuration reference is this table.
 */
interface Setting {
  key: string;
  env: string;
  fallback?: string;
  secret?: boolean;
}

const FIXED_SETTINGS = {
  atlasBaseUrl: { key: "atlasBaseUrl", env: "MONGODB_ATLAS_BASE_URL", fallback: "https://cloud.mongodb.com" },
  atlasClientId: { key: "atlasClientId", env: "MONGODB_ATLAS_CLIENT_ID" },
  atlasClientSecret: { key: "atlasClientSecret", env: "MONGODB_ATLAS_CLIENT_SECRET", secret: true },
  atlasPublicKey: { key: "atlasPublicKey", env: "MONGODB_ATLAS_PUBLIC_KEY" },
  atlasPrivateKey: { key: "atlasPrivateKey", env: "MONGODB_ATLAS_PRIVATE_KEY", secret: true },
  pagerdutyToken: { key: "pagerdutyToken", env: "PAGERDUTY_TOKEN", secret: true },
  httpTimeoutMs: { key: "httpTimeoutMs", env: "PDAC_HTTP_TIMEOUT_MS", fallback: String(RETRY_DEFAULTS.timeoutMs), bounds: RETRY_BOUNDS.timeoutMs },
  retryMaxAttempts: { key: "retryMaxAttempts", env: "PDAC_RETRY_MAX_ATTEMPTS", fallback: String(RETRY_DEFAULTS.maxAttempts), bounds: RETRY_BOUNDS.maxAttempts },
  retryBaseDelayMs: {
    key: "retryBaseDelayMs",
    env: "PDAC_RETRY_BASE_DELAY_MS",
    fallback: String(RETRY_DEFAULTS.baseDelayMs),
    bounds: RETRY_BOUNDS.baseDelayMs,
  },
  retryMaxDelayMs: { key: "retryMaxDelayMs", env: "PDAC_RETRY_MAX_DELAY_MS", fallback: String(RETRY_DEFAULTS.maxDelayMs), bounds: RETRY_BOUNDS.maxDelayMs },
} as const;

export const SETTINGS: typeof FIXED_SETTINGS & Record<string, Setting> = {
  ...FIXED_SETTINGS,
  // pagerdutyEventsUrl, pagerdutyEventsUrlEu, pagerdutyRestUrl...: one per region of lib/regions.ts.
  ...Object.fromEntries(pagerDutyUrlSettings().map(({ key, env, fallback }) => [key, { key, env, fallback }])),
};

type SettingName = keyof typeof SETTINGS;

/** A setting as messages name it: its stack config key under the namespace of the front door in use (`pdac:pagerdutyToken`, `pagerduty-as-code:pagerdutyToken`). */
export function settingKey(namespace: ConfigNamespace, name: SettingName): string {
  return `${namespace}:${SETTINGS[name].key}`;
}

/**
 * Reads stack config first, then the environment; blank values count as unset
 * and fall back. Numbers must be whole and within their bounds, URLs absolute
 * http(s): anything else is refused with the setting's name and the fix.
 */
export function readProviderConfig(
  config: Pick<Config, "get"> | undefined,
  env: NodeJS.ProcessEnv,
  namespace: ConfigNamespace = CONFIG_NAMESPACE,
): ProviderConfig {
  const get = (name: SettingName): string | undefined => {
    const s = SETTINGS[name];
    const fromConfig = config?.get(`${namespace}:${s.key}`)?.trim();
    const value = fromConfig ? fromConfig : env[s.env]?.trim();
    if (value) return value;
    return "fallback" in s ? s.fallback : undefined;
  };
  const num = (name: "httpTimeoutMs" | "retryMaxAttempts" | "retryBaseDelayMs" | "retryMaxDelayMs"): number => {
    const s = SETTINGS[name];
    const raw = get(name)!;
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n) || n < s.bounds.min || n > s.bounds.max) {
      throw new ProviderError(
        "CONFIG",
        `${namespace}:${s.key} (or ${s.env}) is ${JSON.stringify(raw)}: it must be a whole number from ${s.bounds.min} to ${s.bounds.max} (default ${s.fallback}); fix it with pulumi config set ${namespace}:${s.key} <value>, or unset it`,
        `${namespace}:${s.key}`,
      );
    }
    return n;
  };
  const url = (name: string): string => {
    const s = SETTINGS[name];
    const raw = get(name)!;
    let ok = false;
    try {
      const u = new URL(raw);
      ok = (u.protocol === "https:" || u.protocol === "http:") && !u.username && !u.password && !u.search;
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new ProviderError(
        "CONFIG",
        `${namespace}:${s.key} (or ${s.env}) must be an absolute http(s) URL without credentials or query, like ${s.fallback}`,
        `${namespace}:${s.key}`,
      );
    }
    return stripSlash(raw);
  };
  const clientId = get("atlasClientId");
  const clientSecret = get("atlasClientSecret");
  const publicKey = get("atlasPublicKey");
  const privateKey = get("atlasPrivateKey");
  let atlasAuth: AtlasAuthConfig | undefined;
  if (clientId && clientSecret) atlasAuth = { kind: "serviceAccount", clientId, clientSecret };
  else if (publicKey && privateKey) atlasAuth = { kind: "apiKey", publicKey, privateKey };
  const retry = { maxAttempts: num("retryMaxAttempts"), baseDelayMs: num("retryBaseDelayMs"), maxDelayMs: num("retryMaxDelayMs") };
  if (retry.maxDelayMs < retry.baseDelayMs) {
    throw new ProviderError(
      "CONFIG",
      `${namespace}:${SETTINGS.retryMaxDelayMs.key} (${retry.maxDelayMs}) must be at least ${namespace}:${SETTINGS.retryBaseDelayMs.key} (${retry.baseDelayMs})`,
      `${namespace}:${SETTINGS.retryMaxDelayMs.key}`,
    );
  }
  return {
    namespace,
    atlasBaseUrl: url("atlasBaseUrl"),
    atlasAuth,
    pagerdutyEventsUrl: regionRecord((r) => url(regionalKey(PAGERDUTY_URL_SETTINGS.events.key, r))),
    pagerdutyRestUrl: regionRecord((r) => url(regionalKey(PAGERDUTY_URL_SETTINGS.rest.key, r))),
    pagerdutyToken: get("pagerdutyToken"),
    timeoutMs: num("httpTimeoutMs"),
    retry,
  };
}

/** Problems with the provider configuration that block any API call, as check failures. */
export function configProblems(cfg: ProviderConfig): Array<{ property: string; reason: string }> {
  if (cfg.atlasAuth) return [];
  const s = SETTINGS;
  const namespace = cfg.namespace;
  return [
    {
      property: `${namespace}:${s.atlasClientId.key}`,
      reason:
        `no project API credentials: set ${namespace}:${s.atlasClientId.key} and --secret ${namespace}:${s.atlasClientSecret.key} ` +
        `(a service account), or ${namespace}:${s.atlasPublicKey.key} and --secret ${namespace}:${s.atlasPrivateKey.key} (an API key), ` +
        `or the environment variables ${s.atlasClientId.env}/${s.atlasClientSecret.env} or ${s.atlasPublicKey.env}/${s.atlasPrivateKey.env}`,
    },
  ];
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
