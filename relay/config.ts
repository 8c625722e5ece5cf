/**
 * The relay's configuration: one JSON file plus environment, parsed once with zod. Secrets are
 * never inline: each is a reference `{ "env": "NAME" }` or `{ "file": "/path" }`, resolved at load,
 * so the file can live in code review.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import type { AtlasAuthConfig } from "../clients/atlas/types";
import { DEFAULT_REGION, REGION_NAMES, type Region, regionRecord } from "../lib/regions";
import { PAGERDUTY_SEVERITIES, type PagerDutySeverity as Severity } from "../lib/severity";

export type { PagerDutySeverity as Severity } from "../lib/severity";

const secretRef = z.union([z.object({ env: z.string().min(1) }).strict(), z.object({ file: z.string().min(1) }).strict()]);
export type SecretRef = z.infer<typeof secretRef>;

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const OBJECT_ID = /^[0-9a-f]{24}$/;

const url = z.string().url();
/** One optional URL per region of lib/regions.ts: { "US": "...", "EU": "..." }. */
const regionUrls = () =>
  z
    .object(regionRecord(() => url.optional()))
    .strict()
    .default({});

const routeSchema = z
  .object({
    id: z.string().regex(ID, "1-64 letters, digits, '-' or '_' (it is the last segment of the intake URL /atlas/{id})"),
    projectId: z.string().regex(OBJECT_ID, "24 lowercase hexadecimal digits (the Atlas project id)"),
    routingKey: secretRef,
    region: z.enum(REGION_NAMES).default(DEFAULT_REGION),
    webhookSecret: secretRef,
    previousWebhookSecret: secretRef.optional(),
    defaultSeverity: z.enum(PAGERDUTY_SEVERITIES).default("error"),
    /** Alert configurations this route serves besides those it receives webhooks for (reconciliation). */
    alertConfigIds: z.array(z.string().regex(OBJECT_ID, "24 lowercase hexadecimal digits")).default([]),
  })
  .strict();

export const configSchema = z
  .object({
    listen: z
      .object({ host: z.string().default("127.0.0.1"), port: z.number().int().min(0).max(65535).default(8490) })
      .strict()
      .default({ host: "127.0.0.1", port: 8490 }),
    /** Where SQLite keeps the relay's state; "memory" keeps nothing (tests). */
    dataDir: z.string().default(".relay-data"),
    /** The URL PagerDuty and Atlas reach this relay at (webhook subscription target). */
    publicUrl: url.optional(),
    atlas: z
      .object({
        baseUrl: url.default("https://cloud.mongodb.com"),
        clientId: secretRef.optional(),
        clientSecret: secretRef.optional(),
        publicKey: secretRef.optional(),
        privateKey: secretRef.optional(),
        /** acknowledgedUntil sent when PagerDuty acknowledges: now + this many hours. */
        acknowledgeHours: z
          .number()
          .positive()
          .max(24 * 365 * 100)
          .default(24),
      })
      .strict()
      .refine((a) => (a.clientId && a.clientSecret) || (a.publicKey && a.privateKey), {
        message: "give clientId + clientSecret (service account) or publicKey + privateKey (API key)",
      }),
    pagerduty: z
      .object({
        eventsUrl: regionUrls(),
        restUrl: regionUrls(),
        /** REST API token: enables incident lookups and the webhook subscription setup. */
        restToken: secretRef.optional(),
        /** Secrets of PagerDuty webhook subscriptions made by hand (several during rotation). */
        webhookSecrets: z.array(secretRef).default([]),
        /** Events per routing key per minute and burst (PagerDuty allows about 120 a minute). */
        eventsPerMinute: z.number().positive().max(6000).default(100),
        burst: z.number().int().positive().max(1000).default(10),
        /** alert.inform becomes an info trigger followed at once by its resolve; false skips informs. */
        informs: z.boolean().default(true),
      })
      .strict()
      .default({ eventsUrl: {}, restUrl: {}, webhookSecrets: [], eventsPerMinute: 100, burst: 10, informs: true }),
    reconcile: z
      .object({ intervalSeconds: z.number().min(0).default(300) })
      .strict()
      .default({ intervalSeconds: 300 }),
    statusPage: z
      .object({ username: z.string().min(1), password: secretRef })
      .strict()
      .optional(),
    routes: z.array(routeSchema).min(1, "declare at least one route"),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.routes.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: "custom", path: ["routes", i, "id"], message: `duplicate route id ${r.id}` });
      seen.add(r.id);
    });
  });

export type RawConfig = z.input<typeof configSchema>;

export interface RouteConfig {
  id: string;
  projectId: string;
  routingKey: string;
  region: Region;
  webhookSecrets: string[];
  defaultSeverity: Severity;
  alertConfigIds: string[];
}

