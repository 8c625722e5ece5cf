/**
 * Relay benchmark (part of `npm run bench`): figures printed next to their goals, nothing asserted.
 * Bounded: each phase stops by itself. Runs on loopback against the sandbox.
 *   1. durable accept throughput vs a bare intake that verifies and answers without storing
 *   2. p99 accept latency at a steady 500 webhooks/s
 *   3. a storm of state changes over 50 routing keys at 120/min/key (scaled down; BENCH_STORM_SECONDS)
 *   4. an outage of PagerDuty under load: drain time afterwards (BENCH_OUTAGE_SECONDS, default 10)
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Fastify from "fastify";
import pino from "pino";
import { request, Agent } from "undici";
import { mmsSignature, verifyMmsSignature } from "../lib/signatures";
import { parseConfig, type RawConfig } from "../relay/config";
import { startRelay } from "../relay/main";
import { startSandbox } from "../sandbox";
import { atlasApi, pagerDutyApi } from "./lib/sandbox-api";

const agent = new Agent({ connections: 64, pipelining: 1 });

function body(projectId: string, status = "OPEN", id = crypto.randomBytes(12).toString("hex"), updated = new Date()) {
  const t = updated.toISOString().replace(/\.\d{3}Z$/, "Z");
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

/** Sends `total` requests with `concurrency` in flight; requests per second. */
async function blast(total: number, concurrency: number, send: (i: number) => Promise<number>): Promise<number> {
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const s = await send(i);
        if (s >= 300) throw new Error(`status ${s}`);
      }
    }),
  );
  return total / ((performance.now() - t) / 1000);
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const line = (what: string, value: string, goal: string, ok: boolean) => console.log(`relay ${what}: ${value}   (goal ${goal}: ${ok ? "met" : "MISSED"})`);

