import { startSandbox, type Sandbox } from "../../sandbox";
import { FAST_RETRY } from "../support/harness";
import { ConformanceRecorder } from "../support/openapi";
import { PluginHost, pluginUrn, secretValue } from "../support/plugin-host";
import { atlas, makeService, newProjectId } from "../support/sandbox-client";

// The provider plugin over gRPC, as the engine drives it. The lifecycle itself
// (proof, clean-up, adoption, drift...) is the dynamic provider's, tested
// through the dynamic-provider host in the other files of this folder; here,
// what the plugin's front door adds: configure from the package's stack config
// (secrets included, no environment), secrets in and out, detailed diffs, the
// schema, and read with the id alone (`pulumi import`).
jest.setTimeout(60_000);

let sb: Sandbox;
let recorder: ConformanceRecorder;
let host: PluginHost;
let service: { key: string };
const projectId = newProjectId();
const SIG = "4dabf18193072939515e22adb298388d";

/** The sandbox's provider settings under the plugin's namespace; credentials and tokens marked secret as `--secret` stack config arrives. */
function pluginConfig(sandbox: Sandbox): { config: Record<string, string>; secretKeys: string[] } {
  const config = Object.fromEntries(
    Object.entries({ ...sandbox.providerConfig(), ...FAST_RETRY }).map(([k, v]) => [k.replace(/^pdac:/, "pagerduty-as-code:"), v]),
  );
  return { config, secretKeys: Object.keys(config).filter((k) => /Secret|Token/.test(k)) };
}

beforeAll(async () => {
  recorder = new ConformanceRecorder();
  sb = await startSandbox({ projects: [projectId], observe: recorder.observe });
  service = await makeService(sb, "Database on-call");
  // No provider settings in the plugin's environment: configure is the only way in.
  const env = Object.fromEntries(Object.keys(sb.providerEnv()).map((k) => [k, ""]));
  host = await PluginHost.startPlugin(env);
  const { config, secretKeys } = pluginConfig(sb);
  expect((await host.configurePlugin(config, secretKeys)).acceptSecrets).toBe(true);
});

afterAll(async () => {
  await host?.stop();
  await sb?.close();
});