/** The validated config with every secret resolved. */
export interface RelayConfig {
  listen: { host: string; port: number };
  dataDir: string | undefined;
  publicUrl?: string;
  atlas: {
    baseUrl: string;
    auth: AtlasAuthConfig;
    acknowledgeHours: number;
  };
  pagerduty: {
    eventsUrl: Partial<Record<Region, string>>;
    restUrl: Partial<Record<Region, string>>;
    restToken?: string;
    webhookSecrets: string[];
    eventsPerMinute: number;
    burst: number;
    informs: boolean;
  };
  reconcileIntervalMs: number;
  statusPage?: { username: string; password: string };
  routes: RouteConfig[];
}

/** A config problem, naming the field and the fix. */
export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid relay config:\n  ${issues.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

export interface ConfigSources {
  env?: Record<string, string | undefined>;
  /** Relative secret files resolve against this directory (the config file's). */
  baseDir?: string;
}

/** Validates `raw` and resolves its secret references. Throws ConfigError listing every problem. */
export function parseConfig(raw: unknown, sources: ConfigSources = {}): RelayConfig {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`));
  }
  const c = parsed.data;
  const env = sources.env ?? process.env;
  const problems: string[] = [];
  const secret = (ref: SecretRef, where: string): string => {
    if ("env" in ref) {
      const v = env[ref.env];
      if (v === undefined || v === "") problems.push(`${where}: environment variable ${ref.env} is not set`);
      return (v ?? "").trim();
    }
    const file = path.resolve(sources.baseDir ?? process.cwd(), ref.file);
    try {
      const v = fs.readFileSync(file, "utf8").trim();
      if (!v) problems.push(`${where}: file ${file} is empty`);
      return v;
    } catch (e) {
      problems.push(`${where}: cannot read file ${file} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
      return "";
    }
  };
  const a = c.atlas;
  const auth: RelayConfig["atlas"]["auth"] =
    a.clientId && a.clientSecret
      ? { kind: "serviceAccount", clientId: secret(a.clientId, "atlas.clientId"), clientSecret: secret(a.clientSecret, "atlas.clientSecret") }
      : { kind: "apiKey", publicKey: secret(a.publicKey!, "atlas.publicKey"), privateKey: secret(a.privateKey!, "atlas.privateKey") };
  const routes = c.routes.map((r, i): RouteConfig => {
    const routingKey = secret(r.routingKey, `routes.${i}.routingKey`);
    if (routingKey && !/^[A-Za-z0-9]{32}$/.test(routingKey)) {
      problems.push(`routes.${i}.routingKey: must be 32 letters or digits (an Events API v2 integration key or an R… ruleset key)`);
    }
    const secrets = [secret(r.webhookSecret, `routes.${i}.webhookSecret`)];
    if (r.previousWebhookSecret) secrets.push(secret(r.previousWebhookSecret, `routes.${i}.previousWebhookSecret`));
    return {
      id: r.id,
      projectId: r.projectId,
      routingKey,
      region: r.region,
      webhookSecrets: secrets,
      defaultSeverity: r.defaultSeverity,
      alertConfigIds: r.alertConfigIds,
    };
  });
  const config: RelayConfig = {
    listen: c.listen,
    dataDir: c.dataDir === "memory" ? undefined : path.resolve(sources.baseDir ?? process.cwd(), c.dataDir),
    ...(c.publicUrl ? { publicUrl: c.publicUrl.replace(/\/+$/, "") } : {}),
    atlas: { baseUrl: a.baseUrl.replace(/\/+$/, ""), auth, acknowledgeHours: a.acknowledgeHours },
    pagerduty: {
      eventsUrl: c.pagerduty.eventsUrl,
      restUrl: c.pagerduty.restUrl,
      ...(c.pagerduty.restToken ? { restToken: secret(c.pagerduty.restToken, "pagerduty.restToken") } : {}),
      webhookSecrets: c.pagerduty.webhookSecrets.map((s, i) => secret(s, `pagerduty.webhookSecrets.${i}`)),
      eventsPerMinute: c.pagerduty.eventsPerMinute,
      burst: c.pagerduty.burst,
      informs: c.pagerduty.informs,
    },
    reconcileIntervalMs: c.reconcile.intervalSeconds * 1000,
    ...(c.statusPage ? { statusPage: { username: c.statusPage.username, password: secret(c.statusPage.password, "statusPage.password") } } : {}),
    routes,
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** Reads and parses a JSON config file; secret files resolve relative to it. */
export function loadConfigFile(file: string, env: Record<string, string | undefined> = process.env): RelayConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new ConfigError([
      `${file}: ${e instanceof SyntaxError ? `not valid JSON (${e.message})` : `cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})`}`,
    ]);
  }
  return parseConfig(raw, { env, baseDir: path.dirname(path.resolve(file)) });
}

/** Every secret in the config, for redaction. */
export function configSecrets(c: RelayConfig): string[] {
  const out = [
    ...c.routes.flatMap((r) => [r.routingKey, ...r.webhookSecrets]),
    ...c.pagerduty.webhookSecrets,
    c.pagerduty.restToken,
    c.statusPage?.password,
    c.atlas.auth.kind === "serviceAccount" ? c.atlas.auth.clientSecret : c.atlas.auth.privateKey,
  ];
  return out.filter((s): s is string => typeof s === "string" && s.length >= 4);
}