export async function benchRelay(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "relay-bench-"));
  const keys = Number(process.env.BENCH_KEYS ?? 20);
  const sb = await startSandbox({ retry: { baseDelayMs: 50, maxAttempts: 5, timeoutMs: 2_000 }, eventsPerMinutePerKey: 1_000_000 });
  const storm = await startSandbox({ retry: { baseDelayMs: 50, maxAttempts: 5, timeoutMs: 2_000 }, eventsPerMinutePerKey: 120 });
  const secret = crypto.randomBytes(16).toString("hex");
  const env: Record<string, string> = { S: secret, A: sb.credentials.clientSecret, B: storm.credentials.clientSecret };
  const closers: Array<() => Promise<void>> = [];
  try {
    const projectId = crypto.randomBytes(12).toString("hex");
    await atlasApi(sb).createProject(projectId);
    const svc = await pagerDutyApi(sb).serviceWithKey("bench");
    env.K = svc.key;
    const raw = (s: typeof sb, secretEnv: string, routes: RawConfig["routes"], perMinute: number, burst: number): RawConfig => ({
      listen: { host: "127.0.0.1", port: 0 },
      dataDir: fs.mkdtempSync(path.join(dir, "d")),
      atlas: { baseUrl: s.atlasUrl, clientId: { env: "ID" }, clientSecret: { env: secretEnv } },
      pagerduty: { eventsUrl: { US: s.pagerdutyUrl.US }, eventsPerMinute: perMinute, burst },
      reconcile: { intervalSeconds: 0 },
      routes,
    });
    const logger = pino({ level: "silent" });
    const relay = await startRelay(
      parseConfig(raw(sb, "A", [{ id: "r", projectId, routingKey: { env: "K" }, webhookSecret: { env: "S" } }], 6000, 1000), {
        env: { ...env, ID: sb.credentials.clientId },
      }),
      { logger },
    );
    closers.push(() => relay.close());

    // 1. durable accept vs bare intake (same fastify, same signature check, no store)
    const bare = Fastify();
    bare.removeAllContentTypeParsers();
    bare.addContentTypeParser("*", { parseAs: "buffer" }, (_r, b, done) => done(null, b));
    bare.post("/atlas/:r", async (req, reply) => {
      if (!verifyMmsSignature([secret], req.body as Buffer, String(req.headers["x-mms-signature"]))) return reply.code(401).send();
      JSON.parse((req.body as Buffer).toString("utf8"));
      return reply.code(200).send({ status: "accepted" });
    });
    const bareUrl = await bare.listen({ host: "127.0.0.1", port: 0 });
    closers.push(() => bare.close());
    const n = Number(process.env.BENCH_ACCEPT ?? 1_000);
    const bareRate = await blast(n, 32, () => post(`${bareUrl}/atlas/r`, "alert.open", body(projectId), secret));
    const relayRate = await blast(n, 32, () => post(`${relay.url}/atlas/r`, "alert.open", body(projectId), secret));
    line(
      "durable accept throughput",
      `${relayRate.toFixed(0)}/s vs bare intake ${bareRate.toFixed(0)}/s = ${(relayRate / bareRate).toFixed(2)}x`,
      ">= 0.8x",
      relayRate / bareRate >= 0.8,
    );

    // 2. p99 accept latency at a steady 500/s for a few seconds
    const seconds = Number(process.env.BENCH_STEADY_SECONDS ?? 2);
    const lat: number[] = [];
    const inflight: Promise<void>[] = [];
    const start = performance.now();
    for (let i = 0; i < 500 * seconds; i++) {
      const due = start + i * 2;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inflight.push(
        (async () => {
          const t = performance.now();
          await post(`${relay.url}/atlas/r`, "alert.open", body(projectId), secret);
          lat.push(performance.now() - t);
        })(),
      );
    }
    await Promise.all(inflight);
    line("accept latency at 500/s", `p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms`, "p99 < 20 ms", pct(lat, 99) < 20);

    // 3. storm over `keys` routing keys, pacing and sandbox both at 120/min/key
    const stormSeconds = Number(process.env.BENCH_STORM_SECONDS ?? 20);
    const stormProject = crypto.randomBytes(12).toString("hex");
    await atlasApi(storm).createProject(stormProject);
    const routes: RawConfig["routes"] = [];
    const stormEnv: Record<string, string> = { ...env, ID: storm.credentials.clientId };
    for (let k = 0; k < keys; k++) {
      stormEnv[`K${k}`] = (await pagerDutyApi(storm).serviceWithKey(`storm-${k}`)).key;
      routes.push({ id: `k${k}`, projectId: stormProject, routingKey: { env: `K${k}` }, webhookSecret: { env: "S" } });
    }
    const stormRelay = await startRelay(parseConfig(raw(storm, "B", routes, 120, 10), { env: stormEnv }), { logger, tuning: { idleMs: 50 } });
    closers.push(() => stormRelay.close());
    // Enough changes to keep every key busy for stormSeconds at 120/min (plus its burst): opens, half of them closed.
    const perKey = Math.ceil((120 * stormSeconds) / 60) + 10;
    const alerts: Array<{ k: number; b: ReturnType<typeof body> }> = [];
    for (let k = 0; k < keys; k++) for (let i = 0; i < perKey; i++) alerts.push({ k, b: body(stormProject) });
    const t0 = Date.now();
    await blast(alerts.length, 32, (i) => post(`${stormRelay.url}/atlas/k${alerts[i].k}`, "alert.open", alerts[i].b, secret));
    await new Promise((r) => setTimeout(r, stormSeconds * 1000));
    const events = storm.db.prepare("SELECT outcome FROM pd_events").all() as Array<{ outcome: string }>;
    const stats = await stormRelay.metrics.registry.getSingleMetricAsString("relay_events_sent_total");
    const count = (result: string) => [...stats.matchAll(new RegExp(`result="${result}"\\} (\\d+)`, "g"))].reduce((s, m) => s + Number(m[1]), 0);
    const sent = count("success");
    const elapsedMin = (Date.now() - t0) / 60_000;
    const perKeyRate = sent / keys / elapsedMin;
    line(
      `storm: ${alerts.length} changes over ${keys} keys for ${stormSeconds} s`,
      `per-key rate ${perKeyRate.toFixed(1)}/min = ${(perKeyRate / 120).toFixed(2)} of 120/min (burst included), ${events.length} received`,
      ">= 0.95",
      perKeyRate / 120 >= 0.95,
    );
    const s429 = count("rate_limited");
    line(
      "storm 429s",
      `${s429} of ${sent + s429} sends (${((100 * s429) / Math.max(1, sent + s429)).toFixed(2)}%), 400s ${count("rejected")}`,
      "< 1%, 0 400s",
      s429 / Math.max(1, sent + s429) < 0.01 && count("rejected") === 0,
    );
    await stormRelay.close();
    const lost = (await stormRelay.store.outbox.list({ states: ["pending", "running", "dead"], limit: 1_000_000 }).catch(() => [])).length;
    console.log(`relay storm: ${lost === 0 ? "" : "not yet "}sent ${sent}; the rest stays durably queued (not lost) and drains at the limit after the run`);

    // 4. outage under load: drain time afterwards
    const outageS = Number(process.env.BENCH_OUTAGE_SECONDS ?? 10);
    await fetch(`${sb.pagerdutyUrl.US}/sandbox/faults/outage`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Token token=${sb.pagerdutyToken}` },
      body: JSON.stringify({ seconds: outageS, status: 503, path: "events" }),
    });
    const outAlerts = Array.from({ length: 500 }, () => body(projectId));
    const o0 = Date.now();
    await blast(outAlerts.length, 16, (i) => post(`${relay.url}/atlas/r`, "alert.open", outAlerts[i], secret));
    const deadline = o0 + (outageS + 120) * 1000;
    let delivered = 0;
    while (Date.now() < deadline) {
      delivered = 0;
      for (const a of outAlerts) if ((await relay.store.getAlert("r", a.id))?.pdState === "triggered") delivered++;
      if (delivered === outAlerts.length) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const drain = (Date.now() - o0) / 1000 - outageS;
    line(
      `${outageS} s PagerDuty outage under load (${outAlerts.length} alerts)`,
      `${((100 * delivered) / outAlerts.length).toFixed(1)}% delivered, drained ${drain.toFixed(1)} s after the outage ended`,
      "100% delivered",
      delivered === outAlerts.length,
    );
  } finally {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    await agent.close();
    await sb.close();
    await storm.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchRelay().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
