import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as readline from "node:readline";
import { Pool } from "pg";
import { startSandbox, type Sandbox } from "../../sandbox";
import { startPostgres, type PostgresServer } from "../support/postgres";

// Real PostgreSQL on a shared, loaded machine: generous per-test time.
jest.setTimeout(60_000);

/**
 * Several relay replicas (processes) on one PostgreSQL database, delivering to
 * the sandbox's PagerDuty. Sizes scale with RELAY_PG_TEST_SCALE (default 0.2:
 * 400 alert pairs; 1 = the 2,000 pairs over 50 routing keys).
 */
const SCALE = Number(process.env.RELAY_PG_TEST_SCALE ?? "0.2");
const PAIRS = Math.max(50, Math.round(2_000 * SCALE));
const KEYS = 50;
const REPLICA = path.join(__dirname, "../../dist/test/pg/fixtures/replica.js");

interface LogLine {
  r: string;
  t: number;
  ev: string;
  dedupKey?: string;
  action?: string;
  status?: number;
  port?: number;
}
interface Replica {
  name: string;
  port: number;
  child: ChildProcess;
  exited: Promise<void>;
}
interface Received {
  at: number;
  key: string;
  action: string;
  dedupKey: string;
  status: number;
}

let pg: PostgresServer;
let sandbox: Sandbox;
const received: Received[] = [];
const routes: Record<string, string> = {};
const logs: LogLine[] = [];
const replicas: Replica[] = [];

// Unref: a pending wait never keeps jest from exiting.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

async function startReplica(name: string, db: string, env: Record<string, string> = {}): Promise<Replica> {
  const child = spawn(process.execPath, [REPLICA], {
    env: {
      ...process.env,
      NODE_OPTIONS: "",
      DATABASE_URL: db,
      PD_URL: sandbox.pagerdutyUrl.US,
      ROUTES: JSON.stringify(routes),
      NAME: name,
      LEASE_MS: "5000",
      CONCURRENCY: "4",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((r) => child.on("exit", () => r()));
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  child.on("exit", (code, signal) => {
    if (signal !== "SIGKILL" && signal !== "SIGTERM" && code !== 0) process.stderr.write(`${name} exited (${code ?? signal}): ${stderr.slice(-2000)}\n`);
  });
  const ready = new Promise<number>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        const l = JSON.parse(line) as LogLine;
        logs.push(l);
        if (l.ev === "ready") resolve(l.port!);
        if (l.ev === "fatal") reject(new Error(`${name}: ${JSON.stringify(l)}`));
      } catch {
        // not ours
      }
    });
    child.on("exit", (code) => reject(new Error(`${name} exited ${code}: ${stderr}`)));
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} not ready in 60 s: ${stderr}`)), 60_000);
  });
  const port = await Promise.race([ready, timeout]).finally(() => clearTimeout(timer));
  const r = { name, port, child, exited };
  replicas.push(r);
  return r;
}

async function stopAll(): Promise<void> {
  const live = replicas.splice(0);
  for (const r of live) if (r.child.exitCode === null) r.child.kill("SIGTERM");
  await Promise.race([Promise.all(live.map((r) => r.exited)), sleep(10_000)]);
  for (const r of live) if (r.child.exitCode === null) r.child.kill("SIGKILL");
}

interface Webhook {
  dedupKey: string;
  routeId: string;
  status: "OPEN" | "CLOSED";
  acknowledged: boolean;
  inform: boolean;
  updatedMs: number;
  rank: number;
}

/**
 * Open/close pairs over all routes: the opens, then the closes; the close of
 * every tenth alert comes first (an alert closed before its first send).
 */
function pairs(n: number, tag: string): Webhook[] {
  const early: Webhook[] = [];
  const opens: Webhook[] = [];
  const closes: Webhook[] = [];
  const ids = Object.keys(routes);
  for (let i = 0; i < n; i++) {
    const base = { dedupKey: `mongodb-atlas/${tag}/${i}`, routeId: ids[i % ids.length], acknowledged: false, inform: false };
    const open: Webhook = { ...base, status: "OPEN", updatedMs: 1_000 + i, rank: 1 };
    const close: Webhook = { ...base, status: "CLOSED", updatedMs: 2_000 + i, rank: 4 };
    opens.push(open);
    (i % 10 === 9 ? early : closes).push(close);
  }
  return [...early, ...opens, ...closes];
}

/** Posts each webhook to a replica (round robin, the next live one when one is down). Returns the refused ones. */
async function post(hooks: Webhook[], targets: () => Replica[], concurrency = 16): Promise<{ accepted: Webhook[]; refused: Webhook[] }> {
  const accepted: Webhook[] = [];
  const refused: Webhook[] = [];
  let next = 0;
  let rr = 0;
  const one = async () => {
    while (next < hooks.length) {
      const h = hooks[next++];
      for (let attempt = 0; ; attempt++) {
        const live = targets().filter((r) => r.child.exitCode === null && r.child.signalCode === null);
        const r = live[rr++ % live.length];
        try {
          const res = await fetch(`http://127.0.0.1:${r.port}/intake`, { method: "POST", body: JSON.stringify(h), signal: AbortSignal.timeout(10_000) });
          if (res.status === 202) accepted.push(h);
          else refused.push(h);
          break;
        } catch (err) {
          // A killed replica: a load balancer would send it elsewhere.
          if (attempt > 5) throw err;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, one));
  return { accepted, refused };
}

