import { DEFAULT_REGION, REGION_NAMES } from "../../../lib/regions";
import type { Redaction } from "../redact";

/** One settings field of an integration type, from its schema in the spec. */
export interface FieldRule {
  type: "string" | "boolean";
  enum?: readonly string[];
  /** Filled in when the client omits the field. */
  default?: string;
  /** Extra validation beyond the type; returns why the value is refused. */
  check?: (value: string) => string | undefined;
  minLength?: number;
  maxLength?: number;
  /** How reads redact it (absent: returned as stored). */
  redact?: Redaction;
}

export interface IntegrationRule {
  required: readonly string[];
  fields: Readonly<Record<string, FieldRule>>;
}

/**
 * PagerDuty service keys: Atlas answers 400 unless the key is "32 hexadecimal
 * digits" (API-NOTES), although PagerDuty itself documents 32 alphanumeric
 * characters (ruleset keys start with R). The sandbox follows Atlas, so a
 * client that passes here passes there.
 */
export function checkPagerDutyKey(value: string): string | undefined {
  if (/\*/.test(value)) return "the value is redacted (it contains *); send the real 32-hexadecimal-digit key, not what a GET returned";
  if (!/^[0-9a-fA-F]{32}$/.test(value)) return "a PagerDuty service key must be 32 hexadecimal digits";
  return undefined;
}

/** An absolute http(s) URL that is not a redacted read-back. */
export function checkUrl(value: string): string | undefined {
  if (/\/\*{4}/.test(value) || /\*{4}/.test(value)) return "the URL is redacted (it contains ****); send the real URL";
  try {
    const u = new URL(value);
    if (u.protocol !== "https:" && u.protocol !== "http:") return "must be an http or https URL";
  } catch {
    return "must be an absolute URL";
  }
  return undefined;
}

/** A secret that is not a redacted read-back (reads return it as all `*`). */
export function checkSecret(value: string): string | undefined {
  return /\*{4}/.test(value) ? "the value is redacted (it contains ****); send the real value" : undefined;
}

const hex40 = (v: string) => (/^[0-9a-f]{40}$/.test(v) ? undefined : "must be 40 lowercase hexadecimal digits");
const key = (extra?: (v: string) => string | undefined): FieldRule => ({
  type: "string",
  redact: "key",
  check: (v) => checkSecret(v) ?? extra?.(v),
});

/** Per integration type (spec schemas PagerDuty, Webhook, Slack, ...). HIP_CHAT has no schema. */
export const INTEGRATION_RULES: Readonly<Record<string, IntegrationRule>> = {
  PAGER_DUTY: {
    required: ["serviceKey"],
    fields: {
      serviceKey: { type: "string", redact: "key", check: checkPagerDutyKey },
      region: { type: "string", enum: REGION_NAMES, default: DEFAULT_REGION },
    },
  },
  WEBHOOK: {
    required: ["url"],
    fields: {
      url: { type: "string", redact: "url", check: checkUrl },
      secret: { type: "string", redact: "secret", check: checkSecret },
      bodyTemplate: { type: "string", redact: "secret", maxLength: 16 * 1024 },
      headersTemplate: { type: "string", redact: "secret", maxLength: 4 * 1024 },
    },
  },
  SLACK: {
    required: ["apiToken", "channelName"],
    fields: { apiToken: key(), channelName: { type: "string", minLength: 1, maxLength: 80 }, teamName: { type: "string" } },
  },
  DATADOG: {
    required: ["apiKey"],
    fields: {
      apiKey: key(),
      region: { type: "string", enum: ["US", "EU", "US3", "US5", "AP1", "US1_FED"], default: "US" },
      sendCollectionLatencyMetrics: { type: "boolean" },
      sendDatabaseMetrics: { type: "boolean" },
      sendQueryStatsMetrics: { type: "boolean" },
      sendUserProvidedResourceTags: { type: "boolean" },
    },
  },
  NEW_RELIC: {
    required: ["accountId", "licenseKey", "readToken", "writeToken"],
    fields: { accountId: { type: "string", check: hex40 }, licenseKey: key(hex40), readToken: key(), writeToken: key() },
  },
  OPS_GENIE: {
    required: ["apiKey"],
    fields: { apiKey: key(), region: { type: "string", enum: ["US", "EU"], default: "US" } },
  },
  VICTOR_OPS: {
    required: ["apiKey"],
    fields: { apiKey: key(), routingKey: { type: "string" } },
  },
  PROMETHEUS: {
    required: ["enabled", "serviceDiscovery", "username"],
    fields: {
      enabled: { type: "boolean" },
      serviceDiscovery: { type: "string", enum: ["http", "file"] },
      username: { type: "string" },
      password: { type: "string", redact: "secret", check: checkSecret },
      sendUserProvidedResourceTagsEnabled: { type: "boolean" },
    },
  },
  MICROSOFT_TEAMS: {
    required: ["microsoftTeamsWebhookUrl"],
    fields: { microsoftTeamsWebhookUrl: { type: "string", redact: "url", check: checkUrl } },
  },
};