describe("the provider plugin over gRPC", () => {
  const INTEGRATION = pluginUrn("PagerDutyIntegration", "pd");
  let integration: { id: string; outs: Record<string, any> };

  it("serves the schema made from the registry: every resource, their secrets and import ids", async () => {
    const schema = await host.getSchema();
    expect(Object.keys(schema.resources).sort()).toEqual([
      "pagerduty-as-code:index:AlertNotification",
      "pagerduty-as-code:index:AlertRouting",
      "pagerduty-as-code:index:PagerDutyIntegration",
    ]);
    const note = schema.resources["pagerduty-as-code:index:AlertNotification"];
    expect(note.inputProperties.relaySecret).toMatchObject({ secret: true });
    expect(note.inputProperties.selector).toBeDefined();
    expect(note.description).not.toContain("pulumi import"); // not importable: it finds its configurations itself
    const pd = schema.resources["pagerduty-as-code:index:PagerDutyIntegration"];
    expect(pd.inputProperties.integrationKey).toMatchObject({ type: "string", secret: true });
    expect(pd.properties.retiredKeys).toMatchObject({ type: "array", secret: true });
    expect(pd.inputProperties.importId).toBeUndefined();
    expect(pd.description).toContain("pulumi import pagerduty-as-code:index:PagerDutyIntegration <name> <projectId>/PAGER_DUTY");
    expect(schema.resources["pagerduty-as-code:index:AlertRouting"].inputProperties.relaySecret).toMatchObject({ secret: true });
    expect(schema.config.variables.atlasClientSecret).toMatchObject({ secret: true });
  });

  it("check: failures name the property; a secret input comes back secret, its value checked", async () => {
    const bad = await host.check(INTEGRATION, {}, { projectId: "nope", integrationKey: secretValue("abc") });
    expect(bad.failures).toEqual(
      expect.arrayContaining([
        { property: "projectId", reason: expect.stringMatching(/24-character lowercase hexadecimal/) },
        { property: "integrationKey", reason: expect.stringMatching(/exactly 32 characters/) },
      ]),
    );
    const ok = await host.check(INTEGRATION, {}, { projectId, integrationKey: secretValue(service.key) });
    expect(ok.failures).toEqual([]);
    expect(ok.inputs.integrationKey).toEqual(secretValue(service.key));
    expect(ok.inputs).toMatchObject({ projectId, region: "US", instanceId: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it("create with settings from secret stack config only; the key and retired keys are secret outputs", async () => {
    const checked = await host.check(INTEGRATION, {}, { projectId, integrationKey: secretValue(service.key) });
    integration = await host.create(INTEGRATION, checked.inputs);
    expect(integration.id).toBe(`${projectId}/PAGER_DUTY`);
    expect(integration.outs.integrationKey).toEqual(secretValue(service.key));
    expect(integration.outs).toMatchObject({ keyLast4: service.key.slice(-4), keyConfirmed: true });
    const live = await atlas(sb, "GET", `/api/atlas/v2/groups/${projectId}/integrations/PAGER_DUTY`);
    expect(live.body.serviceKey).toMatch(new RegExp(`${service.key.slice(-4)}$`));
    expect(host.output).not.toContain(service.key);
  });

  it("messages name the settings under the plugin's namespace (pagerduty-as-code:), never the dynamic provider's", async () => {
    const other = newProjectId();
    await atlas(sb, "POST", "/sandbox/groups", { id: other });
    const unknownKey = "0123456789abcdef0123456789abcdef";
    const checked = await host.check(INTEGRATION, {}, { projectId: other, integrationKey: secretValue(unknownKey) });
    const message = await host.create(INTEGRATION, checked.inputs).then(
      () => "created",
      (err: Error) => err.message,
    );
    expect(message).toMatch(/does not belong to any Events API v2 integration/);
    expect(message).toContain("or unset pagerduty-as-code:pagerdutyToken to skip this confirmation");
    expect(message).not.toContain("pdac:");
  });

  it("diff names exactly the changed properties, a replacement as UPDATE_REPLACE", async () => {
    const olds = integration.outs;
    const same = await host.check(INTEGRATION, olds, { projectId, integrationKey: secretValue(service.key) });
    expect(await host.diff(INTEGRATION, integration.id, olds, same.inputs)).toMatchObject({ changes: "none", detailedDiff: {} });
    const eu = await host.check(INTEGRATION, olds, { projectId, integrationKey: secretValue(service.key), region: "EU", initialAlert: { keepOpen: true } });
    expect(await host.diff(INTEGRATION, integration.id, olds, eu.inputs)).toEqual({
      changes: "some",
      replaces: [],
      deleteBeforeReplace: false,
      detailedDiff: { region: "UPDATE", initialAlert: "UPDATE" },
    });
    const other = newProjectId();
    const moved = await host.check(INTEGRATION, olds, { projectId: other, integrationKey: secretValue(service.key) });
    expect(await host.diff(INTEGRATION, integration.id, olds, moved.inputs)).toEqual({
      changes: "some",
      replaces: ["projectId"],
      deleteBeforeReplace: true,
      detailedDiff: { projectId: "UPDATE_REPLACE" },
    });
  });

  it("a routing: create, a severity change diffs as severity alone and updates, read with the id alone gives importable inputs, delete", async () => {
    const urn = pluginUrn("AlertRouting", "no-primary");
    const news = { projectId, integrationInstanceId: integration.outs.instanceId, region: "US", eventTypeName: "NO_PRIMARY", severity: "critical" };
    const checked = await host.check(urn, {}, news);
    expect(checked.failures).toEqual([]);
    const created = await host.create(urn, checked.inputs);
    expect(created.outs).toMatchObject({ severity: "CRITICAL", alertConfigId: expect.stringMatching(/^[0-9a-f]{24}$/) });

    const changed = await host.check(urn, checked.inputs, { ...news, severity: "WARNING" });
    expect(await host.diff(urn, created.id, created.outs, changed.inputs)).toMatchObject({
      changes: "some",
      replaces: [],
      detailedDiff: { severity: "UPDATE" },
    });
    const updated = await host.update(urn, created.id, created.outs, changed.inputs);
    expect(updated).toMatchObject({ severity: "WARNING", alertConfigId: created.outs.alertConfigId });

    // `pulumi import <type> <name> <id>`: read with the id alone, no state.
    const read = await host.read(urn, created.id, {});
    expect(read.id).toBe(created.id);
    expect(read.inputs).toMatchObject({ projectId, eventTypeName: "NO_PRIMARY", severity: "WARNING", delivery: "native", region: "US" });

    await host.delete(urn, created.id, updated);
    expect((await atlas(sb, "GET", `/api/atlas/v2/groups/${projectId}/alertConfigs/${created.outs.alertConfigId}`)).status).toBe(404);
  });

  it("a relay routing's secret arrives unwrapped and goes back secret", async () => {
    const urn = pluginUrn("AlertRouting", "relayed");
    const secret = "relay-secret-0123456789";
    const checked = await host.check(
      urn,
      {},
      {
        projectId,
        eventTypeName: "NO_PRIMARY",
        delivery: "relay",
        relayUrl: "http://127.0.0.1:9/atlas/hook",
        relaySecret: secretValue(secret),
      },
    );
    expect(checked.failures).toEqual([]);
    expect(checked.inputs.relaySecret).toEqual(secretValue(secret));
    const created = await host.create(urn, checked.inputs);
    expect(created.outs.relaySecret).toEqual(secretValue(secret));
    expect(created.outs.relayUrl).toBe("http://127.0.0.1:9/atlas/hook");
    const stored = await atlas(sb, "GET", `/api/atlas/v2/groups/${projectId}/alertConfigs/${created.outs.alertConfigId}`);
    expect(stored.body.notifications[0].typeName).toBe("WEBHOOK");
    await host.delete(urn, created.id, created.outs);
    expect(host.output).not.toContain(secret);
  });

  it("an AlertNotification on the project's defaults: create, a delay change diffs as delayMin alone, import refused with the reason, delete restores each", async () => {
    const urn = pluginUrn("AlertNotification", "defaults");
    const base = `/api/atlas/v2/groups/${projectId}/alertConfigs`;
    const before = (await atlas(sb, "GET", base)).body.results;
    const news = { projectId, integrationInstanceId: integration.outs.instanceId, region: "US", selector: { defaults: true } };
    const checked = await host.check(urn, {}, news);
    expect(checked.failures).toEqual([]);
    const created = await host.create(urn, checked.inputs);
    expect(created.outs.attachments).toHaveLength(before.length);
    const changed = await host.check(urn, checked.inputs, { ...news, delayMin: 5 });
    expect(await host.diff(urn, created.id, created.outs, changed.inputs)).toMatchObject({
      changes: "some",
      replaces: [],
      detailedDiff: { delayMin: "UPDATE" },
    });
    const updated = await host.update(urn, created.id, created.outs, changed.inputs);
    expect(updated.attachments.every((a: any) => a.delayMin === 5)).toBe(true);
    await expect(host.read(urn, created.id, {})).rejects.toThrow(/an AlertNotification cannot be imported: declare it in the program/);
    await host.delete(urn, created.id, updated);
    expect((await atlas(sb, "GET", base)).body.results.map(({ updated: _u, ...c }: any) => c)).toEqual(before.map(({ updated: _u, ...c }: any) => c));
  });

  it("read of the integration with the id alone (`pulumi import`): live inputs, nothing written", async () => {
    const before = recorder.exchanges.length;
    const read = await host.read(INTEGRATION, integration.id, {});
    expect(read.id).toBe(integration.id);
    expect(read.inputs).toMatchObject({ projectId, region: "US" });
    // The project API never returns the key: only its last 4 characters, as a secret.
    expect(read.inputs!.integrationKey[SIG]).toBeDefined();
    expect(read.inputs!.integrationKey.value).toMatch(new RegExp(`^\\*+${service.key.slice(-4)}$`));
    expect(recorder.exchanges.slice(before).filter((e) => e.method !== "GET")).toEqual([]);
  });

  it("delete removes the integration", async () => {
    await host.delete(INTEGRATION, integration.id, integration.outs);
    expect((await atlas(sb, "GET", `/api/atlas/v2/groups/${projectId}/integrations/PAGER_DUTY`)).status).toBe(404);
  });

  it("check config: a bad setting is refused with its name and the fix; a type the plugin does not serve is an error", async () => {
    expect(await host.checkConfig({ httpTimeoutMs: "0" })).toEqual([
      { property: "httpTimeoutMs", reason: expect.stringMatching(/^pagerduty-as-code:httpTimeoutMs \(or PDAC_HTTP_TIMEOUT_MS\) is "0"/) },
    ]);
    expect(await host.checkConfig({ httpTimeoutMs: "2000" })).toEqual([]);
    await expect(host.check("urn:pulumi:test::pdac-test::pagerduty-as-code:index:Nope::x", {}, {})).rejects.toThrow(
      /no resource type "pagerduty-as-code:index:Nope"/,
    );
    expect(recorder.errors()).toEqual([]);
  });
});