async function waitSettled(db: string, timeoutMs: number): Promise<void> {
  const pool = new Pool({ connectionString: db, max: 1 });
  try {
    const t0 = Date.now();
    for (;;) {
      try {
        const { rows } = await pool.query(
          `SELECT (SELECT count(*) FROM relay_jobs.job WHERE name = 'relay-deliver' AND state IN ('created','retry','active'))::int AS live,
                  (SELECT count(*) FROM fixture.alerts WHERE pd_state = 'triggered')::int AS open`,
        );
        if (rows[0].live === 0 && rows[0].open === 0) return;
        if (Date.now() - t0 > timeoutMs) {
          const stuck = await pool.query("SELECT dedup_key, status, pd_state, updated_ms FROM fixture.alerts WHERE pd_state = 'triggered' LIMIT 3");
          const keys = stuck.rows.map((r) => r.dedup_key);
          const jobs = await pool.query(
            "SELECT singleton_key, state, retry_count, created_on, started_on, completed_on, data FROM relay_jobs.job WHERE singleton_key = ANY($1) ORDER BY created_on",
            [keys],
          );
          const lines = logs.filter((l) => keys.includes(l.dedupKey ?? ""));
          const pd = received.filter((e) => keys.includes(e.dedupKey));
          throw new Error(
            `not settled after ${timeoutMs} ms: ${JSON.stringify(rows[0])}\n${JSON.stringify({ stuck: stuck.rows, jobs: jobs.rows, lines, pd }, null, 1)}`,
          );
        }
      } catch (err) {
        if (Date.now() - t0 > timeoutMs) throw err;
      }
      await sleep(500);
    }
  } finally {
    await pool.end();
  }
}

/** What PagerDuty received per dedup key, in order (accepted events only). */
function byDedupKey(tag: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const e of received) {
    if (e.status !== 202 || !e.dedupKey.startsWith(`mongodb-atlas/${tag}/`)) continue;
    m.set(e.dedupKey, [...(m.get(e.dedupKey) ?? []), e.action]);
  }
  return m;
}

/**
 * Sends of one alert that break the contract: a resolve before a trigger, or a trigger left
 * unresolved. Repeats are allowed when a send's outcome was lost (PagerDuty deduplicates them),
 * and a lone resolve is allowed for a trigger in doubt (PagerDuty drops it).
 */
function misordered(got: Map<string, string[]>): Array<{ k: string; actions: string[] }> {
  const bad: Array<{ k: string; actions: string[] }> = [];
  for (const [k, actions] of got) {
    const lastTrigger = actions.lastIndexOf("trigger");
    const firstResolve = actions.indexOf("resolve");
    if (firstResolve === -1 || lastTrigger > firstResolve) bad.push({ k, actions });
  }
  return bad;
}

/** Pairs of overlapping sends of one dedup key (from the replicas' send-start/send-end log). */
function overlappingSends(tag: string): string[] {
  const spans = new Map<string, Array<{ r: string; start: number; end: number }>>();
  const open = new Map<string, LogLine>();
  for (const l of logs) {
    if (!l.dedupKey?.startsWith(`mongodb-atlas/${tag}/`)) continue;
    const id = `${l.r}|${l.dedupKey}`;
    if (l.ev === "send-start") open.set(id, l);
    if (l.ev === "send-end") {
      const s = open.get(id);
      open.delete(id);
      if (s) spans.set(l.dedupKey, [...(spans.get(l.dedupKey) ?? []), { r: l.r, start: s.t, end: l.t }]);
    }
  }
  const bad: string[] = [];
  for (const [k, list] of spans) {
    list.sort((a, b) => a.start - b.start);
    for (let i = 1; i < list.length; i++) if (list[i].start < list[i - 1].end) bad.push(k);
  }
  return bad;
}

