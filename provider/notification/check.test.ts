import { readProviderConfig } from "../config";
import { UNKNOWN } from "../inputs";
import { checkNotification } from "./check";

const PROJECT = "5f1e2d3c4b5a69788796a5b4";
const CONFIG_ID = "7a1e2d3c4b5a69788796a5b4";
const configured = readProviderConfig(
  { get: (k: string) => (({ "pdac:atlasClientId": "id", "pdac:atlasClientSecret": "secret" }) as Record<string, string>)[k] },
  {},
);
const native = { projectId: PROJECT, integrationInstanceId: "0f1e2d3c4b5a6978", region: "US", selector: { defaults: true } };
const relay = {
  projectId: PROJECT,
  delivery: "relay",
  relayUrl: "https://relay.example.com/atlas/orders",
  relaySecret: "s".repeat(16),
  alertConfigIds: [CONFIG_ID],
};

describe("checkNotification", () => {
  it("applies AlertRouting's defaults to the delivery fields", () => {
    expect(checkNotification(native, configured)).toEqual({ inputs: { ...native, delayMin: 0, delivery: "native" } });
    expect(checkNotification(relay, configured)).toEqual({ inputs: { ...relay, region: "US", delayMin: 0 } });
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ["no selection", { ...native, selector: undefined }, "selector", /alertConfigIds or selector is required/],
    ["both selections", { ...native, alertConfigIds: [CONFIG_ID] }, "selector", /not both/],
    ["an empty selector", { ...native, selector: {} }, "selector", /selects nothing/],
    ["all with another criterion", { ...native, selector: { all: true, defaults: true } }, "selector.all", /already selects every configuration/],
    ["an unknown selector key", { ...native, selector: { default: true } }, "selector.default", /unknown property selector.default/],
    ["a near miss of an event type", { ...native, selector: { eventTypeNames: ["NO_PRIMRY"] } }, "selector.eventTypeNames[0]", /did you mean NO_PRIMARY\?/],
    ["no event type", { ...native, selector: { eventTypeNames: [] } }, "selector.eventTypeNames", /at least one event type/],
    ["defaults not a boolean", { ...native, selector: { defaults: "yes" } }, "selector.defaults", /true or false/],
    ["a bad configuration id", { ...relay, alertConfigIds: ["abc"] }, "alertConfigIds[0]", /24 lowercase hexadecimal/],
    ["an id twice", { ...relay, alertConfigIds: [CONFIG_ID, CONFIG_ID] }, "alertConfigIds", /twice/],
    ["no ids", { ...relay, alertConfigIds: [] }, "alertConfigIds", /at least one/],
    ["a bad project", { ...native, projectId: "p" }, "projectId", /24-character lowercase hexadecimal/],
    // The delivery fields are AlertRouting's rules, reached through its check.
    ["native without an integration", { ...native, integrationInstanceId: undefined }, "integration", /pass the project's PagerDutyIntegration/],
    ["a negative delay", { ...native, delayMin: -1 }, "delayMin", /0 or more/],
    ["a delay past a day", { ...native, delayMin: 1441 }, "delayMin", /at most 1440/],
    ["relay over http", { ...relay, relayUrl: "http://relay.example.com/hook" }, "relayUrl", /must use https/],
    ["relay URL with a token", { ...relay, relayUrl: "https://relay.example.com/hook?token=x" }, "relayUrl", /query string/],
    ["a short relay secret", { ...relay, relaySecret: "short" }, "relaySecret", /at least 16/],
    ["relay without a secret", { ...relay, relaySecret: undefined }, "relaySecret", /needs relaySecret/],
    ["relay fields on native", { ...native, relayUrl: "https://relay.example.com/hook" }, "relayUrl", /only apply with delivery "relay"/],
    ["an unknown delivery", { ...native, delivery: "email" }, "delivery", /"native" .* or "relay"/],
    ["intervalMin", { ...native, intervalMin: 5 }, "intervalMin", /unknown property intervalMin/],
  ])("refuses %s", (_name, news, property, reason) => {
    const { failures } = checkNotification(news, configured);
    expect(failures).toEqual(expect.arrayContaining([expect.objectContaining({ property, reason: expect.stringMatching(reason) })]));
    for (const f of failures ?? []) expect(f.reason).not.toMatch(/AlertRouting/);
  });

  it.each<[string, Record<string, unknown>]>([
    ["event types with defaults", { ...native, selector: { eventTypeNames: ["NO_PRIMARY"], defaults: true } }],
    ["all", { ...native, selector: { all: true } }],
    ["relay on loopback http", { ...relay, relayUrl: "http://127.0.0.1:8480/atlas/r" }],
    ["a day of delay", { ...native, delayMin: 1440 }],
  ])("accepts %s", (_name, news) => {
    expect(checkNotification(news, configured).failures).toBeUndefined();
  });

  it("keeps unknown values (preview) and checks the rest", () => {
    const { inputs, failures } = checkNotification({ ...native, projectId: UNKNOWN, integrationInstanceId: UNKNOWN, selector: UNKNOWN }, configured);
    expect(failures).toBeUndefined();
    expect(inputs).toMatchObject({ projectId: UNKNOWN, integrationInstanceId: UNKNOWN, selector: UNKNOWN });
  });

  it("names missing credentials of the provider", () => {
    const unconfigured = readProviderConfig({ get: () => undefined }, {});
    expect(checkNotification(native, unconfigured).failures?.map((f) => f.property)).toEqual(expect.arrayContaining([expect.stringMatching(/pdac:/)]));
  });
});
