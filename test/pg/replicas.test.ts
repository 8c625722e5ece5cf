import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Pool } from "pg";
import { Agent } from "undici";
import { type Sandbox, startSandbox } from "../../sandbox";
import { atlasAlert, atlasEventFor, postAtlasWebhook } from "../../scripts/lib/atlas-webhook";
import { type RelayLogLine, type RelayProcess, type RelaySetup, spawnRelay, stopRelays, writeRelaySetup } from "../../scripts/lib/relay-process";
import { atlasApi } from "../../scripts/lib/sandbox-api";
import { type PostgresServer, startPostgres } from "../support/postgres";

// Real PostgreSQL and real relay processes on a shared, loaded machine: generous per-test time.
jest.setTimeout(60_000);

/**
 * Several relay processes (`node dist/relay/cli.js --store postgres://…`, as users run them) on one
 * PostgreSQL database, receiving signed Atlas webhooks on /atlas/{routeId} and delivering to the
 * sandbox's PagerDuty. Sizes scale with RELAY_PG_TEST_SCALE (default 0.2: 400 alert pairs; 1 = the
 * issue's 2,000 pairs over 50 routing keys). What each relay sent and when is read from its own
 * debug log ("send start" / "send end"), what PagerDuty received from the sandbox.
 */
const SCALE = Number(process.env.RELAY_PG_TEST_SCALE ?? "0.2");
const PAIRS = Math.max(50, Math.round(2_000 * SCALE));
const KEYS = 50;
/** The relay's default worker concurrency (relay/main.ts DEFAULT_TUNING): at most this many sends are cut by a kill. */
const CONCURRENCY = 16;