/** Most events one routing key received in any window of `windowMs`. */
function maxInWindow(key: string, windowMs: number): number {
  const ts = received
    .filter((e) => e.key === key && e.status === 202)
    .map((e) => e.at)
    .sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < ts.length; i++) {
    while (ts[i] - ts[j] >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

beforeAll(async () => {
  pg = await startPostgres();
  sandbox = await startSandbox({
    eventsPerMinutePerKey: 100_000,
    observe: (x) => {
      if (x.service !== "pagerduty-events" || x.method !== "POST") return;
      const b = (x.requestBody ?? {}) as { routing_key?: string; event_action?: string; dedup_key?: string };
      received.push({ at: Date.now(), key: b.routing_key ?? "", action: b.event_action ?? "", dedupKey: b.dedup_key ?? "", status: x.status });
    },
  });
  for (let i = 0; i < KEYS; i++) {
    const res = await fetch(`${sandbox.pagerdutyUrl.US}/sandbox/services`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Token token=${sandbox.pagerdutyToken}` },
      body: JSON.stringify({ name: `svc-${i}`, integration: true }),
    });
    const body = (await res.json()) as { integration: { integration_key: string } };
    routes[`route-${i}`] = body.integration.integration_key;
  }
}, 120_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await stopAll();
  await sandbox?.close();
  await pg?.destroy();
});

describe("relay replicas on one PostgreSQL", () => {
  it.each([2, 3])(
    "%i replicas: every alert ends resolved, trigger before resolve, exactly once each, never two sends of one alert at once",
    async (n) => {
      const db = await pg.database(`replicas_${n}`);
      const tag = `r${n}`;
      const rs = await Promise.all(Array.from({ length: n }, (_, i) => startReplica(`${tag}-${i}`, db, { PER_MINUTE: "6000", BURST: "50" })));
      const hooks = pairs(PAIRS, tag);
      const t0 = Date.now();
      const { refused } = await post(hooks, () => rs);
      expect(refused).toEqual([]);
      await waitSettled(db, 240_000);
      const seconds = (Date.now() - t0) / 1000;
      const got = byDedupKey(tag);
      const sent = [...got.values()];
      // Closed before their first send: nothing at all. Otherwise exactly trigger, resolve.
      expect(sent.filter((a) => a.join() !== "trigger,resolve")).toEqual([]);
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.length).toBeLessThanOrEqual(PAIRS - Math.floor(PAIRS / 10)); // the early-closed ones page no one
      expect(overlappingSends(tag)).toEqual([]);
      // Intake was spread over every replica, and so was delivery.
      const senders = new Set(logs.filter((l) => l.ev === "send-start" && l.dedupKey?.startsWith(`mongodb-atlas/${tag}/`)).map((l) => l.r));
      expect(senders.size).toBe(n);
      process.stdout.write(`${n} replicas: ${PAIRS} pairs, ${sent.length} alerts paged, ${seconds.toFixed(1)} s to settle\n`);
    },
    300_000,
  );

  it("per-key sends across replicas stay within budget + burst in every window; a 429 seen by one replica pauses the key on all", async () => {
    const db = await pg.database("pacing");
    const tag = "pace";
    const perMinute = 240; // 4 per second, so a short test spans many refills
    const burst = 5;
    const rs = await Promise.all([0, 1, 2].map((i) => startReplica(`${tag}-${i}`, db, { PER_MINUTE: String(perMinute), BURST: String(burst) })));
    const twoRoutes = Object.keys(routes).slice(0, 2);
    const hooks = pairs(Math.round(120 * Math.max(SCALE, 0.25) * 2), tag).map((h) => ({ ...h, routeId: twoRoutes[Number(h.dedupKey.split("/").pop()) % 2] }));
    // One 429 from PagerDuty, a few seconds in.
    const fault = sleep(3_000).then(() =>
      fetch(`${sandbox.pagerdutyUrl.US}/sandbox/faults`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Token token=${sandbox.pagerdutyToken}` },
        body: JSON.stringify({ count: 1, status: 429, path: "events" }),
      }),
    );
    await post(hooks, () => rs, 8);
    await fault;
    await waitSettled(db, 240_000);
    for (const id of twoRoutes) {
      const key = routes[id];
      for (const w of [5_000, 10_000, 60_000]) {
        // The token bucket's bound for any window, plus one for where the window's edges fall.
        expect(maxInWindow(key, w)).toBeLessThanOrEqual(burst + Math.ceil((perMinute * w) / 60_000) + 1);
      }
    }
    // The sandbox answers an injected fault before reading the body: find the 429's key from the replicas' log.
    const limitedLog = logs.filter((l) => l.ev === "blocked" && l.dedupKey?.startsWith(`mongodb-atlas/${tag}/`));
    expect(limitedLog).toHaveLength(1);
    const routeOf = (dedupKey: string) => twoRoutes[Number(dedupKey.split("/").pop()) % 2];
    // From when the block is on record (sends already under way may still land just after).
    const blocked = { key: routes[routeOf(limitedLog[0].dedupKey!)], at: limitedLog[0].t };
    // Nobody (no replica) sent on that key in the 2 s block after the 429 (a send whose token was
    // taken just before the block may land up to 0.5 s later on this loaded machine).
    const during = received.filter((e) => e.key === blocked.key && e.at > blocked.at + 500 && e.at < blocked.at + 1_800);
    expect(during).toEqual([]);
    const after = received.filter((e) => e.key === blocked.key && e.at >= blocked.at + 1_800);
    expect(after.length).toBeGreaterThan(0);
    // The trigger refused with 429 stays in doubt for a close that arrives meanwhile: a lone resolve is allowed.
    expect(misordered(byDedupKey(tag))).toEqual([]);
  }, 300_000);

  it("a replica killed with SIGKILL mid-delivery: the others take over its leased jobs; nothing lost, no resolve before its trigger", async () => {
    const db = await pg.database("sigkill");
    const tag = "kill";
    const rs = await Promise.all([0, 1, 2].map((i) => startReplica(`${tag}-${i}`, db, { PER_MINUTE: "6000", BURST: "50" })));
    // PagerDuty answers slowly, so sends are in flight when the replica dies.
    await fetch(`${sandbox.pagerdutyUrl.US}/sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Token token=${sandbox.pagerdutyToken}` },
      body: JSON.stringify({ count: 150, delayMs: 150, path: "events" }),
    });
    const hooks = pairs(Math.max(100, Math.round(PAIRS / 2)), tag);
    const posting = post(hooks, () => rs);
    await sleep(1_500);
    rs[0].child.kill("SIGKILL");
    await rs[0].exited;
    const { refused } = await posting;
    expect(refused).toEqual([]);
    await waitSettled(db, 90_000);
    await fetch(`${sandbox.pagerdutyUrl.US}/sandbox/faults`, { method: "DELETE", headers: { authorization: `Token token=${sandbox.pagerdutyToken}` } }).catch(
      () => undefined,
    );
    const got = byDedupKey(tag);
    // A send cut off by the kill may be repeated (PagerDuty deduplicates it), never reordered.
    expect(misordered(got)).toEqual([]);
    const repeated = [...got.values()].filter((a) => a.join() !== "trigger,resolve").length;
    process.stdout.write(`SIGKILL: ${got.size} alerts paged, ${repeated} with a repeated send\n`);
    expect(repeated).toBeLessThanOrEqual(4); // at most the killed replica's in-flight sends (CONCURRENCY)
  }, 300_000);

  it("PostgreSQL restarted under load: intake answers 503 while it is down, the replicas reconnect, nothing accepted is lost", async () => {
    const db = await pg.database("restart");
    const tag = "restart";
    const rs = await Promise.all([0, 1].map((i) => startReplica(`${tag}-${i}`, db, { PER_MINUTE: "6000", BURST: "50" })));
    const hooks = pairs(Math.max(100, Math.round(PAIRS / 2)), tag);
    const posting = post(hooks, () => rs, 4);
    await sleep(1_000);
    await pg.stop("fast");
    await sleep(3_000);
    await pg.start();
    const { accepted, refused } = await posting;
    expect(refused.length).toBeGreaterThan(0);
    // What was refused is what the reconciler repairs (Atlas does not retry): send it again.
    const again = await post(refused, () => rs, 4);
    expect(again.refused).toEqual([]);
    await waitSettled(db, 240_000);
    const got = byDedupKey(tag);
    // Sends whose outcome could not be recorded while the store was down are repeated, never reordered.
    expect(misordered(got)).toEqual([]);
    const repeated = [...got.values()].filter((a) => a.join() !== "trigger,resolve").length;
    // Every alert whose open was accepted before its close was paged and resolved.
    const acceptedKeys = new Set(accepted.filter((h) => h.status === "OPEN").map((h) => h.dedupKey));
    const pool = new Pool({ connectionString: db, max: 1 });
    try {
      const { rows } = await pool.query("SELECT dedup_key, status, pd_state FROM fixture.alerts");
      expect(rows.filter((r) => r.status !== "CLOSED")).toEqual([]);
      expect(rows.length).toBe(hooks.length / 2);
      expect(acceptedKeys.size).toBeGreaterThan(0);
    } finally {
      await pool.end();
    }
    process.stdout.write(`restart: ${refused.length} webhooks refused with 503 while PostgreSQL was down; ${repeated} alerts with a repeated send\n`);
  }, 300_000);
});
