import pino from "pino";
import type { Alert, AlertConfig, Integration } from "../../clients/atlas/types";
import type { RouteConfig } from "../config";
import { createMetrics } from "../metrics";
import { SqliteRelayStore } from "../store/sqlite";
import { observation } from "../../test/support/relay-store";
import { type AlertReader, reconcileRoute, type ReconcileDeps } from "./reconciler";

const P = "a".repeat(24);
const route: RouteConfig = {
  id: "orders",
  projectId: P,
  routingKey: "k".repeat(32),
  region: "US",
  webhookSecrets: ["s".repeat(16)],
  defaultSeverity: "error",
  alertConfigIds: [],
};
const NOW = Date.parse("2026-06-01T12:00:00Z");
const minutesAgo = (m: number) => new Date(NOW - m * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
const hook = (url = "https://relay.example.com/****ders", delayMin = 0) => ({ typeName: "WEBHOOK", webhookUrl: url, delayMin });
const cfgId = (n: number) => n.toString(16).padStart(24, "c");
const alertId = (n: number) => n.toString(16).padStart(24, "0");

/** The project API as the reconciler reads it: configurations, integrations and alerts held in maps. */
class FakeAtlas implements AlertReader {
  configs = new Map<string, AlertConfig | Error>();
  integrations: Integration[] = [];
  alerts = new Map<string, Alert>();
  reads: string[] = [];
  async getAlertConfig(_g: string, id: string) {
    const c = this.configs.get(id);
    if (c instanceof Error) throw c;
    return c;
  }
  async listIntegrations() {
    return this.integrations;
  }
  async listAlerts(_g: string, status?: string) {
    return [...this.alerts.values()].filter((a) => !status || a.status === status);
  }
  async getAlert(_g: string, id: string) {
    this.reads.push(id);
    return this.alerts.get(id);
  }
  config(n: number, notifications: unknown[], over: Partial<AlertConfig> = {}) {
    this.configs.set(cfgId(n), { id: cfgId(n), groupId: P, eventTypeName: "NO_PRIMARY", enabled: true, notifications, ...over } as AlertConfig);
  }
  open(n: number, config: number, createdMinutesAgo = 10) {
    this.alerts.set(alertId(n), {
      id: alertId(n),
      groupId: P,
      alertConfigId: cfgId(config),
      eventTypeName: "NO_PRIMARY",
      status: "OPEN",
      created: minutesAgo(createdMinutesAgo),
      updated: minutesAgo(createdMinutesAgo),
    } as Alert);
  }
}

let store: SqliteRelayStore;
let atlas: FakeAtlas;
let warnings: string[];
const deps = (over: Partial<ReconcileDeps> = {}): ReconcileDeps => ({
  store,
  atlas,
  metrics: createMetrics(store),
  log: Object.assign(pino({ level: "silent" }), { warn: (_o: unknown, msg: string) => warnings.push(msg) }) as unknown as pino.Logger,
  onChanged: () => undefined,
  now: () => NOW,
  ...over,
});
const served = (n: number) => store.observeAlert(observation(`seed-${n}`, { alertConfigId: cfgId(n), status: "CLOSED", projectId: P }), NOW);
const triggered = async (n: number) => (await store.getAlert("orders", alertId(n)))?.alertId === alertId(n);

beforeEach(() => {
  store = new SqliteRelayStore({});
  atlas = new FakeAtlas();
  warnings = [];
});
afterEach(() => store.close());

describe("the reconciler's scope: configurations that route to this relay now, read live", () => {
  it.each<[string, boolean, unknown[], Partial<AlertConfig>]>([
    ["a WEBHOOK to this route (redacted as the project API shows it)", true, [hook()], {}],
    ["a WEBHOOK to this route among other notifications", true, [{ typeName: "EMAIL", emailAddress: "x@example.com", delayMin: 0 }, hook()], {}],
    ["switched to native delivery (PAGER_DUTY only)", false, [{ typeName: "PAGER_DUTY", serviceKey: "****abcd", delayMin: 0 }], {}],
    ["a WEBHOOK to another route", false, [hook("https://relay.example.com/****ling")], {}],
    ["a WEBHOOK to another host (publicUrl known)", false, [hook("https://other.example.com/****ders")], {}],
    ["disabled", false, [hook()], { enabled: false }],
  ])("a missed open of a configuration the route received webhooks for, now %s: triggered %s", async (_n, want, notifications, over) => {
    atlas.config(1, notifications, over);
    await served(1);
    atlas.open(1, 1);
    expect(await reconcileRoute(deps({ publicUrl: "https://relay.example.com" }), route)).toBe(want ? 1 : 0);
    expect(await triggered(1)).toBe(want);
  });

  it("never looks at configurations the route does not know (the project's others would page twice)", async () => {
    atlas.config(1, [hook()]);
    atlas.open(1, 1);
    expect(await reconcileRoute(deps(), route)).toBe(0);
  });

  it("watches its alertConfigIds (and, later, registered configurations) without a webhook received", async () => {
    atlas.config(1, [hook()]);
    atlas.config(2, [hook()]);
    atlas.open(1, 1);
    atlas.open(2, 2);
    expect(await reconcileRoute(deps({ registeredConfigs: async () => [cfgId(2)] }), { ...route, alertConfigIds: [cfgId(1)] })).toBe(2);
  });

  it("a deleted configuration, or one it cannot read, is left out (never paged for unconfirmed)", async () => {
    await served(1);
    await served(2);
    atlas.configs.set(cfgId(2), new Error("503"));
    atlas.open(1, 1);
    atlas.open(2, 2);
    expect(await reconcileRoute(deps(), route)).toBe(0);
    expect(warnings).toEqual([expect.stringMatching(/reading the alert configuration failed/)]);
  });

  it("follows a WEBHOOK notification through the integration it names, or the project's WEBHOOK integration", async () => {
    atlas.integrations = [{ id: "i1", type: "WEBHOOK", url: "https://relay.example.com/****ders" }];
    atlas.config(1, [{ typeName: "WEBHOOK", integrationId: "i1", delayMin: 0 }]);
    atlas.config(2, [{ typeName: "WEBHOOK", delayMin: 0 }]);
    await served(1);
    await served(2);
    atlas.open(1, 1);
    atlas.open(2, 2);
    expect(await reconcileRoute(deps(), route)).toBe(2);
  });

  it("tells the caller what it read (the severity cache)", async () => {
    atlas.config(1, [hook()], { severityOverride: "CRITICAL" });
    await served(1);
    const read: unknown[] = [];
    await reconcileRoute(deps({ onConfigRead: (p, id, cfg) => read.push([p, id, cfg?.severityOverride]) }), route);
    expect(read).toEqual([[P, cfgId(1), "CRITICAL"]]);
  });
});

describe("the webhook's delayMin", () => {
  it.each([
    [4, false],
    [5, true],
    [6, true],
  ])("an alert open %i minutes, webhook at 5 minutes (email at 0): triggered %s", async (open, want) => {
    atlas.config(1, [{ typeName: "EMAIL", emailAddress: "x@example.com", delayMin: 0 }, hook(undefined, 5)]);
    await served(1);
    atlas.open(1, 1, open);
    await reconcileRoute(deps(), route);
    expect(await triggered(1)).toBe(want);
  });
});

describe("alerts the project no longer lists as open", () => {
  it("are read a bounded number per pass, going on where the last pass stopped, so every one is read", async () => {
    for (let i = 0; i < 12; i++) {
      await store.observeAlert(observation(alertId(i), { projectId: P }), NOW);
      await store.markSent({ routeId: "orders", alertId: alertId(i), action: "trigger", at: NOW }, "triggered");
    }
    const d = deps({ maxReadsPerPass: 5 });
    const passes: string[][] = [];
    for (let pass = 0; pass < 4; pass++) {
      atlas.reads = [];
      await reconcileRoute(d, route);
      passes.push(atlas.reads);
    }
    // 12 alerts, 5 reads a pass: round and round, none left out.
    expect(passes).toEqual([[0, 1, 2, 3, 4].map(alertId), [5, 6, 7, 8, 9].map(alertId), [10, 11, 0, 1, 2].map(alertId), [3, 4, 5, 6, 7].map(alertId)]);
    // Absent in the project: never resolved on absence alone.
    expect((await store.listActiveAlerts("orders", { limit: 100 })).length).toBe(12);
  });

  it("resolves one the read says closed, whatever its configuration's scope", async () => {
    await store.observeAlert(observation(alertId(1), { projectId: P, alertConfigId: cfgId(9) }), NOW);
    await store.markSent({ routeId: "orders", alertId: alertId(1), action: "trigger", at: NOW }, "triggered");
    atlas.alerts.set(alertId(1), { id: alertId(1), groupId: P, status: "CLOSED", updated: minutesAgo(0), eventTypeName: "NO_PRIMARY" } as Alert);
    expect(await reconcileRoute(deps(), route)).toBe(1);
    expect((await store.getAlert("orders", alertId(1)))?.status).toBe("CLOSED");
  });
});
