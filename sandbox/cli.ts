/**
 * `npm run sandbox -- [flags]`: starts the project API and PagerDuty servers
 * until Ctrl-C. Every flag has an environment variable; both are printed on
 * --help. Credentials are printed at start (they are the sandbox's own).
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_REGION, REGION_NAMES, REGIONS, type Region, regionalFlag } from "../lib/regions";
import { startSandbox, type SandboxOptions } from ".";

const ATLAS_PORT = 8480;
/** Each PagerDuty region's flags (pagerduty-port, pagerduty-eu-port...) and default port, from lib/regions.ts. */
const regionFlags = (r: Region) => ({
  port: regionalFlag("pagerduty", "port", r),
  tlsPort: regionalFlag("pagerduty", "tls-port", r),
  defaultPort: ATLAS_PORT + REGIONS[r].sandboxPortOffset,
});
const envOf = (flag: string) => `SANDBOX_${flag.toUpperCase().replaceAll("-", "_")}`;

const FLAGS = {
  "data-dir": { env: "SANDBOX_DATA_DIR", help: "where SQLite keeps state (default .sandbox-data; 'memory' keeps nothing)" },
  host: { env: "SANDBOX_HOST", help: "listen address (default 127.0.0.1)" },
  "atlas-port": { env: "SANDBOX_ATLAS_PORT", help: `project API port (default ${ATLAS_PORT}; 0 picks one)` },
  ...Object.fromEntries(
    REGION_NAMES.map((r) => {
      const f = regionFlags(r);
      return [f.port, { env: envOf(f.port), help: `PagerDuty ${r} port (default ${f.defaultPort})` }];
    }),
  ),
  ...Object.fromEntries(
    REGION_NAMES.map((r, i) => {
      const f = regionFlags(r);
      const where = i === 0 ? " (self-signed certificate made into the data dir; default off)" : " (default off)";
      return [f.tlsPort, { env: envOf(f.tlsPort), help: `also serve PagerDuty ${r} over https on this port${where}` }];
    }),
  ),
  project: { env: "SANDBOX_PROJECTS", help: "project id to create at start, repeatable (env: comma-separated)" },
  "client-id": { env: "SANDBOX_CLIENT_ID", help: "service account client id (default: generated once)" },
  "client-secret": { env: "SANDBOX_CLIENT_SECRET", help: "service account client secret" },
  "public-key": { env: "SANDBOX_PUBLIC_KEY", help: "API public key (HTTP Digest user)" },
  "private-key": { env: "SANDBOX_PRIVATE_KEY", help: "API private key (HTTP Digest password)" },
  "pagerduty-token": { env: "SANDBOX_PAGERDUTY_TOKEN", help: "PagerDuty REST API token" },
  "rate-limit": { env: "SANDBOX_RATE_LIMIT", help: "project API token bucket as capacity/refillPerSecond, e.g. 100/10 (default off)" },
  "events-per-minute": { env: "SANDBOX_EVENTS_PER_MINUTE", help: "PagerDuty events per routing key per minute (default 120)" },
  "events-keep-days": { env: "SANDBOX_EVENTS_KEEP_DAYS", help: "PagerDuty events log: days kept (default 7)" },
  "events-keep-max": { env: "SANDBOX_EVENTS_KEEP_MAX", help: "PagerDuty events log: most events kept (default 200000)" },
  "no-default-alert-configs": { env: "SANDBOX_NO_DEFAULT_ALERT_CONFIGS", help: "new projects start empty, without Atlas's default alert configurations" },
  log: { env: "SANDBOX_LOG", help: "log requests (secrets are never logged)" },
} as Record<string, { env: string; help: string }>;

