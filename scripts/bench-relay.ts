/**
 * The relay benchmark (`npm run bench:relay`, and part of `npm run bench`): the relay as users run
 * it (`node dist/relay/cli.js`), on SQLite (one process) and on PostgreSQL with 1, 2 and 3 replicas
 * (a PostgreSQL started here on a temporary data directory, fsync on), in one run so ratios are
 * measured side by side. Figures printed next to their goals; nothing asserted; every phase bounded.
 *
 * Per configuration:
 *   - accepted webhooks per second: signed Atlas webhooks spread over the processes, 32 in flight;
 *   - p99 accept latency at a steady 500 webhooks/s;
 *   - a storm: STORM changes over 50 routing keys, PagerDuty (the sandbox) at 120/min/key and the
 *     relay's budget 110/min + burst 10 (so no 60 s window exceeds 120): every alert opened at once,
 *     then closed at once once its trigger is out; per-key rate as a fraction of PagerDuty's 120/min, lost
 *     (alerts whose incident is not resolved at the end), 400s, 429s.
 * Once, on SQLite: durable accept against a bare intake that verifies and answers without storing,
 * and a PagerDuty outage under load (drain time afterwards).
 *
 * Sizes: BENCH_RELAY_SCALE (default 1: 3,000 webhooks per accept run, 5 s at 500/s, a storm of
 * 10,000 changes, about 100 s per configuration at the limit, a 10 s outage; 0.05 checks that it
 * runs, in about two minutes). BENCH_ACCEPT, BENCH_STEADY_SECONDS, BENCH_STORM_CHANGES, BENCH_OUTAGE_SECONDS override one each.
 *
 * For perf work: BENCH_RELAY_PHASES (default "accept,outage,storm") runs only the phases named;
 * BENCH_RELAY_REPLICAS (default "1,2,3") the PostgreSQL configurations ("" for SQLite only);
 * BENCH_RELAY_BASELINE=<another build's dist/relay/cli.js> runs each accept configuration on that
 * build too, alternating with this one, so before/after are measured side by side; BENCH_RELAY_NODE_ARGS
 * adds node flags to each relay (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Fastify from "fastify";
import { Agent } from "undici";
import { verifyMmsSignature } from "../lib/signatures";
import { type Sandbox, startSandbox } from "../sandbox";
import { atlasAlert, postAtlasWebhook } from "./lib/atlas-webhook";
import { openLoopOnThread } from "./lib/open-loop";
import { type PostgresServer, startPostgres } from "./lib/postgres-server";
import { type RelayProcess, type RelaySetup, spawnRelay, stopRelays, writeRelaySetup } from "./lib/relay-process";

const SCALE = Number(process.env.BENCH_RELAY_SCALE ?? 1);
const sized = (env: string, full: number, min: number) => Number(process.env[env] ?? Math.max(min, Math.round(full * SCALE)));
const ACCEPT = sized("BENCH_ACCEPT", 3_000, 200);
const STEADY_SECONDS = sized("BENCH_STEADY_SECONDS", 5, 1);
const STORM = 2 * Math.ceil(sized("BENCH_STORM_CHANGES", 10_000, 500) / 2);
const OUTAGE_SECONDS = sized("BENCH_OUTAGE_SECONDS", 10, 2);
const KEYS = 50;
/** PagerDuty's limit per routing key (the sandbox enforces it), and the relay's budget under it. */
const PD_PER_MINUTE = 120;
const BUDGET = 110;
const BURST = 10;
const PHASES = new Set((process.env.BENCH_RELAY_PHASES ?? "accept,outage,storm").split(",").map((p) => p.trim()));
const REPLICAS = (process.env.BENCH_RELAY_REPLICAS ?? "1,2,3")
  .split(",")
  .filter((n) => n.trim() !== "")
  .map(Number);
const BASELINE = process.env.BENCH_RELAY_BASELINE || undefined;
const NODE_ARGS = (process.env.BENCH_RELAY_NODE_ARGS ?? "").split(" ").filter(Boolean);

const agent = new Agent({ connections: 64 });
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? Number.NaN;
const goal = (ok: boolean) => (ok ? "met" : "MISSED");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hexId = () => crypto.randomBytes(12).toString("hex");

interface Config {
  name: string;
  replicas: number;
  /** "sqlite", or a database on the bench's PostgreSQL */
  store: (purpose: string) => Promise<string>;
}

