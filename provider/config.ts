import type { Config } from "@pulumi/pulumi/dynamic";

/** Config namespace: `pulumi config set pdac:<key>`. */
export const CONFIG_NAMESPACE = "pdac";

import type { Region } from "../lib/regions";
export type { Region };

export type AtlasAuthConfig =
  | { kind: "serviceAccount"; clientId: string; clientSecret: string }
  | { kind: "apiKey"; publicKey: string; privateKey: string };

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
export const SETTINGS = {
  atlasBaseUrl: { key: "atlasBaseUrl", env: "MONGODB_ATLAS_BASE_URL", fallback: "https://cloud.mongodb.com" },
  atlasClientId: { key: "atlasClientId", env: "MONGODB_ATLAS_CLIENT_ID" },
  atlasClientSecret: { key: "atlasClientSecret", env: "MONGODB_ATLAS_CLIENT_SECRET", secret: true },
  atlasPublicKey: { key: "atlasPublicKey", env: "MONGODB_ATLAS_PUBLIC_KEY" },
  atlasPrivateKey: { key: "atlasPrivateKey", env: "MONGODB_ATLAS_PRIVATE_KEY", secret: true },
  pagerdutyEventsUrl: { key: "pagerdutyEventsUrl", env: "PAGERDUTY_EVENTS_URL", fallback: "https://events.pagerduty.com" },
  pagerdutyEventsUrlEu: { key: "pagerdutyEventsUrlEu", env: "PAGERDUTY_EVENTS_URL_EU", fallback: "https://events.eu.pagerduty.com" },
  pagerdutyRestUrl: { key: "pagerdutyRestUrl", env: "PAGERDUTY_REST_URL", fallback: "https://api.pagerduty.com" },
  pagerdutyRestUrlEu: { key: "pagerdutyRestUrlEu", env: "PAGERDUTY_REST_URL_EU", fallback: "https://api.eu.pagerduty.com" },
  pagerdutyToken: { key: "pagerdutyToken", env: "PAGERDUTY_TOKEN", secret: true },
  httpTimeoutMs: { key: "httpTimeoutMs", env: "PDAC_HTTP_TIMEOUT_MS", fallback: "10000" },
  retryMaxAttempts: { key: "retryMaxAttempts", env: "PDAC_RETRY_MAX_ATTEMPTS", fallback: "5" },
  retryBaseDelayMs: { key: "retryBaseDelayMs", env: "PDAC_RETRY_BASE_DELAY_MS", fallback: "500" },
  retryMaxDelayMs: { key: "retryMaxDelayMs", env: "PDAC_RETRY_MAX_DELAY_MS", fallback: "20000" },
} as const;

type SettingName = keyof typeof SETTINGS;

/** Reads stack config first, then the environment; blank values count as unset. */
export function readProviderConfig(config: Pick<Config, "get"> | undefined, env: NodeJS.ProcessEnv): ProviderConfig {
  const get = (name: SettingName): string | undefined => {
    const s = SETTINGS[name];
    const fromConfig = config?.get(`${CONFIG_NAMESPACE}:${s.key}`);
    const value = fromConfig !== undefined && fromConfig !== "" ? fromConfig : env[s.env];
    if (value !== undefined && value !== "") return value.trim();
    return "fallback" in s ? s.fallback : undefined;
  };
  const num = (name: SettingName): number => {
    const n = Number(get(name));
    if (!Number.isFinite(n) || n < 0) {
      throw new Error(`${CONFIG_NAMESPACE}:${SETTINGS[name].key} (or ${SETTINGS[name].env}) must be a non-negative number`);
    }
    return n;
  };
  const clientId = get("atlasClientId");
  const clientSecret = get("atlasClientSecret");
  const publicKey = get("atlasPublicKey");
  const privateKey = get("atlasPrivateKey");
  let atlasAuth: AtlasAuthConfig | undefined;
  if (clientId && clientSecret) atlasAuth = { kind: "serviceAccount", clientId, clientSecret };
  else if (publicKey && privateKey) atlasAuth = { kind: "apiKey", publicKey, privateKey };
  return {
    atlasBaseUrl: stripSlash(get("atlasBaseUrl")!),
    atlasAuth,
    pagerdutyEventsUrl: { US: stripSlash(get("pagerdutyEventsUrl")!), EU: stripSlash(get("pagerdutyEventsUrlEu")!) },
    pagerdutyRestUrl: { US: stripSlash(get("pagerdutyRestUrl")!), EU: stripSlash(get("pagerdutyRestUrlEu")!) },
    pagerdutyToken: get("pagerdutyToken"),
    timeoutMs: num("httpTimeoutMs"),
    retry: { maxAttempts: Math.max(1, num("retryMaxAttempts")), baseDelayMs: num("retryBaseDelayMs"), maxDelayMs: num("retryMaxDelayMs") },
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
