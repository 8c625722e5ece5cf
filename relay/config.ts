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
import { indistinguishableRouteIds } from "./domain/intake-url";

export type { PagerDutySeverity as Severity } from "../lib/severity";

const REF_HELP = 'give a reference, {"env": "VARIABLE"} or {"file": "/path/to/file"}';
const secretRef = z.union([z.object({ env: z.string().min(1) }).strict(), z.object({ file: z.string().min(1) }).strict()], {
  error: (iss) =>
    iss.input === undefined
      ? `required: ${REF_HELP}`
      : typeof iss.input === "string"
        ? `a secret is never written in the config itself: ${REF_HELP}`
        : `not a secret reference: ${REF_HELP}`,
});
export type SecretRef = z.infer<typeof secretRef>;

/**
 * Secrets the relay checks against what its callers send (webhook secrets, the status page's
 * password, tokens): at least this long, so none is guessable or blank.
 */
export const MIN_SECRET_LENGTH = 16;

/** The HTTP limits' defaults (config `http`, flags --request-timeout … in relay/cli.ts). */
export const HTTP_DEFAULTS = {
  requestTimeoutSeconds: 10,
  headersTimeoutSeconds: 5,
  keepAliveTimeoutSeconds: 5,
  maxConnections: 1000,
  /** Atlas and PagerDuty bodies are a few KB. */
  bodyLimitBytes: 64 * 1024,
};
export type HttpLimits = typeof HTTP_DEFAULTS;

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
    /**
     * Alert configurations the reconciler watches for this route besides those it received webhooks
     * for; each only while its notifications still include a WEBHOOK to this route.
     */
    alertConfigIds: z.array(z.string().regex(OBJECT_ID, "24 lowercase hexadecimal digits")).default([]),
  })
  .strict();