interface LogLine extends RelayLogLine {
  r: string;
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
let dir: string;
/** 50 routes at 6000/min/key (pacing out of the way) for the delivery tests. */
let wide: RelaySetup;
const agent = new Agent({ connections: 32 });
const received: Received[] = [];
const logs: LogLine[] = [];
const running: RelayProcess[] = [];

// Unref: a pending wait never keeps jest from exiting.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

async function startReplicas(setup: RelaySetup, db: string, names: string[], env: Record<string, Record<string, string>> = {}): Promise<RelayProcess[]> {
  const started = await Promise.allSettled(
    names.map((name) => spawnRelay({ setup, store: db, name, logLevel: "debug", env: env[name], onLog: (l, r) => logs.push({ ...l, r }) })),
  );
  // Those that started are stopped by afterEach even when another did not start.
  for (const s of started) if (s.status === "fulfilled") running.push(s.value);
  const failed = started.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
  return started.map((s) => (s as PromiseFulfilledResult<RelayProcess>).value);
}

async function stopAll(): Promise<void> {
  await stopRelays(running.splice(0));
}

interface Webhook {
  alertId: string;
  routeId: string;
  status: "OPEN" | "CLOSED";
  updated: Date;
}

/** The alerts' times: an hour ago (the relay refuses bodies older than its retention period). */
const T0 = Date.now() - 3_600_000;

/** 24 hexadecimal digits: the test's tag (4) and the alert's number, so a test finds its own alerts. */
const alertIdOf = (tag: string, i: number) => `${tag}${i.toString(16).padStart(20, "0")}`;

/** `n` alerts over the setup's routes: the opens, then the closes. */
function alerts(setup: RelaySetup, n: number, tag: string): { opens: Webhook[]; closes: Webhook[] } {
  const opens: Webhook[] = [];
  const closes: Webhook[] = [];
  for (let i = 0; i < n; i++) {
    const base = { alertId: alertIdOf(tag, i), routeId: setup.routes[i % setup.routes.length].id };
    opens.push({ ...base, status: "OPEN", updated: new Date(T0 + i) });
    closes.push({ ...base, status: "CLOSED", updated: new Date(T0 + 100_000 + i) });
  }
  return { opens, closes };
}

/** Open/close pairs in one stream: the opens, then the closes; every tenth alert's close comes first (closed before its first send). */
function pairs(setup: RelaySetup, n: number, tag: string): Webhook[] {
  const { opens, closes } = alerts(setup, n, tag);
  return [...closes.filter((_, i) => i % 10 === 9), ...opens, ...closes.filter((_, i) => i % 10 !== 9)];
}

/**
 * Posts each webhook, signed with its route's secret, to a replica (round robin; the next live one
 * when one is down, as a load balancer would). Returns the accepted (2xx) and the refused ones.
 */
async function post(setup: RelaySetup, hooks: Webhook[], targets: RelayProcess[], concurrency = 16): Promise<{ accepted: Webhook[]; refused: Webhook[] }> {
  const accepted: Webhook[] = [];
  const refused: Webhook[] = [];
  const secrets = new Map(setup.routes.map((r) => [r.id, r.secret]));
  let next = 0;
  let rr = 0;
  const one = async () => {
    while (next < hooks.length) {
      const h = hooks[next++];
      for (let attempt = 0; ; attempt++) {
        const live = targets.filter((r) => r.alive());
        const r = live[rr++ % live.length];
        try {
          const body = atlasAlert(setup.projectId, h.alertId, h.status, h.updated);
          const status = await postAtlasWebhook(`${r.url}/atlas/${h.routeId}`, atlasEventFor(h.status), body, secrets.get(h.routeId)!, agent);
          (status < 300 ? accepted : refused).push(h);
          break;
        } catch (err) {
          // A killed replica: try another.
          if (attempt > 5) throw err;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, one));
  return { accepted, refused };
}

const dedupPrefix = (setup: RelaySetup, tag: string) => `mongodb-atlas/${setup.projectId}/${tag}`;

/** Incidents of this test's alerts still open in the sandbox's PagerDuty. */
function openIncidents(setup: RelaySetup, tag: string): string[] {
  const rows = sandbox.db
    .prepare("SELECT incident_key FROM pd_incidents WHERE status != 'resolved' AND incident_key LIKE ?")
    .all(`${dedupPrefix(setup, tag)}%`) as Array<{ incident_key: string }>;
  return rows.map((r) => r.incident_key);
}

/** Waits until the relays have no delivery job left and `done()` holds; on timeout, says what is stuck. */
async function waitSettled(db: string, timeoutMs: number, done: () => boolean = () => true): Promise<void> {
  const pool = new Pool({ connectionString: db, max: 1 });
  pool.on("error", () => undefined);
  try {
    const t0 = Date.now();
    for (;;) {
      try {
        const { rows } = await pool.query(
          `SELECT (SELECT count(*) FROM relay_jobs.job WHERE name = 'relay.deliver' AND state IN ('created','retry','active'))::int AS live,
                  (SELECT count(*) FROM relay_jobs.job WHERE name = 'relay.deliver__dead')::int AS dead`,
        );
        if (rows[0].live === 0 && done()) return;
        if (Date.now() - t0 > timeoutMs) {
          const jobs = await pool.query(
            "SELECT singleton_key, state, retry_count, start_after, data FROM relay_jobs.job WHERE name = 'relay.deliver' AND state IN ('created','retry','active') LIMIT 5",
          );
          throw new Error(`not settled after ${timeoutMs} ms: ${JSON.stringify(rows[0])}\n${JSON.stringify(jobs.rows, null, 1)}`);
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

/** The relay's own record of the alerts of one test: status and what PagerDuty has, by alert id. */
async function relayAlerts(db: string, tag: string): Promise<Array<{ alert_id: string; status: string; pd_state: string }>> {
  const pool = new Pool({ connectionString: db, max: 1 });
  try {
    return (await pool.query("SELECT alert_id, status, pd_state FROM relay.alerts WHERE alert_id LIKE $1", [`${tag}%`])).rows;
  } finally {
    await pool.end();
  }
}

/** What PagerDuty accepted per dedup key, in order. */
function byDedupKey(prefix: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const e of received) {
    if (e.status !== 202 || !e.dedupKey.startsWith(prefix)) continue;
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

/** Each send of this test's alerts as the relays logged it: replica, start, end (undefined: cut by a kill). */
function sends(prefix: string): Array<{ r: string; dedupKey: string; action: string; route: string; start: number; end?: number }> {
  const out: Array<{ r: string; dedupKey: string; action: string; route: string; start: number; end?: number }> = [];
  const open = new Map<string, (typeof out)[number]>();
  for (const l of logs) {
    const dedupKey = String(l.dedupKey ?? "");
    if (!dedupKey.startsWith(prefix)) continue;
    const id = `${l.r}|${dedupKey}`;
    if (l.msg === "send start") {
      const s = { r: l.r, dedupKey, action: String(l.action), route: String(l.route), start: l.time };
      out.push(s);
      open.set(id, s);
    } else if (l.msg === "send end") {
      const s = open.get(id);
      open.delete(id);
      if (s) s.end = l.time;
    }
  }
  return out;
}

/** Dedup keys two of whose sends overlapped in time (a cut send lasts until its replica died). */
function overlappingSends(prefix: string, diedAt: Record<string, number> = {}): string[] {
  const spans = new Map<string, Array<{ start: number; end: number }>>();
  for (const s of sends(prefix)) spans.set(s.dedupKey, [...(spans.get(s.dedupKey) ?? []), { start: s.start, end: s.end ?? diedAt[s.r] ?? Infinity }]);
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

async function sandboxControl(method: "POST" | "DELETE", what: string, body?: unknown): Promise<void> {
  const res = await fetch(`${sandbox.pagerdutyUrl.US}/sandbox/${what}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Token token=${sandbox.pagerdutyToken}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status >= 300) throw new Error(`sandbox ${what}: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

beforeAll(async () => {
  if (!Number.isFinite(SCALE) || SCALE <= 0) throw new Error(`RELAY_PG_TEST_SCALE must be a positive number, got ${process.env.RELAY_PG_TEST_SCALE}`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "relay-replicas-"));
  pg = await startPostgres();
  sandbox = await startSandbox({
    eventsPerMinutePerKey: 100_000,
    // Atlas's webhooks are tried once: what a relay refuses, the reconciler repairs.
    retry: { baseDelayMs: 50, maxAttempts: 1, timeoutMs: 10_000 },
    observe: (x) => {
      if (x.service !== "pagerduty-events" || x.method !== "POST") return;
      const b = (x.requestBody ?? {}) as { routing_key?: string; event_action?: string; dedup_key?: string };
      received.push({ at: Date.now(), key: b.routing_key ?? "", action: b.event_action ?? "", dedupKey: b.dedup_key ?? "", status: x.status });
    },
  });
  wide = await writeRelaySetup(dir, sandbox, { routes: KEYS, eventsPerMinute: 6000, burst: 50 });
}, 120_000);

afterEach(async () => {
  await stopAll();
  await sandboxControl("DELETE", "faults").catch(() => undefined);
});

afterAll(async () => {
  await stopAll();
  await agent.close();
  await sandbox?.close();
  await pg?.destroy();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("relay replicas on one PostgreSQL", () => {
  it.each([2, 3])(
    "%i replicas: every alert ends resolved, trigger before resolve, exactly once each, never two sends of one alert at once",
    async (n) => {
      const db = await pg.database(`replicas_${n}`);
      const tag = `a00${n}`;
      const prefix = dedupPrefix(wide, tag);
      const rs = await startReplicas(
        wide,
        db,
        Array.from({ length: n }, (_, i) => `${tag}-${i}`),
      );
      const hooks = pairs(wide, PAIRS, tag);
      const t0 = Date.now();
      const { refused } = await post(wide, hooks, rs);
      expect(refused).toEqual([]);
      await waitSettled(db, 240_000, () => openIncidents(wide, tag).length === 0);
      const seconds = (Date.now() - t0) / 1000;
      // The relays recorded every close, and PagerDuty has no incident of these alerts open.
      const recorded = await relayAlerts(db, tag);
      expect(recorded).toHaveLength(PAIRS);
      expect(recorded.filter((a) => a.status !== "CLOSED")).toEqual([]);
      expect(openIncidents(wide, tag)).toEqual([]);
      const got = byDedupKey(prefix);
      const sent = [...got.values()];
      // Closed before their first send: nothing at all. Otherwise exactly trigger, resolve.
      expect(sent.filter((a) => a.join() !== "trigger,resolve")).toEqual([]);
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.length).toBeLessThanOrEqual(PAIRS - Math.floor(PAIRS / 10)); // the early-closed ones page no one
      expect(overlappingSends(prefix)).toEqual([]);
      // Every PagerDuty event is one the relays logged (the log is complete), and delivery was spread over every replica.
      const logged = sends(prefix);
      expect(logged.filter((s) => s.end !== undefined)).toHaveLength(sent.flat().length);
      expect(new Set(logged.map((s) => s.r)).size).toBe(n);
      process.stdout.write(`${n} replicas: ${PAIRS} pairs, ${sent.length} alerts paged, ${seconds.toFixed(1)} s to settle\n`);
    },
    300_000,
  );

  it("per-key sends across replicas stay within budget + burst in every window; a 429 seen by one replica pauses the key on all", async () => {
    const perMinute = 240; // 4 per second, so a short test spans many refills
    const burst = 5;
    const setup = await writeRelaySetup(dir, sandbox, { routes: 2, eventsPerMinute: perMinute, burst, prefix: "paced-" });
    const db = await pg.database("pacing");
    const tag = "b000";
    const prefix = dedupPrefix(setup, tag);
    const rs = await startReplicas(setup, db, ["pace-0", "pace-1", "pace-2"]);
    const n = Math.max(40, Math.round(200 * SCALE)); // 20+ triggers and 20+ resolves per key
    const { opens, closes } = alerts(setup, n, tag);
    // One 429 from PagerDuty, after both keys' bursts are spent (2 x 5 events), so it lands while
    // the keys are paced and every replica has work waiting on them.
    await sandboxControl("POST", "faults", { count: 1, skip: 2 * burst + 2, status: 429, path: "events" });
    // Opens first, every trigger sent, then the closes: each alert is paged, the 429'd trigger included.
    expect((await post(setup, opens, rs, 8)).refused).toEqual([]);
    await waitSettled(db, 120_000);
    expect((await post(setup, closes, rs, 8)).refused).toEqual([]);
    await waitSettled(db, 120_000, () => openIncidents(setup, tag).length === 0);

    for (const { routingKey } of setup.routes) {
      for (const w of [5_000, 10_000, 60_000]) {
        // The token bucket's bound for any window, plus one for where the window's edges fall.
        expect(maxInWindow(routingKey, w)).toBeLessThanOrEqual(burst + Math.ceil((perMinute * w) / 60_000) + 1);
      }
    }
    // The sandbox answers an injected fault before reading the body: the relay's warning names the route.
    const limited = logs.filter((l) => l.msg === "PagerDuty rate-limited the routing key; blocking it" && String(l.alertId).startsWith(tag));
    expect(limited).toHaveLength(1);
    const { time: at, blockedMs, route, r: who } = limited[0] as LogLine & { blockedMs: number; route: string };
    const key = setup.routes.find((x) => x.id === route)!.routingKey;
    // Several replicas sent on that key, so the pause below holds for more than the one that saw the 429.
    expect(
      new Set(
        sends(prefix)
          .filter((s) => s.route === route)
          .map((s) => s.r),
      ).size,
    ).toBeGreaterThanOrEqual(2);
    // Nobody sent on that key during the block (from when it is on record, plus 0.5 s for a send
    // whose token was taken just before it, on this loaded machine), and sending resumed after it.
    const during = received.filter((e) => e.key === key && e.at > at + 500 && e.at < at + blockedMs - 100);
    expect(during).toEqual([]);
    expect(received.filter((e) => e.key === key && e.at >= at + blockedMs - 100).length).toBeGreaterThan(0);
    // Every alert was paged once and resolved once; the 429'd trigger was sent again after the block.
    const got = byDedupKey(prefix);
    expect(got.size).toBe(n);
    expect([...got.values()].filter((a) => a.join() !== "trigger,resolve")).toEqual([]);
    expect(misordered(got)).toEqual([]);
    process.stdout.write(`pacing: 429 seen by ${who}, key blocked ${blockedMs} ms for all 3 replicas\n`);
  }, 300_000);

  it("a replica killed with SIGKILL mid-delivery: the others take over its leased jobs; nothing lost, no resolve before its trigger", async () => {
    const db = await pg.database("sigkill");
    const tag = "c000";
    const prefix = dedupPrefix(wide, tag);
    const rs = await startReplicas(wide, db, ["kill-0", "kill-1", "kill-2"]);
    // PagerDuty answers slowly, so sends are in flight when the replica dies.
    await sandboxControl("POST", "faults", { count: 150, delayMs: 150, path: "events" });
    const { opens, closes } = alerts(wide, Math.max(100, Math.round(PAIRS / 2)), tag);
    const posting = post(wide, opens, rs);
    // Killed while it has sends in flight ("send start" without its "send end"): several if that comes within 5 s, at least one.
    const inFlight = () => sends(prefix).filter((s) => s.r === "kill-0" && s.end === undefined).length;
    const t0 = Date.now();
    while (inFlight() < (Date.now() - t0 < 5_000 ? 4 : 1)) {
      if (Date.now() - t0 > 30_000) throw new Error("kill-0 never had a send in flight");
      await sleep(10);
    }
    rs[0].child.kill("SIGKILL");
    await rs[0].exited;
    const diedAt = Date.now();
    expect((await posting).refused).toEqual([]);
    // Every open paged, the dead replica's leased jobs included (pg-boss hands them over when their heartbeat stops).
    await waitSettled(db, 120_000, () => byDedupKey(prefix).size === opens.length);
    expect((await post(wide, closes, rs)).refused).toEqual([]);
    await waitSettled(db, 120_000, () => openIncidents(wide, tag).length === 0);

    expect(openIncidents(wide, tag)).toEqual([]);
    expect((await relayAlerts(db, tag)).filter((a) => a.status !== "CLOSED" || a.pd_state !== "resolved")).toEqual([]);
    const got = byDedupKey(prefix);
    expect(got.size).toBe(opens.length);
    // A send cut off by the kill may be repeated by the replica that took its job (PagerDuty deduplicates it), never reordered.
    expect(misordered(got)).toEqual([]);
    // Only what the killed replica was sending may repeat: a send cut off, or one PagerDuty accepted
    // just before the kill and not yet recorded (read once its last log lines are in).
    const killed = sends(prefix).filter((s) => s.r === "kill-0");
    const cut = killed.filter((s) => s.end === undefined);
    const repeated = [...got].filter(([, a]) => a.join() !== "trigger,resolve").map(([k]) => k);
    const killedKeys = new Set(killed.map((s) => s.dedupKey));
    expect(repeated.filter((k) => !killedKeys.has(k))).toEqual([]);
    expect(repeated.length).toBeLessThanOrEqual(CONCURRENCY);
    // The cut sends were taken over: each was sent again by another replica.
    for (const c of cut) expect(sends(prefix).some((s) => s.dedupKey === c.dedupKey && s.r !== "kill-0" && s.start > c.start)).toBe(true);
    expect(overlappingSends(prefix, { "kill-0": diedAt })).toEqual([]);
    process.stdout.write(`SIGKILL: ${got.size} alerts paged, ${cut.length} sends cut by the kill, ${repeated.length} repeated\n`);
  }, 300_000);

  it("a replica killed between PagerDuty's 202 and its commit, the closes arriving at once: every incident is resolved", async () => {
    const db = await pg.database("sigkill_closes");
    const tag = "c100";
    const prefix = dedupPrefix(wide, tag);
    // killc-0 holds each send between PagerDuty's 202 and its commit (the relay's crash-test hook), so the
    // kill leaves triggers PagerDuty accepted and nobody recorded: sends in doubt.
    const rs = await startReplicas(wide, db, ["killc-0", "killc-1", "killc-2"], { "killc-0": { RELAY_TEST_PAUSE_AFTER_SEND_MS: "60000" } });
    const { opens, closes } = alerts(wide, Math.max(100, Math.round(PAIRS / 2)), tag);
    const posting = post(wide, opens, rs);
    const accepted = () => sends(prefix).filter((s) => s.r === "killc-0" && s.end !== undefined);
    const t0 = Date.now();
    while (accepted().length < 2) {
      if (Date.now() - t0 > 30_000) throw new Error("killc-0 never had a send accepted");
      await sleep(10);
    }
    rs[0].child.kill("SIGKILL");
    await rs[0].exited;
    const diedAt = Date.now();
    const inDoubt = accepted().map((s) => s.dedupKey);
    expect((await posting).refused).toEqual([]);
    // The closes come at once: the alerts in doubt are closed while PagerDuty holds their incidents.
    expect((await post(wide, closes, rs)).refused).toEqual([]);
    await waitSettled(db, 120_000, () => openIncidents(wide, tag).length === 0);

    expect(openIncidents(wide, tag)).toEqual([]);
    const recorded = await relayAlerts(db, tag);
    expect(recorded).toHaveLength(opens.length);
    expect(recorded.filter((a) => a.status !== "CLOSED")).toEqual([]);
    const got = byDedupKey(prefix);
    // The triggers in doubt did open incidents, and each was resolved.
    for (const k of inDoubt) expect(got.get(k)?.at(-1)).toBe("resolve");
    // Never a resolve before a trigger; a lone resolve only for a trigger in doubt (PagerDuty drops it).
    expect(misordered(got)).toEqual([]);
    expect(overlappingSends(prefix, { "killc-0": diedAt })).toEqual([]);
    process.stdout.write(`SIGKILL after 202: ${inDoubt.length} triggers in doubt, all resolved; ${got.size} alerts sent to, 0 incidents left open\n`);
  }, 300_000);

  it("PostgreSQL restarted under load: intake answers 503 while it is down, the replicas reconnect, nothing accepted is lost", async () => {
    const db = await pg.database("restart");
    const tag = "d000";
    const prefix = dedupPrefix(wide, tag);
    const rs = await startReplicas(wide, db, ["restart-0", "restart-1"]);
    const { opens, closes } = alerts(wide, Math.max(100, Math.round(PAIRS / 2)), tag);
    const posting = post(wide, opens, rs, 4);
    await sleep(1_000);
    await pg.stop("fast");
    await sleep(3_000);
    await pg.start();
    const { accepted, refused } = await posting;
    expect(refused.length).toBeGreaterThan(0);
    expect(accepted.length).toBeGreaterThan(0);
    // What was refused is what the reconciler repairs (Atlas does not retry a failed webhook; the last test shows
    // that with Atlas's own webhooks): here, posted again, so this test can go on under load.
    expect((await post(wide, refused, rs, 4)).refused).toEqual([]);
    await waitSettled(db, 120_000, () => byDedupKey(prefix).size === opens.length);
    expect((await post(wide, closes, rs, 4)).refused).toEqual([]);
    await waitSettled(db, 120_000, () => openIncidents(wide, tag).length === 0);

    expect(openIncidents(wide, tag)).toEqual([]);
    const recorded = await relayAlerts(db, tag);
    expect(recorded).toHaveLength(opens.length);
    expect(recorded.filter((a) => a.status !== "CLOSED" || a.pd_state !== "resolved")).toEqual([]);
    // Sends whose outcome could not be recorded while the store was down are repeated, never reordered.
    const got = byDedupKey(prefix);
    expect(misordered(got)).toEqual([]);
    const repeated = [...got.values()].filter((a) => a.join() !== "trigger,resolve").length;
    process.stdout.write(`restart: ${refused.length} webhooks refused with 503 while PostgreSQL was down; ${repeated} alerts with a repeated send\n`);
  }, 300_000);
  it("PostgreSQL down while Atlas sends webhooks (tried once): the replicas refuse them with 503 and the reconciler repairs every open and close", async () => {
    const setup = await writeRelaySetup(dir, sandbox, { routes: 4, eventsPerMinute: 6000, burst: 50, reconcileSeconds: 3, prefix: "rec-" });
    const db = await pg.database("reconcile");
    const rs = await startReplicas(setup, db, ["rec-0", "rec-1"]);
    const atlas = atlasApi(sandbox);
    // One alert configuration per route, its webhook on one replica or the other, as Atlas would be set up.
    const configs: string[] = [];
    for (const [i, route] of setup.routes.entries()) {
      const res = await atlas.call("POST", `/api/atlas/v2/groups/${setup.projectId}/alertConfigs`, {
        eventTypeName: "NO_PRIMARY",
        enabled: true,
        notifications: [{ typeName: "WEBHOOK", webhookUrl: `${rs[i % 2].url}/atlas/${route.id}`, webhookSecret: route.secret, delayMin: 0 }],
      });
      if (res.status >= 300) throw new Error(`alert config: ${res.status} ${await res.text()}`);
      configs.push(((await res.json()) as { id: string }).id);
    }
    const keyOf = (id: string) => `mongodb-atlas/${setup.projectId}/${id}`;
    const incident = (id: string) =>
      sandbox.db.prepare("SELECT status FROM pd_incidents WHERE incident_key = ?").get(keyOf(id)) as { status: string } | undefined;
    const waitFor = async (what: string, ok: () => boolean, ms = 60_000) => {
      for (const end = Date.now() + ms; !ok(); await sleep(200)) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    };
    // Atlas's delivery of each webhook of these alerts: sent, failed (refused; never tried again) or pending.
    const deliveries = async (ids: string[]) =>
      (
        (await (await atlas.call("GET", `/sandbox/groups/${setup.projectId}/notifications`)).json()) as { results: Array<{ alertId: string; status: string }> }
      ).results.filter((n) => ids.includes(n.alertId));
    const tried = async (ids: string[], webhooks: number) => {
      for (const end = Date.now() + 30_000; ; await sleep(200)) {
        const d = await deliveries(ids);
        if (d.length >= webhooks && d.every((n) => n.status !== "pending")) return d.filter((n) => n.status === "failed").length;
        if (Date.now() > end) throw new Error(`Atlas did not try every webhook: ${JSON.stringify(d)}`);
      }
    };
    // The relays learn each route's configuration from its first webhook.
    const first = await Promise.all(configs.map((c) => atlas.openAlert(setup.projectId, { alertConfigId: c }).then((a) => String(a.id))));
    await waitFor("the first alerts paged", () => first.every((id) => incident(id)?.status === "triggered"));

    // Opens while PostgreSQL is down: every one refused, and Atlas does not try again.
    await pg.stop("fast");
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(String((await atlas.openAlert(setup.projectId, { alertConfigId: configs[i % configs.length] })).id));
    expect(await tried(ids, ids.length)).toBe(ids.length);
    await pg.start();
    await waitFor("every open repaired by the reconciler", () => ids.every((id) => incident(id)?.status === "triggered"));

    // Closes while PostgreSQL is down: every one refused; the reconciler reads each alert CLOSED and resolves it.
    const all = [...first, ...ids];
    await pg.stop("fast");
    for (const id of all) await atlas.closeAlert(setup.projectId, id);
    expect(await tried(all, 2 * all.length)).toBe(ids.length + all.length);
    await pg.start();
    await waitFor("every close repaired by the reconciler", () => all.every((id) => incident(id)?.status === "resolved"));
    const got = byDedupKey(`mongodb-atlas/${setup.projectId}/`);
    expect(misordered(got)).toEqual([]);
    expect([...got.values()].filter((a) => a.join() !== "trigger,resolve")).toEqual([]);
  }, 300_000);
});
