import * as pulumi from "@pulumi/pulumi";

// The SDK classes as a program sees them, under Pulumi's mocks: type tokens,
// what they send as inputs, which outputs are secret. (Mocks never call the
// provider; the provider itself is tested through the real host.)
const created: Array<{ type: string; name: string; inputs: any }> = [];

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        created.push({ type: args.type, name: args.name, inputs: args.inputs });
        const outputs: Record<string, unknown> = { ...args.inputs };
        if (args.type.endsWith(":PagerDutyIntegration"))
          Object.assign(outputs, {
            integrationId: "6a1e2d3c4b5a69788796a5b4",
            instanceId: "0f1e2d3c4b5a6978",
            keyLast4: "8f90",
            region: args.inputs.region ?? "US",
          });
        if (args.type.endsWith(":AlertRouting")) Object.assign(outputs, { alertConfigId: "7a1e2d3c4b5a69788796a5b4" });
        return { id: `${args.name}-id`, state: outputs };
      },
      call: () => ({}),
    },
    "pdac-test",
    "test",
    false,
  );
});

function value<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

const KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const PROJECT = "5f1e2d3c4b5a69788796a5b4";

describe("SDK resources under mocks", () => {
  it("PagerDutyIntegration: own type token, key sent as a secret input, secret output", async () => {
    const { PagerDutyIntegration } = await import("./index");
    const integration = new PagerDutyIntegration("pd", { projectId: PROJECT, integrationKey: KEY, region: "EU" });
    expect(await value(integration.integrationId)).toBe("6a1e2d3c4b5a69788796a5b4");
    expect(await pulumi.isSecret(integration.integrationKey)).toBe(true);
    expect(await pulumi.isSecret(integration.keyLast4)).toBe(false);
    const rec = created.find((c) => c.name === "pd")!;
    expect(rec.type).toBe(PagerDutyIntegration.typeToken);
    expect(rec.type).toBe("pulumi-nodejs:dynamic/pdac:PagerDutyIntegration");
    // The key reaches the engine wrapped as a secret (Pulumi's secret signature).
    expect(rec.inputs).toMatchObject({
      projectId: PROJECT,
      region: "EU",
      integrationKey: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: KEY },
    });
    expect(typeof rec.inputs.__provider).toBe("string");
    expect(rec.inputs.__provider).not.toContain(KEY);
  });

  it("AlertRouting: takes the project, instance id and region from the integration, never its integrationId (unknown at preview)", async () => {
    const { AlertRouting, PagerDutyIntegration } = await import("./index");
    const integration = new PagerDutyIntegration("pd2", { projectId: PROJECT, integrationKey: KEY });
    const routing = new AlertRouting("no-primary", { integration, eventTypeName: "NO_PRIMARY", severity: "critical", relaySecret: undefined });
    expect(await value(routing.alertConfigId)).toBe("7a1e2d3c4b5a69788796a5b4");
    const rec = created.find((c) => c.name === "no-primary")!;
    expect(rec.type).toBe("pulumi-nodejs:dynamic/pdac:AlertRouting");
    expect(rec.inputs).toMatchObject({
      projectId: PROJECT,
      integrationInstanceId: "0f1e2d3c4b5a6978",
      region: "US",
      eventTypeName: "NO_PRIMARY",
      severity: "critical",
    });
    expect(rec.inputs.integrationId).toBeUndefined();
  });

  it("AlertRouting: the relay secret is a secret output", async () => {
    const { AlertRouting, PagerDutyIntegration } = await import("./index");
    const integration = new PagerDutyIntegration("pd3", { projectId: PROJECT, integrationKey: KEY });
    const routing = new AlertRouting("relayed", {
      integration,
      eventTypeName: "NO_PRIMARY",
      delivery: "relay",
      relayUrl: "https://relay.example.com/hook",
      relaySecret: "0123456789abcdef",
    });
    expect(await pulumi.isSecret((routing as any).relaySecret)).toBe(true);
  });

  it("AlertNotification: own type token, the integration's project, instance id and region, a selection, the relay secret as a secret", async () => {
    const { AlertNotification, PagerDutyIntegration } = await import("./index");
    const integration = new PagerDutyIntegration("pd4", { projectId: PROJECT, integrationKey: KEY, region: "EU" });
    const note = new AlertNotification("defaults", { integration, selector: { defaults: true }, delayMin: 5 });
    expect(await value(note.projectId)).toBe(PROJECT);
    const rec = created.find((c) => c.name === "defaults")!;
    expect(rec.type).toBe(AlertNotification.typeToken);
    expect(rec.type).toBe("pulumi-nodejs:dynamic/pdac:AlertNotification");
    expect(rec.inputs).toMatchObject({
      projectId: PROJECT,
      integrationInstanceId: "0f1e2d3c4b5a6978",
      region: "EU",
      selector: { defaults: true },
      delayMin: 5,
    });
    expect(rec.inputs.__provider).toContain('.provider("AlertNotification")');
    const relayed = new AlertNotification("relayed-note", {
      projectId: PROJECT,
      alertConfigIds: ["7a1e2d3c4b5a69788796a5b4"],
      delivery: "relay",
      relayUrl: "https://relay.example.com/atlas/r",
      relaySecret: "0123456789abcdef",
    });
    expect(await pulumi.isSecret((relayed as any).relaySecret)).toBe(true);
    expect(() => new AlertNotification("nowhere", { selector: { all: true } })).toThrow(/give integration .* or projectId/);
  });

  it("AlertRoutingSet: each project its own integration, routings and notifications, named by project key, children of the set", async () => {
    const { AlertRoutingSet } = await import("./index");
    const projects = { orders: "5f1e2d3c4b5a69788796a5b1", billing: "5f1e2d3c4b5a69788796a5b2" };
    const set = new AlertRoutingSet("prod", {
      projects: Object.fromEntries(Object.entries(projects).map(([k, projectId]) => [k, { projectId, integrationKey: KEY }])),
      routings: { "no-primary": { eventTypeName: "NO_PRIMARY", severity: "CRITICAL" } },
      notifications: { defaults: { selector: { defaults: true } } },
    });
    expect(await value(set.notifications.billing.defaults.projectId)).toBe(projects.billing);
    for (const [k, projectId] of Object.entries(projects)) {
      expect(created.find((c) => c.name === `prod-${k}`)).toMatchObject({ type: "pulumi-nodejs:dynamic/pdac:PagerDutyIntegration", inputs: { projectId } });
      expect(created.find((c) => c.name === `prod-${k}-no-primary`)).toMatchObject({
        type: "pulumi-nodejs:dynamic/pdac:AlertRouting",
        inputs: { projectId, eventTypeName: "NO_PRIMARY" },
      });
      expect(created.find((c) => c.name === `prod-${k}-defaults`)).toMatchObject({
        type: "pulumi-nodejs:dynamic/pdac:AlertNotification",
        inputs: { projectId, selector: { defaults: true } },
      });
    }
    expect(() => new AlertRoutingSet("bad", { projects: { "a b": { projectId: PROJECT, integrationKey: KEY } } })).toThrow(/"a b" cannot name resources/);
  });
});