/** Sends `total` webhooks from `send`, `concurrency` in flight; returns webhooks per second and the non-2xx count. */
async function closedLoop(total: number, concurrency: number, send: (i: number) => Promise<number>): Promise<{ rate: number; failed: number }> {
  let next = 0;
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) if ((await send(next++)) >= 300) failed++;
    }),
  );
  return { rate: total / ((performance.now() - t0) / 1000), failed };
}

/** A signed open of a new alert to route `i % KEYS`, on process `i % n`. */
function opener(setup: RelaySetup, ps: RelayProcess[]) {
  return (i: number) => {
    const route = setup.routes[i % setup.routes.length];
    return postAtlasWebhook(`${ps[i % ps.length].url}/atlas/${route.id}`, "alert.open", atlasAlert(setup.projectId, hexId(), "OPEN"), route.secret, agent);
  };
}

async function start(setup: RelaySetup, store: string, n: number, tag: string, cli?: string): Promise<RelayProcess[]> {
  const ps: RelayProcess[] = [];
  try {
    for (let i = 0; i < n; i++) ps.push(await spawnRelay({ setup, store, name: `${tag}-${i}`, cli, nodeArgs: NODE_ARGS }));
  } catch (err) {
    await stopRelays(ps);
    throw err;
  }
  return ps;
}

/** Accepts per second and p99 at 500/s on one configuration. */
async function acceptBench(c: Config, setup: RelaySetup, cli?: string): Promise<number> {
  const label = cli ? `${c.name} (baseline)` : c.name;
  const ps = await start(setup, await c.store(cli ? "accept_base" : "accept"), c.replicas, `${c.name}-accept`, cli);
  try {
    const send = opener(setup, ps);
    await closedLoop(Math.min(200, ACCEPT), 16, send); // warm-up
    const { rate, failed } = await closedLoop(ACCEPT, 32, send);
    // On its own thread: this one also runs the PagerDuty sandbox the relay is delivering to.
    const steady = await openLoopOnThread({
      urls: ps.map((p) => p.url),
      projectId: setup.projectId,
      routes: setup.routes.map((r) => ({ id: r.id, secret: r.secret })),
      perSecond: 500,
      seconds: STEADY_SECONDS,
    });
    const p99 = pct(steady.lat, 99);
    console.log(
      `relay ${label.padEnd(12)} accepted ${rate.toFixed(0).padStart(5)} webhooks/s   p99 at 500/s ${p99.toFixed(1).padStart(6)} ms (goal < 20 ms: ${goal(p99 < 20)})   non-2xx ${failed + steady.failed}`,
    );
    return rate;
  } finally {
    await stopRelays(ps);
  }
}

/** What the storm's PagerDuty answered (the sandbox's exchanges): when, to which key, with which status. */
const stormLog: Array<{ at: number; key: string; status: number }> = [];

function incidents(sb: Sandbox, setup: RelaySetup): { open: number; resolved: number } {
  const row = sb.db
    .prepare(
      "SELECT count(*) FILTER (WHERE status != 'resolved') AS open, count(*) FILTER (WHERE status = 'resolved') AS resolved FROM pd_incidents WHERE incident_key LIKE ?",
    )
    .get(`mongodb-atlas/${setup.projectId}/%`) as { open: number; resolved: number };
  return row;
}

