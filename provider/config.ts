import type { Config } from "@pulumi/pulumi/dynamic";
import type { AtlasAuthConfig } from "../clients/atlas/types";
import { RETRY_BOUNDS, RETRY_DEFAULTS } from "../clients/http/retry";
import { PAGERDUTY_URL_SETTINGS, pagerDutyUrlSettings, type Region, regionalKey, regionRecord } from "../lib/regions";
import { ProviderError } from "./errors";

/** Config namespace: `pulumi config set pdac:<key>`. */
export const CONFIG_NAMESPACE = "pdac";

export type { Region };

export type { AtlasAuthConfig };

/** Everything the provider needs to reach the three APIs, read once per provider process in `configure()`. */
export interface ProviderConfig {
  atlasBaseUrl: string;
  atlasAuth?: AtlasAuthConfig;
  pagerdutyEventsUrl: Record<Region, string>;
  pagerdutyRestUrl: Record<Region, string>;
  pagerdutyToken?: string;
  timeoutMs: number;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
}

/**
 * Each setting: its stack config key (under `pdac:`) and the environment variable
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

/**
 * Reads stack config first, then the environment; blank values count as unset
 * and fall back. Numbers must be whole and within their bounds, URLs absolute
 * http(s): anything else is refused with the setting's name and the fix.
 */
export function readProviderConfig(config: Pick<Config, "get"> | undefined, env: NodeJS.ProcessEnv): ProviderConfig {
  const get = (name: SettingName): string | undefined => {
    const s = SETTINGS[name];
    const fromConfig = config?.get(`${CONFIG_NAMESPACE}:${s.key}`)?.trim();
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
        `${CONFIG_NAMESPACE}:${s.key} (or ${s.env}) is ${JSON.stringify(raw)}: it must be a whole number from ${s.bounds.min} to ${s.bounds.max} (default ${s.fallback}); fix it with pulumi config set ${CONFIG_NAMESPACE}:${s.key} <value>, or unset it`,
        `${CONFIG_NAMESPACE}:${s.key}`,
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
        `${CONFIG_NAMESPACE}:${s.key} (or ${s.env}) must be an absolute http(s) URL without credentials or query, like ${s.fallback}`,
        `${CONFIG_NAMESPACE}:${s.key}`,
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
      `${CONFIG_NAMESPACE}:${SETTINGS.retryMaxDelayMs.key} (${retry.maxDelayMs}) must be at least ${CONFIG_NAMESPACE}:${SETTINGS.retryBaseDelayMs.key} (${retry.baseDelayMs})`,
      `${CONFIG_NAMESPACE}:${SETTINGS.retryMaxDelayMs.key}`,
    );
  }
  return {
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
  return [
    {
      property: `${CONFIG_NAMESPACE}:${s.atlasClientId.key}`,
      reason:
        `no project API credentials: set ${CONFIG_NAMESPACE}:${s.atlasClientId.key} and --secret ${CONFIG_NAMESPACE}:${s.atlasClientSecret.key} ` +
        `(a service account), or ${CONFIG_NAMESPACE}:${s.atlasPublicKey.key} and --secret ${CONFIG_NAMESPACE}:${s.atlasPrivateKey.key} (an API key), ` +
        `or the environment variables ${s.atlasClientId.env}/${s.atlasClientSecret.env} or ${s.atlasPublicKey.env}/${s.atlasPrivateKey.env}`,
    },
  ];
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
