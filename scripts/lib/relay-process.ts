import { type ChildProcess, spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";
import type { Sandbox } from "../../sandbox";
import { atlasApi, pagerDutyApi } from "./sandbox-api";

/**
 * The relay as users run it (`RELAY_STORE=… npm run relay -- --config …`: node dist/relay/cli.js), for
 * the benchmarks and the replica tests: a config file with N routes on the sandbox (one PagerDuty
 * service and one webhook secret per route, secrets by environment reference), and processes
 * started on it whose JSON log lines are handed to the caller.
 */

// From scripts/lib (ts-jest) or dist/scripts/lib (compiled): the built CLI is dist/relay/cli.js.
const UP = path.resolve(__dirname, "../..");
const REPO = path.basename(UP) === "dist" ? path.dirname(UP) : UP;
export const RELAY_CLI = path.join(REPO, "dist/relay/cli.js");

export interface RelayRoute {
  id: string;
  routingKey: string;
  secret: string;
}

export interface RelaySetup {
  /** The config file (secrets by `{ env }` reference). */
  file: string;
  /** The environment those references name. */
  env: Record<string, string>;
  projectId: string;
  routes: RelayRoute[];
}

export interface RelaySetupOptions {
  routes: number;
  eventsPerMinute: number;
  burst: number;
  /** 0 turns the reconciler off. */
  reconcileSeconds?: number;
  /** Route ids are `${prefix}${i}` (default "route-"). */
  prefix?: string;
  /** How long SIGTERM lets in-flight sends finish (default: the relay's, 10 s). */
  drainSeconds?: number;
  /** Overrides the project API's URL (a hung or broken one). */
  atlasUrl?: string;
  /** More top-level config fields, each replacing the default one (e.g. `http` limits). */
  config?: Record<string, unknown>;
}

/** A project and N PagerDuty services in the sandbox, and a relay config file routing to them. */
export async function writeRelaySetup(dir: string, sb: Sandbox, o: RelaySetupOptions): Promise<RelaySetup> {
  const projectId = crypto.randomBytes(12).toString("hex");
  await atlasApi(sb).createProject(projectId);
  const env: Record<string, string> = { ATLAS_ID: sb.credentials.clientId, ATLAS_SECRET: sb.credentials.clientSecret };
  const routes: RelayRoute[] = [];
  const raw: unknown[] = [];
  for (let i = 0; i < o.routes; i++) {
    const svc = await pagerDutyApi(sb).serviceWithKey(`relay-${projectId.slice(0, 6)}-${i}`);
    const route = { id: `${o.prefix ?? "route-"}${i}`, routingKey: svc.key, secret: crypto.randomBytes(16).toString("hex") };
    routes.push(route);
    env[`RELAY_KEY_${i}`] = route.routingKey;
    env[`RELAY_SECRET_${i}`] = route.secret;
    raw.push({ id: route.id, projectId, routingKey: { env: `RELAY_KEY_${i}` }, webhookSecret: { env: `RELAY_SECRET_${i}` } });
  }
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `relay-${projectId.slice(0, 8)}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify(
      {
        listen: { host: "127.0.0.1", port: 0 },
        dataDir: path.join(dir, `data-${projectId.slice(0, 8)}`),
        ...(o.drainSeconds !== undefined ? { drainSeconds: o.drainSeconds } : {}),
        atlas: { baseUrl: o.atlasUrl ?? sb.atlasUrl, clientId: { env: "ATLAS_ID" }, clientSecret: { env: "ATLAS_SECRET" } },
        pagerduty: { eventsUrl: { US: sb.pagerdutyUrl.US }, eventsPerMinute: o.eventsPerMinute, burst: o.burst },
        reconcile: { intervalSeconds: o.reconcileSeconds ?? 0 },
        routes: raw,
        ...o.config,
      },
      null,
      2,
    ),
  );
  return { file, env, projectId, routes };
}

/** One pino line of a relay process (`time` is epoch ms). */
export interface RelayLogLine {
  level: number;
  time: number;
  msg: string;
  [field: string]: unknown;
}

export interface RelayProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** Resolves when the process has exited (whatever the cause). */
  exited: Promise<void>;
  alive(): boolean;
  /** Its stderr (and unparsed stdout), for failure messages. */
  output(): string;
}

export interface SpawnRelayOptions {
  setup: RelaySetup;
  /** "sqlite" or a postgres:// URL (passed in RELAY_STORE: a password never goes on the command line). */
  store: string;
  /** Listen port (default 0: any). */
  port?: number;
  name: string;
  /** pino level (default info); debug adds each send's start and end. */
  logLevel?: string;
  onLog?: (line: RelayLogLine, name: string) => void;
  readyTimeoutMs?: number;
  /** Extra environment for this process alone (e.g. a crash test's hook). */
  env?: Record<string, string>;
  /** Another build's cli.js (the benchmark's baseline); default this repository's. */
  cli?: string;
  /** Extra node flags (the benchmark passes RELAY_NODE_ARGS, e.g. --cpu-prof). */
  nodeArgs?: string[];
}

/** Starts `node dist/relay/cli.js` and resolves once it logs "relay listening". */
export async function spawnRelay(o: SpawnRelayOptions): Promise<RelayProcess> {
  const cli = o.cli ?? RELAY_CLI;
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: build first (npm run build; npm test and the benches do it)`);
  const child = spawn(
    process.execPath,
    [...(o.nodeArgs ?? []), cli, "--config", o.setup.file, "--port", String(o.port ?? 0), "--log-level", o.logLevel ?? "info"],
    {
      // NODE_OPTIONS cleared: jest's VM-modules flag is not for the relay.
      env: { ...process.env, NODE_OPTIONS: "", ...o.setup.env, RELAY_STORE: o.store, ...o.env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const keep = (s: string) => {
    output = (output + s).slice(-20_000);
  };
  child.stderr!.on("data", (d) => keep(String(d)));
  const exited = new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", () => r())));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running behind a failed start.
      child.kill("SIGKILL");
      reject(new Error(`${o.name}: not listening after ${o.readyTimeoutMs ?? 60_000} ms: ${output}`));
    }, o.readyTimeoutMs ?? 60_000);
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on("line", (text) => {
      let line: RelayLogLine;
      try {
        line = JSON.parse(text);
      } catch {
        keep(`${text}\n`);
        return;
      }
      if (line.level >= 40) keep(`${text}\n`);
      o.onLog?.(line, o.name);
      if (line.msg === "relay listening") {
        clearTimeout(timer);
        resolve(String(line.url));
        // Nobody reads the rest: drop it unparsed (a benchmark's client should not pay for it).
        if (!o.onLog) {
          lines.close();
          child.stdout!.resume();
        }
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${o.name} exited (${child.exitCode ?? child.signalCode}): ${output}`));
    });
  });
  return { name: o.name, url, child, exited, alive, output: () => output };
}

/** SIGTERM (the relay drains), then SIGKILL after `graceMs` for any still running. */
export async function stopRelays(ps: readonly RelayProcess[], graceMs = 15_000): Promise<void> {
  for (const p of ps) if (p.alive()) p.child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(ps.map((p) => p.exited)), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
  for (const p of ps) if (p.alive()) p.child.kill("SIGKILL");
  await Promise.all(ps.map((p) => p.exited));
}