/** The storm on one configuration: opens at once, drained at the limit; then closes at once, drained. */
async function stormBench(c: Config, sb: Sandbox, dir: string): Promise<void> {
  const setup = await writeRelaySetup(dir, sb, { routes: KEYS, eventsPerMinute: BUDGET, burst: BURST, prefix: "storm-" });
  const ps = await start(setup, await c.store("storm"), c.replicas, `${c.name}-storm`);
  try {
    const alerts = STORM / 2;
    const ids = Array.from({ length: alerts }, hexId);
    // At the budget, after the burst: the time the whole storm needs; the wait is bounded at twice that plus a minute.
    const perKey = STORM / KEYS;
    const deadline = Date.now() + 2 * Math.max(0, (perKey - 2 * BURST) / BUDGET) * 60_000 + 60_000;
    let refused = 0;
    const t0 = Date.now();
    for (const phase of ["OPEN", "CLOSED"] as const) {
      const { failed } = await closedLoop(alerts, 32, (i) => {
        const route = setup.routes[i % KEYS];
        const body = atlasAlert(setup.projectId, ids[i], phase, new Date(t0 + (phase === "OPEN" ? 0 : 1000)));
        return postAtlasWebhook(`${ps[i % ps.length].url}/atlas/${route.id}`, phase === "OPEN" ? "alert.open" : "alert.close", body, route.secret, agent);
      });
      refused += failed;
      // Drained: every alert has its incident (opens), or every incident is resolved (closes).
      while (Date.now() < deadline) {
        const { open, resolved } = incidents(sb, setup);
        if (phase === "OPEN" ? open + resolved >= alerts : resolved >= alerts) break;
        await sleep(1_000);
      }
    }
    const keys = new Set(setup.routes.map((r) => r.routingKey));
    const events = stormLog.filter((e) => keys.has(e.key));
    const byKey = new Map<string, number[]>();
    for (const e of events) if (e.status === 202) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e.at]);
    // Per key: sends per minute between its first and last send, as a fraction of PagerDuty's limit (the issue's goal).
    const rates = [...byKey.values()].map((ts) => {
      const minutes = (Math.max(...ts) - Math.min(...ts)) / 60_000;
      return minutes > 0 ? (ts.length - 1) / minutes / PD_PER_MINUTE : Number.NaN;
    });
    const { resolved } = incidents(sb, setup);
    const lost = alerts - resolved;
    const s429 = events.filter((e) => e.status === 429).length;
    const s400 = events.filter((e) => e.status === 400).length;
    const sends = events.length;
    const lo = Math.min(...rates);
    console.log(
      `relay ${c.name.padEnd(12)} storm ${STORM} changes over ${KEYS} keys (budget ${BUDGET}/min + ${BURST} under PagerDuty's ${PD_PER_MINUTE}/min): ${((Date.now() - t0) / 1000).toFixed(0)} s; ` +
        `per-key rate ${lo.toFixed(2)}-${Math.max(...rates).toFixed(2)} of PagerDuty's ${PD_PER_MINUTE}/min (goal >= 0.95: ${goal(lo >= 0.95)}; the budget is ${(BUDGET / PD_PER_MINUTE).toFixed(2)}); lost ${lost} (goal 0: ${goal(lost === 0)}); ` +
        `400s ${s400} (goal 0: ${goal(s400 === 0)}); 429s ${s429} of ${sends} sends (goal < 1%: ${goal(s429 < 0.01 * sends)}); refused intake ${refused}`,
    );
  } finally {
    await stopRelays(ps);
  }
}

/** SQLite only: durable accept against a bare intake (same signature check, nothing stored). */
async function bareIntakeBench(setup: RelaySetup, sqliteRate: number): Promise<void> {
  const secrets = new Map(setup.routes.map((r) => [r.id, r.secret]));
  const bare = Fastify();
  bare.removeAllContentTypeParsers();
  bare.addContentTypeParser("*", { parseAs: "buffer" }, (_r, b, done) => done(null, b));
  bare.post<{ Params: { r: string } }>("/atlas/:r", async (req, reply) => {
    if (!verifyMmsSignature([secrets.get(req.params.r) ?? ""], req.body as Buffer, String(req.headers["x-mms-signature"]))) return reply.code(401).send();
    JSON.parse((req.body as Buffer).toString("utf8"));
    return reply.code(200).send({ status: "accepted" });
  });
  try {
    const url = await bare.listen({ host: "127.0.0.1", port: 0 });
    const { rate } = await closedLoop(ACCEPT, 32, opener(setup, [{ url } as RelayProcess]));
    const ratio = sqliteRate / rate;
    console.log(
      `relay sqlite durable accept ${sqliteRate.toFixed(0)}/s vs bare intake ${rate.toFixed(0)}/s = ${ratio.toFixed(2)}x   (goal >= 0.8x: ${goal(ratio >= 0.8)})`,
    );
  } finally {
    await bare.close();
  }
}

