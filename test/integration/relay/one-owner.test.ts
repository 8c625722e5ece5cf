import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { type Sandbox, startSandbox } from "../../../sandbox";
import { atlasAlert, postAtlasWebhook } from "../../../scripts/lib/atlas-webhook";
import { type RelayLogLine, type RelayProcess, type RelaySetup, spawnRelay, stopRelays, writeRelaySetup } from "../../../scripts/lib/relay-process";
import pino from "pino";
import { openSqliteStore } from "../../../relay/store/data-dir";
import { observation } from "../../support/relay-store";
import { dedupKey, eventsFor, freePort, TEST_STORE, testStoreUrl, waitUntil } from "../../support/relay";

/**
 * One owner per SQLite data dir, with real relay processes (`node dist/relay/cli.js`, as users run
 * them) on real sockets: a second process on a data dir in use waits for it and gives up naming the
 * holder, without touching its jobs; a rolling restart (the new process started while the old one
 * drains) hands over without a double send. The rolling restart also runs on PostgreSQL (npm run
 * test:pg), where the two processes overlap as replicas.
 */
jest.setTimeout(60_000);

let sandbox: Sandbox;
let dir: string;
const running: RelayProcess[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "relay-one-owner-"));
  sandbox = await startSandbox({ eventsPerMinutePerKey: 100_000, retry: { baseDelayMs: 50, maxAttempts: 1, timeoutMs: 5_000 } });
}, 30_000);
afterEach(async () => {
  await stopRelays(running.splice(0), 5_000);
  await fetch(`${sandbox.pagerdutyUrl.US}/sandbox/faults`, { method: "DELETE", headers: { authorization: `Token token=${sandbox.pagerdutyToken}` } });
});
afterAll(async () => {
  await sandbox?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** PagerDuty holds each of the next `count` Events API requests for `delayMs` (sends in flight). */
async function holdEvents(count: number, delayMs: number): Promise<void> {
  const res = await fetch(`${sandbox.pagerdutyUrl.US}/sandbox/faults`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Token token=${sandbox.pagerdutyToken}` },
    body: JSON.stringify({ count, delayMs, path: "events" }),
  });
  expect(res.status).toBe(201);
}

const start = async (setup: RelaySetup, name: string, o: { port?: number; store?: string; onLog?: (l: RelayLogLine) => void } = {}) => {
  const p = spawnRelay({ setup, store: o.store ?? "sqlite", name, port: o.port, logLevel: "debug", onLog: o.onLog, readyTimeoutMs: 45_000 });
  void p.then((r) => running.push(r)).catch(() => undefined);
  return p;
};

const sends = (setup: RelaySetup, id: string) => eventsFor(sandbox, dedupKey(setup.projectId, id)).map((e) => e.event_action);

(TEST_STORE === "sqlite" ? describe : describe.skip)("two relay processes on one SQLite data dir", () => {
  it("the second waits for the lock for its bound, then exits non-zero naming the holder's pid; the holder's in-flight send is not repeated", async () => {
    const setup = await writeRelaySetup(dir, sandbox, { routes: 1, eventsPerMinute: 6000, burst: 100, drainSeconds: 1, prefix: "lock-" });
    const logs: RelayLogLine[] = [];
    const first = await start(setup, "first");
    const route = setup.routes[0];
    // The first process's send is held by PagerDuty while the second one starts on the same data dir.
    await holdEvents(1, 4_000);
    const id = "10c0".padEnd(24, "0");
    expect(await postAtlasWebhook(`${first.url}/atlas/${route.id}`, "alert.open", atlasAlert(setup.projectId, id, "OPEN"), route.secret)).toBe(200);
    const started = Date.now();
    const second = await start(setup, "second", { onLog: (l) => logs.push(l) })
      .then(() => "started")
      .catch((e: Error) => e.message);
    // It waited its bound (drain 1 s + 5 s), said whom it waited for, and exited 1 without listening.
    expect(Date.now() - started).toBeGreaterThanOrEqual(5_500);
    expect(second).toMatch(/second exited \(1\)/);
    expect(second).toContain(`pid ${first.child.pid}`);
    expect(second).toMatch(/One relay process per SQLite data dir/);
    expect(logs.find((l) => l.msg.includes("data dir is locked by another relay"))).toMatchObject({ holder: { pid: first.child.pid } });
    expect(logs.some((l) => l.msg === "relay listening" || l.msg === "send start")).toBe(false);
    await waitUntil("the held trigger", async () => sends(setup, id).length === 1, 10_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(sends(setup, id)).toEqual(["trigger"]);
    expect(first.alive()).toBe(true);
  });
});

(TEST_STORE === "sqlite" ? describe : describe.skip)("a start that cannot listen", () => {
  it("claims nothing: the worker starts only once the relay listens", async () => {
    const setup = await writeRelaySetup(dir, sandbox, { routes: 1, eventsPerMinute: 6000, burst: 100, prefix: "listen-" });
    const id = "30c0".padEnd(24, "0");
    // An accepted alert waits in the data dir's outbox (the relay was stopped before sending it).
    const dataDir = JSON.parse(fs.readFileSync(setup.file, "utf8")).dataDir;
    const seeded = await openSqliteStore(dataDir, { waitMs: 0, log: pino({ level: "silent" }) });
    await seeded.observeAlert(observation(id, { routeId: setup.routes[0].id, projectId: setup.projectId }), Date.now());
    await seeded.close();
    // The port is taken: the start fails with EADDRINUSE.
    const squatter = net.createServer().listen(0, "127.0.0.1");
    await new Promise((r) => squatter.once("listening", r));
    const port = (squatter.address() as net.AddressInfo).port;
    try {
      const failed = await start(setup, "squatted", { port }).then(
        () => "started",
        (e: Error) => e.message,
      );
      expect(failed).toMatch(/squatted exited \(1\).*EADDRINUSE/s);
    } finally {
      await new Promise((r) => squatter.close(r));
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(sends(setup, id)).toEqual([]);
    const store = await openSqliteStore(dataDir, { waitMs: 0, log: pino({ level: "silent" }) });
    try {
      expect((await store.outbox.list({ states: ["pending"], limit: 10 })).map((j) => j.attempts)).toEqual([0]);
    } finally {
      await store.close();
    }
    await start(setup, "after", { port });
    await waitUntil("the trigger", async () => sends(setup, id).length === 1);
  });
});

describe("a rolling restart", () => {
  it("the new process, started while the old one drains, takes over without a double send: every alert one trigger and one resolve", async () => {
    const setup = await writeRelaySetup(dir, sandbox, { routes: 2, eventsPerMinute: 6000, burst: 100, drainSeconds: 5, prefix: "roll-" });
    const store = (await testStoreUrl()) ?? "sqlite";
    const port = await freePort();
    const old = await start(setup, "old", { port, store });
    const url = `http://127.0.0.1:${port}`;
    const ids = Array.from({ length: 20 }, (_, i) => `20c0${i.toString(16).padStart(20, "0")}`);
    const routeOf = (i: number) => setup.routes[i % setup.routes.length];
    // Sends in flight when the restart begins: PagerDuty holds the first few for 1.5 s each.
    await holdEvents(4, 1_500);
    for (const [i, id] of ids.entries())
      expect(await postAtlasWebhook(`${url}/atlas/${routeOf(i).id}`, "alert.open", atlasAlert(setup.projectId, id, "OPEN"), routeOf(i).secret)).toBe(200);
    const newLogs: RelayLogLine[] = [];
    // On SQLite the new process takes over the same port once the old one let go; replicas on PostgreSQL overlap on two ports.
    const next = start(setup, "new", { port: store === "sqlite" ? port : undefined, store, onLog: (l) => newLogs.push(l) });
    if (store === "sqlite") await waitUntil("the new process to wait for the lock", async () => newLogs.some((l) => l.msg.includes("data dir is locked")));
    old.child.kill("SIGTERM");
    const replacement = await next;
    await old.exited;
    expect(old.child.exitCode).toBe(0);
    if (store === "sqlite") expect(newLogs.find((l) => l.msg.includes("data dir is locked"))).toMatchObject({ holder: { pid: old.child.pid } });
    const closed = new Date(Date.now() + 1_000);
    for (const [i, id] of ids.entries()) {
      const status = await postAtlasWebhook(
        `${replacement.url}/atlas/${routeOf(i).id}`,
        "alert.close",
        atlasAlert(setup.projectId, id, "CLOSED", closed),
        routeOf(i).secret,
      );
      expect(status).toBe(200);
    }
    await waitUntil("every alert resolved", async () => ids.every((id) => sends(setup, id).includes("resolve")), 30_000);
    await new Promise((r) => setTimeout(r, 1_000));
    for (const id of ids) expect([id, sends(setup, id)]).toEqual([id, ["trigger", "resolve"]]);
  });
});