const BOOLEAN_FLAGS: string[] = ["log", "no-default-alert-configs"];

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...Object.fromEntries(Object.keys(FLAGS).map((k) => [k, { type: BOOLEAN_FLAGS.includes(k) ? "boolean" : "string", multiple: k === "project" } as const])),
      help: { type: "boolean", short: "h" },
    } as any,
  }) as { values: Record<string, any> };
  if (values.help) {
    console.log("Usage: npm run sandbox -- [flags]\n");
    for (const [flag, f] of Object.entries(FLAGS)) console.log(`  --${flag.padEnd(20)} ${f.env.padEnd(28)} ${f.help}`);
    return;
  }
  const get = (flag: string): string | undefined => {
    const v = values[flag];
    if (Array.isArray(v)) return v.length ? v.join(",") : process.env[FLAGS[flag].env];
    if (v === true) return "true";
    return v ?? process.env[FLAGS[flag].env];
  };
  const port = (flag: string, dflt: number): number => {
    const v = get(flag);
    const n = v === undefined ? dflt : Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--${flag} must be a port number (0-65535), got ${v}`);
    return n;
  };
  const dataDir = get("data-dir") ?? ".sandbox-data";
  let atlasRateLimit: SandboxOptions["atlasRateLimit"];
  const rl = get("rate-limit");
  if (rl) {
    const [capacity, refill] = rl.split("/").map(Number);
    if (!(capacity > 0) || !(refill > 0)) throw new Error(`--rate-limit must be capacity/refillPerSecond, e.g. 100/10, got ${rl}`);
    atlasRateLimit = { capacity, refillPerSecond: refill };
  }
  const epm = get("events-per-minute");
  const optPort = (flag: string): number | undefined => (get(flag) === undefined ? undefined : port(flag, 0));
  const positive = (flag: string): number | undefined => {
    const v = get(flag);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!(n > 0)) throw new Error(`--${flag} must be a positive number, got ${v}`);
    return n;
  };
  const sandbox = await startSandbox({
    dataDir: dataDir === "memory" ? undefined : path.resolve(dataDir),
    host: get("host"),
    atlasPort: port("atlas-port", ATLAS_PORT),
    pagerdutyPorts: Object.fromEntries(REGION_NAMES.map((r) => [r, port(regionFlags(r).port, regionFlags(r).defaultPort)])),
    pagerdutyTlsPorts: Object.fromEntries(REGION_NAMES.map((r) => [r, optPort(regionFlags(r).tlsPort)])),
    eventsRetention: { maxAgeDays: positive("events-keep-days"), maxEvents: positive("events-keep-max") },
    projects: get("project")
      ?.split(",")
      .map((p) => p.trim())
      .filter(Boolean),
    credentials: { clientId: get("client-id"), clientSecret: get("client-secret"), publicKey: get("public-key"), privateKey: get("private-key") },
    pagerdutyToken: get("pagerduty-token"),
    atlasRateLimit,
    eventsPerMinutePerKey: epm ? Number(epm) : undefined,
    logger: get("log") === "true",
    defaultAlertConfigs: get("no-default-alert-configs") !== "true",
  });
  const c = sandbox.credentials;
  console.log(
    [
      "Sandbox running (Ctrl-C stops it)",
      `  data:                ${dataDir === "memory" ? "in memory" : path.resolve(dataDir)}`,
      `  project API:         ${sandbox.atlasUrl}   (Atlas Administration API v2 under /api/atlas/v2; sandbox controls under /sandbox)`,
      ...REGION_NAMES.map(
        (r, i) =>
          `${`  PagerDuty ${r}:`.padEnd(23)}${sandbox.pagerdutyUrl[r]}${i === 0 ? "   (Events API /v2/enqueue, REST API; controls under /sandbox need the REST token)" : ""}`,
      ),
      `  dashboard:           ${sandbox.pagerdutyUrl[DEFAULT_REGION]}/?token=${encodeURIComponent(sandbox.pagerdutyToken)}   (once; the browser keeps a cookie)`,
      ...(sandbox.pagerdutyTls
        ? [
            ...REGION_NAMES.filter((r) => sandbox.pagerdutyTls![r]).map((r) => `  PagerDuty ${r} https:    ${sandbox.pagerdutyTls![r]}`),
            `  TLS certificate:     ${sandbox.pagerdutyTls.certPath}   (self-signed: trust it, e.g. NODE_EXTRA_CA_CERTS=${sandbox.pagerdutyTls.certPath})`,
          ]
        : []),
      `  service account:     client id ${c.clientId}  secret ${c.clientSecret}`,
      `  API key (Digest):    public ${c.publicKey}  private ${c.privateKey}`,
      `  PagerDuty REST token: ${sandbox.pagerdutyToken}`,
      "",
      "Point the provider at it:",
      ...Object.entries(sandbox.providerEnv()).map(([k, v]) => `  export ${k}=${v}`),
    ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  console.log("\nStopping sandbox...");
  await sandbox.close();
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`sandbox: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
