/**
 * `npm run bench`: figures, no assertions. Runs against an in-memory sandbox on
 * 127.0.0.1 with bounded loops:
 *  - PagerDuty Events API enqueue throughput (the sandbox's ingest path);
 *  - project API GET latency through the provider's Atlas client (OAuth, retry policy);
 *  - a PagerDutyIntegration create + delete cycle through the provider lifecycle
 *    (confirm key, initial alert, store, resolve; then delete);
 *  - the scale case through the real Pulumi CLI (scripts/bench-scale.ts);
 *  - the relay on SQLite and on 1-3 PostgreSQL replicas (scripts/bench-relay.ts; BENCH_SKIP_RELAY skips it).
 */
import { performance } from "node:perf_hooks";
import { randomBytes } from "node:crypto";
import { startSandbox } from "../sandbox";
import { pagerDutyApi } from "./lib/sandbox-api";
import { makeClients } from "../provider/clients";
import { readProviderConfig } from "../provider/config";
import { createIntegration, deleteIntegration } from "../provider/integration/lifecycle";
import { DEFAULT_INITIAL_SUMMARY } from "../provider/integration/check";
import { PagerDutyEventsClient } from "../clients/pagerduty/events";
import { scaleBench } from "./bench-scale";

function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2);
  return `n=${s.length} p50=${q(0.5)} ms p95=${q(0.95)} ms max=${s[s.length - 1].toFixed(2)} ms`;
}

async function main(): Promise<void> {
  const projects = Array.from({ length: 40 }, () => randomBytes(12).toString("hex"));
  const sb = await startSandbox({ projects, eventsPerMinutePerKey: 1_000_000 });
  try {
    const pd = pagerDutyApi(sb);
    const keys = await Promise.all([1, 2, 3, 4].map((i) => pd.serviceWithKey(`bench-${i}`)));
    const events = new PagerDutyEventsClient({ baseUrl: sb.pagerdutyUrl.US });
    const total = 2000;
    const concurrency = 8;
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const i = next++;
          await events.enqueue({
            routing_key: keys[i % keys.length].key,
            event_action: i % 3 === 2 ? "resolve" : "trigger",
            dedup_key: `bench-${Math.floor(i / 3)}`,
            payload: { summary: `bench ${i}`, source: "bench", severity: "info" },
          });
        }
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    console.log(`events enqueue: ${total} events, ${concurrency} concurrent: ${(total / secs).toFixed(0)} events/s (${secs.toFixed(2)} s)`);

    const cfg = readProviderConfig({ get: (k: string) => sb.providerConfig()[k] }, {});
    const clients = makeClients(cfg);
    const lat: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t = performance.now();
      await clients.atlas.getIntegration(projects[0], "PAGER_DUTY");
      lat.push(performance.now() - t);
    }
    console.log(`project API GET integration (OAuth token cached): ${stats(lat)}`);

    const cycle: number[] = [];
    for (let i = 1; i < projects.length; i++) {
      const t = performance.now();
      const { id, outs } = await createIntegration(
        {
          projectId: projects[i],
          integrationKey: keys[i % keys.length].key,
          region: "US",
          initialAlert: { summary: DEFAULT_INITIAL_SUMMARY, severity: "info", keepOpen: false },
        },
        clients,
      );
      await deleteIntegration(id, outs!, clients);
      cycle.push(performance.now() - t);
    }
    console.log(`PagerDutyIntegration create+delete (REST confirmation, alert, store, resolve, delete): ${stats(cycle)}`);
  } finally {
    await sb.close();
  }
}

main()
  .then(() => scaleBench())
  .then(() => (process.env.BENCH_SKIP_RELAY ? undefined : require("./bench-relay").benchRelay()))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
