/**
 * Relay benchmark on both stores in one run (`npm run bench:relay-pg`): figures printed next to
 * their goals, nothing asserted, every phase bounded.
 *
 * For SQLite (one process) and for 1, 2 and 3 relay processes on one PostgreSQL (started here on
 * a temporary data directory, fsync on): accepted webhooks per second (signed Atlas webhooks
 * spread over the processes, 32 in flight), and p99 accept latency at a steady 500 webhooks/s;
 * then a storm of state changes over 50 routing keys at 120/min/key on 3 replicas: per-key
 * rate as a fraction of the budget, lost, 400s, 429s.
 *
 * Env: BENCH_ACCEPT (webhooks per accept run, default 3000), BENCH_STEADY_SECONDS (default 5),
 * BENCH_STORM_CHANGES (default 3000; the figure is 10000).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import { Agent, request } from "undici";
import { mmsSignature } from "../lib/signatures";
import { startSandbox, type Sandbox } from "../sandbox";
import { startPostgres } from "./lib/postgres-server";
import { atlasApi, pagerDutyApi } from "./lib/sandbox-api";

const ACCEPT = Number(process.env.BENCH_ACCEPT ?? 3000);
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 5);
const STORM = Number(process.env.BENCH_STORM_CHANGES ?? 3000);
const KEYS = 50;
const agent = new Agent({ connections: 64 });
const CLI = path.join(__dirname, "../relay/cli.js");

interface Proc {
  url: string;
  child: ChildProcess;
}

function alert(projectId: string, id: string, status: string, updated: Date) {
  const t = updated.toISOString();
  return { id, groupId: projectId, alertConfigId: "a".repeat(24), eventTypeName: "NO_PRIMARY", status, created: t, updated: t, humanReadable: "No primary" };
}

async function post(url: string, event: string, b: unknown, secret: string): Promise<number> {
  const raw = JSON.stringify(b);
  const res = await request(url, {
    method: "POST",
    dispatcher: agent,
    headers: { "content-type": "application/json", "x-mms-event": event, "x-mms-signature": mmsSignature(secret, raw) },
    body: raw,
  });
  await res.body.dump();
  return res.statusCode;
}

async function startProc(configFile: string, env: Record<string, string>, store: string): Promise<Proc> {
  const child = spawn(process.execPath, [CLI, "--config", configFile, "--store", store, "--port", "0", "--log-level", "info"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay not listening after 60 s: ${err}`)), 60_000);
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.includes('"relay listening"')) {
        clearTimeout(timer);
        resolve(JSON.parse(line).url);
      }
    });
    child.on("exit", (code) => reject(new Error(`relay exited ${code}: ${err}`)));
  });
  return { url, child };
}

async function stopProcs(ps: Proc[]): Promise<void> {
  await Promise.all(
    ps.map(
      (p) =>
        new Promise<void>((r) => {
          if (p.child.exitCode !== null) return r();
          p.child.once("exit", () => r());
          p.child.kill("SIGTERM");
          setTimeout(() => p.child.kill("SIGKILL"), 15_000).unref();
        }),
    ),
  );
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "relay-bench-pg-"));
  const pg = await startPostgres({ durable: true });
  const sandboxes: Sandbox[] = [];
  const procs: Proc[] = [];
  try {
    const fast = await startSandbox({ eventsPerMinutePerKey: 1_000_000 });
    const slow = await startSandbox({ eventsPerMinutePerKey: 120 });
    sandboxes.push(fast, slow);
    const secret = crypto.randomBytes(16).toString("hex");
    const setup = async (sb: Sandbox, perMinute: number, burst: number) => {
      const projectId = crypto.randomBytes(12).toString("hex");
      await atlasApi(sb).createProject(projectId);
      const env: Record<string, string> = { ATLAS_ID: sb.credentials.clientId, ATLAS_SECRET: sb.credentials.clientSecret, SECRET: secret };
      const routes = [];
      for (let i = 0; i < KEYS; i++) {
        const svc = await pagerDutyApi(sb).serviceWithKey(`bench-${i}`);
        env[`KEY_${i}`] = svc.key;
        routes.push({ id: `r${i}`, projectId, routingKey: { env: `KEY_${i}` }, webhookSecret: { env: "SECRET" } });
      }
      const file = path.join(dir, `relay-${crypto.randomBytes(4).toString("hex")}.json`);
      fs.writeFileSync(
        file,
        JSON.stringify({
          listen: { host: "127.0.0.1", port: 0 },
          dataDir: fs.mkdtempSync(path.join(dir, "data-")),
          atlas: { baseUrl: sb.atlasUrl, clientId: { env: "ATLAS_ID" }, clientSecret: { env: "ATLAS_SECRET" } },
          pagerduty: { eventsUrl: { US: sb.pagerdutyUrl.US }, eventsPerMinute: perMinute, burst },
          reconcile: { intervalSeconds: 0 },
          routes,
        }),
      );
      return { projectId, env, file };
    };
    const fastSetup = await setup(fast, 6000, 1000);

    console.log(`relay stores: ${ACCEPT} webhooks per accept run (32 in flight), ${STEADY_SECONDS} s at 500/s for p99, PostgreSQL fsync on`);
    const accept: Record<string, number> = {};
    for (const [name, n, store] of [
      ["sqlite", 1, "sqlite"],
      ["postgres x1", 1, ""],
      ["postgres x2", 2, ""],
      ["postgres x3", 3, ""],
    ] as const) {
      const db = store || (await pg.database(`bench_${n}`));
      const ps: Proc[] = [];
      for (let i = 0; i < n; i++) ps.push(await startProc(fastSetup.file, fastSetup.env, db));
      procs.push(...ps);
      // Warm-up, then the closed-loop run: new alerts, spread round-robin over the processes.
      let next = 0;
      const send = () => {
        const i = next++;
        return post(
          `${ps[i % ps.length].url}/atlas/r${i % KEYS}`,
          "alert.open",
          alert(fastSetup.projectId, crypto.randomBytes(12).toString("hex"), "OPEN", new Date()),
          secret,
        );
      };
      for (let i = 0; i < 200; i++) await send();
      next = 0;
      const t0 = performance.now();
      let failed = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < ACCEPT) if ((await send()) >= 300) failed++;
        }),
      );
      const rate = ACCEPT / ((performance.now() - t0) / 1000);
      accept[name] = rate;
      // Open loop at 500/s: latency of each accept.
      const lat: number[] = [];
      const total = 500 * STEADY_SECONDS;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: total }, async (_, i) => {
          const due = start + (i * 1000) / 500;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          const t = performance.now();
          if ((await send()) >= 300) failed++;
          lat.push(performance.now() - t);
        }),
      );
      console.log(
        `relay ${name.padEnd(12)} accepted ${rate.toFixed(0).padStart(5)} webhooks/s   p99 at 500/s ${pct(lat, 99).toFixed(1).padStart(6)} ms (goal < 20 ms: ${pct(lat, 99) < 20 ? "met" : "MISSED"})   non-2xx ${failed}`,
      );
      await stopProcs(ps);
    }
    const ratio = accept["postgres x2"] / accept["postgres x1"];
    console.log(
      `relay postgres 2 replicas / 1 replica accept ratio: ${ratio.toFixed(2)}x   (goal >= 0.9x: ${ratio >= 0.9 ? "met" : "MISSED"})   (sqlite / postgres x1: ${(accept.sqlite / accept["postgres x1"]).toFixed(2)}x)`,
    );

    // Storm: STORM changes (open, then close) over 50 keys, 3 replicas, pacing and the sandbox both at 120/min/key.
    const stormSetup = await setup(slow, 120, 10);
    const db = await pg.database("bench_storm");
    const ps: Proc[] = [];
    for (let i = 0; i < 3; i++) ps.push(await startProc(stormSetup.file, stormSetup.env, db));
    procs.push(...ps);
    const alerts = Math.floor(STORM / 2);
    const ids = Array.from({ length: alerts }, () => crypto.randomBytes(12).toString("hex"));
    const statuses: number[] = [];
    const t0 = Date.now();
    let k = 0;
    for (const phase of ["OPEN", "CLOSED"] as const) {
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < alerts) {
            const i = next++;
            const b = alert(stormSetup.projectId, ids[i], phase, new Date(t0 + (phase === "OPEN" ? 0 : 1000)));
            statuses.push(await post(`${ps[k++ % 3].url}/atlas/r${i % KEYS}`, phase === "OPEN" ? "alert.open" : "alert.close", b, secret));
          }
        }),
      );
    }
    const refused = statuses.filter((s) => s >= 300).length;
    // Drained when every alert is resolved in PagerDuty (bounded).
    const expected = alerts * 2;
    const deadline = Date.now() + Math.max(120_000, (expected / KEYS / 120) * 60_000 * 2);
    let events: Array<{ received_at: string; key_last4: string; event_action: string; outcome: string }> = [];
    while (Date.now() < deadline) {
      events = slow.db.prepare("SELECT received_at, key_last4, event_action, outcome FROM pd_events").all() as typeof events;
      if (events.filter((e) => e.event_action === "resolve").length >= alerts) break;
      await new Promise((r) => setTimeout(r, 2_000));
    }
    const seconds = (Date.now() - t0) / 1000;
    const perKey = new Map<string, number>();
    for (const e of events) perKey.set(e.key_last4, (perKey.get(e.key_last4) ?? 0) + 1);
    const rates = [...perKey.values()].map((n) => n / (seconds / 60) / 120);
    const resolved = events.filter((e) => e.event_action === "resolve").length;
    let metrics = "";
    for (const p of ps)
      metrics += await fetch(`${p.url}/metrics`).then(
        (r) => r.text(),
        () => "",
      );
    const counter = (re: RegExp) => [...metrics.matchAll(re)].reduce((a, m) => a + Number(m[1]), 0);
    const limited = counter(/relay_events_sent_total\{[^}]*result="rate_limited"[^}]*\} (\d+)/g);
    const rejected = counter(/relay_events_sent_total\{[^}]*result="rejected"[^}]*\} (\d+)/g);
    console.log(
      `relay storm (postgres x3, ${STORM} changes over ${KEYS} keys at 120/min/key): ${events.length} events in ${seconds.toFixed(0)} s; ` +
        `per-key rate ${Math.min(...rates).toFixed(2)}-${Math.max(...rates).toFixed(2)} of 120/min (goal >= 0.95); lost ${alerts - resolved} (goal 0); ` +
        `refused intake ${refused}; 400s ${rejected} (goal 0); 429s ${limited} (goal < 1% of sends)`,
    );
    await stopProcs(ps);
  } finally {
    await stopProcs(procs);
    for (const s of sandboxes) await s.close().catch(() => undefined);
    await pg.destroy();
    await agent.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