export const configSchema = z
  .object({
    listen: z
      .object({ host: z.string().default("127.0.0.1"), port: z.number().int().min(0).max(65535).default(8490) })
      .strict()
      .default({ host: "127.0.0.1", port: 8490 }),
    /**
     * Bounds on every request (a slow or hostile client holds nothing for long): the whole request
     * must arrive within `requestTimeoutSeconds`, its headers within `headersTimeoutSeconds`; an idle
     * keep-alive connection closes after `keepAliveTimeoutSeconds`; at most `maxConnections` at once;
     * bodies over `bodyLimitBytes` get 413 (Atlas and PagerDuty send a few KB).
     */
    http: z
      .object({
        requestTimeoutSeconds: z.number().positive().max(600).default(HTTP_DEFAULTS.requestTimeoutSeconds),
        headersTimeoutSeconds: z.number().positive().max(600).default(HTTP_DEFAULTS.headersTimeoutSeconds),
        keepAliveTimeoutSeconds: z.number().positive().max(600).default(HTTP_DEFAULTS.keepAliveTimeoutSeconds),
        maxConnections: z.number().int().positive().max(1_000_000).default(HTTP_DEFAULTS.maxConnections),
        bodyLimitBytes: z
          .number()
          .int()
          .min(1024)
          .max(16 * 1024 * 1024)
          .default(HTTP_DEFAULTS.bodyLimitBytes),
      })
      .strict()
      .refine((h) => h.headersTimeoutSeconds <= h.requestTimeoutSeconds, {
        message: "headersTimeoutSeconds must not exceed requestTimeoutSeconds (the headers are part of the request)",
      })
      .default(HTTP_DEFAULTS),
    /** Where SQLite keeps the relay's state; "memory" keeps nothing (tests). */
    dataDir: z.string().default(".relay-data"),
    /**
     * How long SIGTERM lets in-flight sends finish. A new process on the same data dir waits this
     * long plus 5 s for the old one to let go (a rolling restart).
     */
    drainSeconds: z.number().min(0).max(3600).default(10),
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
    /**
     * Closed alerts, served configurations and intake dead letters are deleted after this many
     * days; a signed webhook whose `updated` is older is refused (a captured open replayed after its
     * alert was pruned must not page again).
     */
    retentionDays: z.number().positive().max(3650).default(30),
    reconcile: z
      .object({ intervalSeconds: z.number().min(0).default(300) })
      .strict()
      .default({ intervalSeconds: 300 }),
    statusPage: z
      .object({ username: z.string().trim().min(1, "a user name (HTTP Basic)"), password: secretRef })
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
  http: HttpLimits;
  dataDir: string | undefined;
  drainMs: number;
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
  retentionMs: number;
  statusPage?: { username: string; password: string };
  routes: RouteConfig[];
  /** Accepted but risky (a world-readable secret file, plain http towards the outside): logged at start. */
  warnings: string[];
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
  const warnings: string[] = [];
  /**
   * Resolves a reference, trimmed (a Kubernetes secret made from a file ends in a newline). A blank
   * value is an error, never the empty string: a webhook signed with the key "" would be accepted.
   * `minLength` applies to the secrets the relay checks callers against.
   */
  const secret = (ref: SecretRef, where: string, minLength = 1): string => {
    let v: string;
    if ("env" in ref) {
      const raw = env[ref.env];
      if (raw === undefined || raw === "") {
        problems.push(`${where}: environment variable ${ref.env} is not set`);
        return "";
      }
      v = raw.trim();
      if (!v) {
        problems.push(`${where}: environment variable ${ref.env} holds only whitespace; put the secret in it`);
        return "";
      }
    } else {
      const file = path.resolve(sources.baseDir ?? process.cwd(), ref.file);
      try {
        v = fs.readFileSync(file, "utf8").trim();
      } catch (e) {
        problems.push(`${where}: cannot read file ${file} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
        return "";
      }
      if (!v) {
        problems.push(`${where}: file ${file} is empty (or only whitespace); put the secret in it`);
        return "";
      }
      const mode = fs.statSync(file).mode & 0o777;
      if (mode & 0o004) warnings.push(`${where}: file ${file} is readable by every user (mode ${mode.toString(8)}); chmod 600 it`);
    }
    if (v.length < minLength) {
      problems.push(`${where}: ${v.length} characters; it must be at least ${minLength} (generate one with: openssl rand -hex 32)`);
    }
    return v;
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
    const secrets = [secret(r.webhookSecret, `routes.${i}.webhookSecret`, MIN_SECRET_LENGTH)];
    if (r.previousWebhookSecret) secrets.push(secret(r.previousWebhookSecret, `routes.${i}.previousWebhookSecret`, MIN_SECRET_LENGTH));
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
    http: c.http,
    dataDir: c.dataDir === "memory" ? undefined : path.resolve(sources.baseDir ?? process.cwd(), c.dataDir),
    drainMs: c.drainSeconds * 1000,
    ...(c.publicUrl ? { publicUrl: c.publicUrl.replace(/\/+$/, "") } : {}),
    atlas: { baseUrl: a.baseUrl.replace(/\/+$/, ""), auth, acknowledgeHours: a.acknowledgeHours },
    pagerduty: {
      eventsUrl: c.pagerduty.eventsUrl,
      restUrl: c.pagerduty.restUrl,
      ...(c.pagerduty.restToken ? { restToken: secret(c.pagerduty.restToken, "pagerduty.restToken") } : {}),
      webhookSecrets: c.pagerduty.webhookSecrets.map((s, i) => secret(s, `pagerduty.webhookSecrets.${i}`, MIN_SECRET_LENGTH)),
      eventsPerMinute: c.pagerduty.eventsPerMinute,
      burst: c.pagerduty.burst,
      informs: c.pagerduty.informs,
    },
    reconcileIntervalMs: c.reconcile.intervalSeconds * 1000,
    retentionMs: c.retentionDays * 86_400_000,
    ...(c.statusPage
      ? { statusPage: { username: c.statusPage.username, password: secret(c.statusPage.password, "statusPage.password", MIN_SECRET_LENGTH) } }
      : {}),
    routes,
    warnings,
  };
  problems.push(...sharedRouteSecrets(c.routes, routes), ...indistinguishableRouteIds(c.routes.map((r) => r.id)));
  if (config.publicUrl && !isHttpsOrLoopback(config.publicUrl)) {
    warnings.push(`publicUrl: ${config.publicUrl} is not https: webhooks and their signatures would cross the network in the clear; put the relay behind TLS`);
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/**
 * Each route's secrets (current and previous) belong to it alone: a body captured on one route and
 * replayed to another that shares its secret would page a second service.
 */
function sharedRouteSecrets(raw: ReadonlyArray<{ previousWebhookSecret?: unknown }>, routes: readonly RouteConfig[]): string[] {
  const owner = new Map<string, string>();
  const out: string[] = [];
  routes.forEach((r, i) => {
    const fields = ["webhookSecret", ...(raw[i].previousWebhookSecret ? ["previousWebhookSecret"] : [])];
    const mine = new Set<string>();
    r.webhookSecrets.forEach((v, j) => {
      const where = `routes.${i}.${fields[j]}`;
      if (!v || mine.has(v)) return;
      mine.add(v);
      const first = owner.get(v);
      if (first) out.push(`${where}: the same secret as ${first}; give each route its own (a webhook captured on one would be accepted by the other)`);
      else owner.set(v, where);
    });
  });
  return out;
}

/** https, or plain http on this machine's loopback (nothing crosses a network). */
export function isHttpsOrLoopback(url: string): boolean {
  const u = new URL(url);
  if (u.protocol === "https:") return true;
  const host = u.hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\./.test(host);
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
