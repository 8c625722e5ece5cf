import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type Sandbox, startSandbox } from "../../../sandbox";
import { atlasAlert, postAtlasWebhook } from "../../../scripts/lib/atlas-webhook";
import { type RelayProcess, spawnRelay, stopRelays, writeRelaySetup } from "../../../scripts/lib/relay-process";
import { FakeServer } from "../../support/fake-server";
import { waitUntil } from "../../support/relay";

/**
 * Scenario: the project API accepts connections and never answers (the OAuth token and every alert
 * configuration read hang), while 64 alerts open. A real relay process (`node dist/relay/cli.js`)
 * pages each within 2 s, with the route's default severity, counts the fallbacks, and still
 * drains and exits promptly on SIGTERM. Before, the severity read sat on each trigger's send path
 * (2 attempts × 10 s, failures not cached): pages were 21 to 82 s late.
 */
jest.setTimeout(60_000);

let sandbox: Sandbox;
let dir: string;
let hung: FakeServer;
const received = new Map<string, { at: number; severity: string }>();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "relay-hung-api-"));
  // Accepts every connection and request, and never answers (the OAuth token included).
  hung = await FakeServer.start({ fallback: { hang: true } });
  sandbox = await startSandbox({
    eventsPerMinutePerKey: 100_000,
    observe: (x) => {
      if (x.service !== "pagerduty-events" || x.method !== "POST") return;
      const b = (x.requestBody ?? {}) as { dedup_key?: string; event_action?: string; payload?: { severity?: string } };
      if (b.event_action === "trigger" && b.dedup_key) received.set(b.dedup_key, { at: Date.now(), severity: String(b.payload?.severity) });
    },
  });
}, 30_000);
afterAll(async () => {
  await sandbox?.close();
  await hung?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it("64 opens while the project API hangs: each paged within 2 s with the route's default severity; SIGTERM still exits promptly", async () => {
  const setup = await writeRelaySetup(dir, sandbox, { routes: 4, eventsPerMinute: 6000, burst: 100, atlasUrl: hung.url, drainSeconds: 2 });
  let relay: RelayProcess | undefined;
  try {
    relay = await spawnRelay({ setup, store: "sqlite", name: "hung-api" });
    const sent = new Map<string, number>();
    await Promise.all(
      Array.from({ length: 64 }, async (_, i) => {
        const route = setup.routes[i % setup.routes.length];
        const id = crypto.randomBytes(12).toString("hex");
        const body = { ...atlasAlert(setup.projectId, id, "OPEN"), alertConfigId: crypto.randomBytes(12).toString("hex") };
        const key = `mongodb-atlas/${setup.projectId}/${id}`;
        const at = Date.now();
        expect(await postAtlasWebhook(`${relay!.url}/atlas/${route.id}`, "alert.open", body, route.secret)).toBe(200);
        sent.set(key, at);
      }),
    );
    await waitUntil("every open paged", async () => [...sent.keys()].every((k) => received.has(k)), 20_000);
    const late = [...sent].map(([k, at]) => received.get(k)!.at - at);
    expect(Math.max(...late)).toBeLessThan(2_000);
    expect(new Set([...sent.keys()].map((k) => received.get(k)!.severity))).toEqual(new Set(["error"]));
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    const fallbacks = [...metrics.matchAll(/relay_severity_lookup_failures_total\{reason="(\w+)"\} (\d+)/g)].reduce((n, m) => n + Number(m[2]), 0);
    expect(fallbacks).toBe(64);
    const stopping = Date.now();
    relay.child.kill("SIGTERM");
    await relay.exited;
    expect(relay.child.exitCode).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(8_000);
  } finally {
    if (relay) await stopRelays([relay], 5_000);
  }
});
