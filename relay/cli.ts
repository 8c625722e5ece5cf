/**
 * `npm run relay -- [flags]`: runs the relay until SIGTERM or Ctrl-C, then drains gracefully.
 * Every flag has an environment variable; both are printed by --help.
 */
import { parseArgs } from "node:util";
import { ConfigError, HTTP_DEFAULTS, type HttpLimits, loadConfigFile } from "./config";
import { redactUrlUserinfo } from "./logger";
import { startRelay } from "./main";
import { resolveStoreUrl } from "./store/store-url";

const FLAGS = {
  config: { env: "RELAY_CONFIG", help: "path of the JSON config file (routes, credentials by reference; see the README)" },
  host: { env: "RELAY_HOST", help: "listen address (overrides listen.host; default 127.0.0.1)" },
  port: { env: "RELAY_PORT", help: "listen port (overrides listen.port; default 8490; 0 picks one)" },
  "data-dir": { env: "RELAY_DATA_DIR", help: "where SQLite keeps the relay's state (overrides dataDir; 'memory' keeps nothing)" },
  store: {
    env: "RELAY_STORE",
    help: "'sqlite' (default: one process, file in the data dir) or postgres://user@host:port/db (several replicas); a password only in RELAY_STORE or --store-password-file",
  },
  "store-password-file": { env: "RELAY_STORE_PASSWORD_FILE", help: "file holding the PostgreSQL password of --store (never on the command line)" },
  "log-level": { env: "RELAY_LOG_LEVEL", help: "pino level: fatal, error, warn, info (default), debug, trace" },
  "request-timeout": {
    env: "RELAY_REQUEST_TIMEOUT",
    help: `seconds for a whole request, headers and body, to arrive (http.requestTimeoutSeconds; default ${HTTP_DEFAULTS.requestTimeoutSeconds})`,
  },
  "headers-timeout": {
    env: "RELAY_HEADERS_TIMEOUT",
    help: `seconds for a request's headers to arrive (http.headersTimeoutSeconds; default ${HTTP_DEFAULTS.headersTimeoutSeconds})`,
  },
  "keep-alive-timeout": {
    env: "RELAY_KEEP_ALIVE_TIMEOUT",
    help: `seconds an idle keep-alive connection stays open (http.keepAliveTimeoutSeconds; default ${HTTP_DEFAULTS.keepAliveTimeoutSeconds})`,
  },
  "max-connections": {
    env: "RELAY_MAX_CONNECTIONS",
    help: `connections at once; more are closed as they arrive (http.maxConnections; default ${HTTP_DEFAULTS.maxConnections})`,
  },
  "body-limit": { env: "RELAY_BODY_LIMIT", help: `bytes; a larger body gets 413 (http.bodyLimitBytes; default ${HTTP_DEFAULTS.bodyLimitBytes})` },
} as const;

/** The HTTP limit each flag sets, and whether it takes whole numbers only. */
const LIMIT_FLAGS: Record<string, [keyof HttpLimits, "seconds" | "count"]> = {
  "request-timeout": ["requestTimeoutSeconds", "seconds"],
  "headers-timeout": ["headersTimeoutSeconds", "seconds"],
  "keep-alive-timeout": ["keepAliveTimeoutSeconds", "seconds"],
  "max-connections": ["maxConnections", "count"],
  "body-limit": ["bodyLimitBytes", "count"],
};

export function usage(): string {
  return [
    "Usage: npm run relay -- --config relay.json [flags]",
    "",
    "Forwards project (Atlas) alert webhooks to PagerDuty and PagerDuty acknowledgements back.",
    "",
    ...Object.entries(FLAGS).map(([flag, f]) => `  --${flag.padEnd(20)} ${f.env.padEnd(26)} ${f.help}`),
    "  --help, -h",
    "",
    "Endpoints: POST /atlas/{routeId}, POST /pagerduty, GET /livez, /readyz, /metrics, / (status page).",
  ].join("\n");
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { ...Object.fromEntries(Object.keys(FLAGS).map((k) => [k, { type: "string" } as const])), help: { type: "boolean", short: "h" } },
  }) as { values: Record<string, string | boolean | undefined> };
  if (values.help) {
    console.log(usage());
    return;
  }
  const get = (flag: keyof typeof FLAGS): string | undefined => (values[flag] as string | undefined) ?? process.env[FLAGS[flag].env];
  // First: a password on the command line is refused before anything else happens.
  const store = resolveStoreUrl({ flag: values.store as string | undefined, env: process.env.RELAY_STORE, passwordFile: get("store-password-file") });
  const file = get("config");
  if (!file) throw new ConfigError(["--config (or RELAY_CONFIG) is required: the path of the relay's JSON config file. Run with --help."]);
  const config = loadConfigFile(file);
  const host = get("host");
  if (host) config.listen.host = host;
  const port = get("port");
  if (port !== undefined) {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError([`--port must be a port number (0-65535), got ${port}`]);
    config.listen.port = n;
  }
  for (const [flag, [field, kind]] of Object.entries(LIMIT_FLAGS)) {
    const v = get(flag as keyof typeof FLAGS);
    if (v === undefined) continue;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || (kind === "count" && !Number.isInteger(n))) {
      throw new ConfigError([
        `--${flag} (${FLAGS[flag as keyof typeof FLAGS].env}) must be a positive ${kind === "count" ? "whole number" : "number of seconds"}, got ${v}`,
      ]);
    }
    config.http[field] = n;
  }
  if (config.http.headersTimeoutSeconds > config.http.requestTimeoutSeconds) {
    throw new ConfigError(["--headers-timeout must not exceed --request-timeout (the headers are part of the request)"]);
  }
  const dataDir = get("data-dir");
  if (dataDir) config.dataDir = dataDir === "memory" ? undefined : require("node:path").resolve(dataDir);
  config.warnings.push(...store.warnings);
  const relay = await startRelay(config, { logLevel: get("log-level"), storeUrl: store.url });
  // One line on stdout for people and scripts; the logs are JSON on stdout too.
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await relay.close();
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    // Drained and closed: exit now, even if a request to a hung upstream (a severity read) is still open.
    () => process.exit(0),
    (err) => {
      console.error(`relay: ${redactUrlUserinfo(err instanceof Error ? err.message : String(err))}`);
      process.exit(1);
    },
  );
}