/** SQLite only: a PagerDuty outage while alerts arrive; how long after it ends every alert is paged. */
async function outageBench(sb: Sandbox, setup: RelaySetup): Promise<void> {
  const ps = await start(setup, "sqlite", 1, "sqlite-outage");
  try {
    const res = await fetch(`${sb.pagerdutyUrl.US}/sandbox/faults/outage`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Token token=${sb.pagerdutyToken}` },
      body: JSON.stringify({ seconds: OUTAGE_SECONDS, status: 503, path: "events" }),
    });
    if (res.status !== 201) throw new Error(`outage: ${res.status} ${await res.text()}`);
    const before = incidents(sb, setup);
    const total = 500;
    const o0 = Date.now();
    await closedLoop(total, 16, opener(setup, ps));
    const deadline = o0 + (OUTAGE_SECONDS + 120) * 1000;
    let paged = 0;
    while (Date.now() < deadline) {
      const now = incidents(sb, setup);
      paged = now.open + now.resolved - before.open - before.resolved;
      if (paged >= total) break;
      await sleep(250);
    }
    const drain = (Date.now() - o0) / 1000 - OUTAGE_SECONDS;
    console.log(
      `relay sqlite ${OUTAGE_SECONDS} s PagerDuty outage under load (${total} alerts): ${((100 * paged) / total).toFixed(1)}% paged, drained ${drain.toFixed(1)} s after it ended   (goal 100%: ${goal(paged >= total)})`,
    );
  } finally {
    await stopRelays(ps);
  }
}

export async function benchRelay(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "relay-bench-"));
  const sandboxes: Sandbox[] = [];
  let pg: PostgresServer | undefined;
  try {
    pg = await startPostgres({ durable: true });
    const fast = await startSandbox({ eventsPerMinutePerKey: 1_000_000 });
    sandboxes.push(fast);
    const slow = await startSandbox({
      eventsPerMinutePerKey: PD_PER_MINUTE,
      observe: (x) => {
        if (x.service !== "pagerduty-events" || x.method !== "POST") return;
        stormLog.push({ at: Date.now(), key: String((x.requestBody as { routing_key?: string } | undefined)?.routing_key ?? ""), status: x.status });
      },
    });
    sandboxes.push(slow);
    const server = pg;
    const configs: Config[] = [
      { name: "sqlite", replicas: 1, store: async () => "sqlite" },
      ...REPLICAS.map((n) => ({ name: `postgres x${n}`, replicas: n, store: (purpose: string) => server.database(`bench_${purpose}_${n}`) })),
    ];
    // Accepting: 50 routes, pacing out of the way (the sandbox takes everything).
    const fastSetup = await writeRelaySetup(dir, fast, { routes: KEYS, eventsPerMinute: 6000, burst: 1000, prefix: "r" });
    console.log(
      `relay benchmark (scale ${SCALE}): ${ACCEPT} webhooks per accept run (32 in flight), ${STEADY_SECONDS} s at 500/s for p99, storms of ${STORM} changes; PostgreSQL fsync on`,
    );
    if (PHASES.has("accept")) {
      const accept: Record<string, number> = {};
      const base: Record<string, number> = {};
      for (const c of configs) {
        if (BASELINE) base[c.name] = await acceptBench(c, fastSetup, BASELINE);
        accept[c.name] = await acceptBench(c, fastSetup);
      }
      if (BASELINE)
        console.log(`relay this build / baseline accepts: ${configs.map((c) => `${c.name} ${(accept[c.name] / base[c.name]).toFixed(2)}x`).join("   ")}`);
      if (accept["postgres x2"] !== undefined) {
        const ratio = accept["postgres x2"] / accept["postgres x1"];
        console.log(
          `relay postgres 2 replicas / 1 replica accepts: ${ratio.toFixed(2)}x   (goal >= 0.9x: ${goal(ratio >= 0.9)})   3 / 1: ${(accept["postgres x3"] / accept["postgres x1"]).toFixed(2)}x   sqlite / postgres x1: ${(accept.sqlite / accept["postgres x1"]).toFixed(2)}x`,
        );
      }
      await bareIntakeBench(fastSetup, accept.sqlite);
    }
    // Its own routes: the accept runs' backlog (delivered after each run stopped) does not count.
    if (PHASES.has("outage")) await outageBench(fast, await writeRelaySetup(dir, fast, { routes: 5, eventsPerMinute: 6000, burst: 1000, prefix: "o" }));
    if (PHASES.has("storm")) for (const c of configs) await stormBench(c, slow, dir);
  } finally {
    for (const s of sandboxes) await s.close().catch(() => undefined);
    await pg?.destroy();
    await agent.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchRelay().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
