import pino from "pino";
import { parseConfig } from "../../relay/config";
import { startRelay, type Relay } from "../../relay/main";
import { startPostgres, type PostgresServer } from "../support/postgres";
import { alertBody, dedupKey, eventsFor, FAST_TUNING, postAtlas, startWorld, waitUntil, type RelayWorld } from "../support/relay";

// Real PostgreSQL on a shared, loaded machine: generous per-test time.
jest.setTimeout(60_000);

// The relay itself (relay/main.ts) on the PostgreSQL store: two replicas in one database, and the
// database going away under it.
let pg: PostgresServer;
let w: RelayWorld | undefined;
let b: Relay | undefined;

beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);

afterEach(async () => {
  await b?.close().catch(() => undefined);
  b = undefined;
  await w?.close();
  w = undefined;
});

afterAll(async () => {
  await pg?.destroy();
});

describe("the relay on PostgreSQL", () => {
  it("two replicas on one database: the open reaches one, the close the other: one trigger, then one resolve", async () => {
    const storeUrl = await pg.database("two_relays");
    w = await startWorld({ start: { storeUrl } });
    const config = parseConfig(w.rawConfig, { env: w.env });
    b = await startRelay(config, { storeUrl, logger: pino({ level: "silent" }), tuning: FAST_TUNING });
    expect(b.store.kind).toBe("postgres");
    const body = alertBody(w.projectId);
    const updated = new Date(Date.parse(String(body.updated)) + 60_000).toISOString();
    // The close first, on replica B, then the open on replica A: still nothing before the trigger.
    const [close, open] = await Promise.all([
      postAtlas(`${b.url}/atlas/orders`, "alert.close", { ...body, status: "CLOSED", updated }, w.secret),
      postAtlas(`${w.relay.url}/atlas/orders`, "alert.open", body, w.secret),
    ]);
    expect(close.status).toBeLessThan(300);
    expect(open.status).toBeLessThan(300);
    const key = dedupKey(w.projectId, String(body.id));
    // An alert first seen closed pages no one; first seen open then closed: trigger, resolve.
    await new Promise((r) => setTimeout(r, 1_500));
    const actions = eventsFor(w.sandbox, key).map((e) => e.event_action);
    expect([[], ["trigger", "resolve"]]).toContainEqual(actions);

    const second = alertBody(w.projectId);
    expect((await postAtlas(`${w.relay.url}/atlas/orders`, "alert.open", second, w.secret)).status).toBeLessThan(300);
    const k2 = dedupKey(w.projectId, String(second.id));
    await waitUntil("the trigger", async () => eventsFor(w!.sandbox, k2).length === 1, 15_000);
    const closed = { ...second, status: "CLOSED", updated: new Date(Date.parse(String(second.updated)) + 60_000).toISOString() };
    expect((await postAtlas(`${b.url}/atlas/orders`, "alert.close", closed, w.secret)).status).toBeLessThan(300);
    await waitUntil("the resolve", async () => eventsFor(w!.sandbox, k2).length === 2, 15_000);
    expect(eventsFor(w.sandbox, k2).map((e) => e.event_action)).toEqual(["trigger", "resolve"]);
  }, 60_000);

  it("PostgreSQL down: intake answers 503 and stores nothing; back up, the relay reconnects and delivers", async () => {
    const storeUrl = await pg.database("restart");
    w = await startWorld({ start: { storeUrl } });
    const url = `${w.relay.url}/atlas/orders`;
    await pg.stop("fast");
    try {
      const refused = await postAtlas(url, "alert.open", alertBody(w.projectId), w.secret);
      expect(refused.status).toBe(503);
      expect(refused.body.error).toBe("store_unavailable");
    } finally {
      await pg.start();
    }
    const body = alertBody(w.projectId);
    const accepted = await waitUntil(
      "intake accepting again",
      async () => {
        const r = await postAtlas(url, "alert.open", body, w!.secret);
        return r.status < 300 ? r : undefined;
      },
      30_000,
    );
    expect(accepted.status).toBeLessThan(300);
    await waitUntil("delivered after the restart", async () => eventsFor(w!.sandbox, dedupKey(w!.projectId, String(body.id))).length === 1, 30_000);
  }, 90_000);
});
