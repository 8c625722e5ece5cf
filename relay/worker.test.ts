import pino from "pino";
import { observation } from "../test/support/relay-store";
import { SqliteRelayStore } from "./store/sqlite";
import { QUEUES } from "./store/types";
import { Worker } from "./worker";

describe("Worker", () => {
  it("never runs a job it is already running, even when the job's lease runs out mid-run and the claim hands it back", async () => {
    const store = new SqliteRelayStore({});
    let runs = 0;
    let running = 0;
    let overlapped = false;
    const worker = new Worker(
      store,
      {
        [QUEUES.deliver]: async () => {
          runs++;
          if (++running > 1) overlapped = true;
          // A slow send: four leases long.
          await new Promise((r) => setTimeout(r, 400));
          running--;
          return { kind: "done" };
        },
        [QUEUES.pdWebhook]: async () => ({ kind: "done" }),
      },
      pino({ level: "silent" }),
      { concurrency: 4, leaseMs: 100, idleMs: 10, backoff: { baseMs: 10, maxMs: 10 } },
    );
    try {
      await store.observeAlert(observation("1"), Date.now());
      worker.start();
      const until = Date.now() + 5_000;
      while ((await store.outbox.list({ states: ["done"], limit: 1 })).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(await store.outbox.list({ states: ["done"], limit: 1 })).toHaveLength(1);
      expect({ runs, overlapped }).toEqual({ runs: 1, overlapped: false });
    } finally {
      await worker.stop(1_000);
      await store.close();
    }
  });
});
