import pino from "pino";
import type { PdService, PdWebhookSubscription } from "../clients/pagerduty/rest";
import type { RouteConfig } from "./config";
import { SqliteRelayStore } from "./store/sqlite";
import { type SubscriptionRest, WebhookSubscriptions } from "./subscription";

const URL = "https://relay.example.com/pagerduty";
const key = (i: number) => i.toString(16).padStart(32, "k");
const route = (i: number, service: number): RouteConfig & { service: number } => ({
  id: `r${i}`,
  projectId: "a".repeat(24),
  routingKey: key(service),
  region: "US",
  webhookSecrets: [],
  defaultSeverity: "error",
  alertConfigIds: [],
  service,
});

/** PagerDuty's REST API for the set-up, counting calls; `failCreate` fails the creates of those services once. */
class FakeRest implements SubscriptionRest {
  calls = { listServices: 0, getIntegration: 0, listSubscriptions: 0, create: 0 };
  subs: PdWebhookSubscription[] = [];
  failCreate = new Set<string>();
  constructor(
    private readonly services: number,
    private readonly keysInList = true,
  ) {}
  async listServices(): Promise<PdService[]> {
    this.calls.listServices++;
    return Array.from({ length: this.services }, (_, s) => ({
      id: `S${s}`,
      integrations: [{ id: `I${s}`, type: "events_api_v2_inbound_integration", ...(this.keysInList ? { integration_key: key(s) } : {}) }],
    }));
  }
  async getIntegration(serviceId: string) {
    this.calls.getIntegration++;
    const s = Number(serviceId.slice(1));
    return { id: `I${s}`, type: "events_api_v2_inbound_integration", integration_key: key(s) };
  }
  async listWebhookSubscriptions() {
    this.calls.listSubscriptions++;
    return this.subs;
  }
  async createWebhookSubscription(input: { url: string; serviceId: string }) {
    this.calls.create++;
    if (this.failCreate.delete(input.serviceId)) throw new Error("PagerDuty answered 500");
    const sub = { id: `P${input.serviceId}`, delivery_method: { url: input.url, secret: `secret-of-${input.serviceId}` }, filter: { id: input.serviceId } };
    this.subs.push({ ...sub, delivery_method: { url: input.url, secret: null } });
    return sub;
  }
}

let store: SqliteRelayStore;
beforeEach(() => {
  store = new SqliteRelayStore({});
});
afterEach(() => store.close());

const until = async (what: () => boolean) => {
  const end = Date.now() + 5_000;
  while (!what()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
};

function setup(rest: FakeRest, routes: RouteConfig[]) {
  const secrets: string[] = [];
  const states: boolean[] = [];
  const subs = new WebhookSubscriptions({
    rest,
    store,
    routes,
    url: URL,
    log: pino({ level: "silent" }),
    onSecret: (s) => secrets.push(s),
    onState: (p) => states.push(p),
    retry: { baseMs: 20, maxMs: 20, jitter: 0 },
  });
  return { subs, secrets, states };
}

describe("PagerDuty webhook subscriptions", () => {
  it("1,000 routes over 10 services: the services and the subscriptions are listed once, one subscription made per service", async () => {
    const rest = new FakeRest(10);
    const { subs, secrets } = setup(
      rest,
      Array.from({ length: 1000 }, (_, i) => route(i, i % 10)),
    );
    subs.start();
    await until(() => !subs.pending);
    await subs.stop();
    expect(rest.calls).toEqual({ listServices: 1, getIntegration: 0, listSubscriptions: 1, create: 10 });
    expect(secrets).toHaveLength(10);
  });

  it("reads an integration only when the list lacks its key, and stops once every route's service is known", async () => {
    const rest = new FakeRest(50, false);
    const { subs } = setup(rest, [route(0, 0), route(1, 1)]);
    subs.start();
    await until(() => !subs.pending);
    await subs.stop();
    expect(rest.calls.getIntegration).toBe(2);
  });

  it("a secret is usable the moment its subscription exists: a failure further on leaves it in use, and the retry finishes the rest", async () => {
    const rest = new FakeRest(2);
    rest.failCreate.add("S1");
    const { subs, secrets, states } = setup(rest, [route(0, 0), route(1, 1)]);
    subs.start();
    await until(() => subs.lastError !== undefined);
    // The first service's secret was handed over before the second create failed.
    expect(secrets).toEqual(["secret-of-S0"]);
    expect(subs.pending).toBe(true);
    await until(() => !subs.pending);
    await subs.stop();
    expect(secrets).toEqual(["secret-of-S0", "secret-of-S1"]);
    // The first service is not subscribed twice.
    expect(rest.calls.create).toBe(3);
    expect(states).toEqual([true, false]);
    expect(await store.getSetting("pd-subscription-secret/PS0")).toBe("secret-of-S0");
  });

  it("adopts a subscription whose secret it kept; one whose secret it does not know is left (and said so)", async () => {
    const rest = new FakeRest(2);
    rest.subs = [
      { id: "PS0", delivery_method: { url: URL, secret: null }, filter: { id: "S0" } },
      { id: "PS1", delivery_method: { url: URL, secret: null }, filter: { id: "S1" } },
      { id: "OTHER", delivery_method: { url: "https://elsewhere/pagerduty", secret: null }, filter: { id: "S0" } },
    ];
    await store.setSetting("pd-subscription-secret/PS0", "kept-secret-0123456789");
    const { subs, secrets } = setup(rest, [route(0, 0), route(1, 1)]);
    subs.start();
    await until(() => !subs.pending);
    await subs.stop();
    expect(secrets).toEqual(["kept-secret-0123456789"]);
    expect(rest.calls.create).toBe(0);
  });
});
