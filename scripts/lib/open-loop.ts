import * as crypto from "node:crypto";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { Agent } from "undici";
import { atlasAlert, postAtlasWebhook } from "./atlas-webhook";

/**
 * The relay benchmark's steady load (p99 accept latency at a fixed rate), timed on its own thread:
 * the bench's main thread also hosts the PagerDuty sandbox the relay delivers to, and its work
 * there (hundreds of events a second, each a SQLite commit) stalled the timers and the response
 * callbacks of a loop that shared it, adding tens of ms to the measured p99 that the relay never spent.
 */
export interface OpenLoopTarget {
  /** One relay base URL per process; webhook i goes to process i % n and route i % routes. */
  urls: string[];
  projectId: string;
  routes: Array<{ id: string; secret: string }>;
  perSecond: number;
  seconds: number;
}

/** Each request's latency (ms) and the non-2xx count. */
export interface OpenLoopResult {
  lat: number[];
  failed: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function openLoop(t: OpenLoopTarget): Promise<OpenLoopResult> {
  const agent = new Agent({ connections: 64 });
  const lat: number[] = [];
  let failed = 0;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  try {
    for (let i = 0; i < t.perSecond * t.seconds; i++) {
      const wait = start + (i * 1000) / t.perSecond - performance.now();
      if (wait > 0) await sleep(wait);
      const route = t.routes[i % t.routes.length];
      const url = `${t.urls[i % t.urls.length]}/atlas/${route.id}`;
      const body = atlasAlert(t.projectId, crypto.randomBytes(12).toString("hex"), "OPEN");
      inflight.push(
        (async () => {
          const s = performance.now();
          if ((await postAtlasWebhook(url, "alert.open", body, route.secret, agent).catch(() => 599)) >= 300) failed++;
          lat.push(performance.now() - s);
        })(),
      );
    }
    await Promise.all(inflight);
  } finally {
    await agent.close();
  }
  return { lat, failed };
}

/** Runs the steady load on a worker thread (this compiled file) and resolves with its figures. */
export function openLoopOnThread(t: OpenLoopTarget): Promise<OpenLoopResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(__filename, { workerData: { openLoop: t } });
    w.once("message", resolve);
    w.once("error", reject);
    w.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`open-loop thread exited ${code}`))));
  });
}

if (!isMainThread && workerData?.openLoop) {
  void openLoop(workerData.openLoop as OpenLoopTarget).then((r) => parentPort!.postMessage(r));
}
