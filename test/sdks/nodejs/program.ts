/**
 * A TypeScript program on the generated Node.js SDK (plugin-sdks/nodejs, the
 * package `@pagerduty-as-code/pulumi`: what a program on the dynamic classes
 * moves to), run under pulumi.runtime.setMocks. It asserts the resource types,
 * the inputs the engine would receive (names, defaults, nested types, one
 * resource's outputs as another's inputs) and the secret marking, and exits
 * non-zero on the first difference. test/sdks/nodejs.test.ts compiles the SDK
 * and this program outside the repository (strict TypeScript) and runs it.
 */
import * as assert from "node:assert/strict";
import * as pdac from "@pagerduty-as-code/pulumi";
import * as pulumi from "@pulumi/pulumi";

const PROJECT = "5f1e2d3c4b5a69788796a5b4";
const KEY = "0123456789abcdef0123456789abcdef";
const RELAY_SECRET = "relay-secret-at-least-32-characters-long";
/** A value as the engine receives a secret: wrapped with Pulumi's secret signature. */
const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

const created = new Map<string, pulumi.runtime.MockResourceArgs>();
pulumi.runtime.setMocks(
  {
    newResource(args) {
      created.set(args.name, args);
      const state: Record<string, unknown> = { ...args.inputs };
      if (args.type === "pagerduty-as-code:index:PagerDutyIntegration") Object.assign(state, { instanceId: "instance-1", integrationId: "integration-1" });
      else Object.assign(state, { alertConfigId: `config-${args.name}` });
      return { id: `${args.name}-id`, state };
    },
    call: () => ({}),
  },
  "project",
  "stack",
  false,
);

const resolved = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply(resolve));

async function main(): Promise<void> {
  const pd = new pdac.PagerDutyIntegration("pd", { projectId: PROJECT, integrationKey: KEY, initialAlert: { keepOpen: true } });
  const native = new pdac.AlertRouting("no-primary", {
    projectId: pd.projectId,
    integrationInstanceId: pd.instanceId,
    region: pd.region,
    eventTypeName: "NO_PRIMARY",
    severity: "CRITICAL",
  });
  const relayed = new pdac.AlertRouting("elections", {
    projectId: PROJECT,
    delivery: "relay",
    relayUrl: "https://relay.example.com/atlas/webhook",
    relaySecret: RELAY_SECRET,
    eventTypeName: "TOO_MANY_ELECTIONS",
    threshold: { operator: ">", threshold: 3, units: "RAW" },
    matchers: [{ fieldName: "REPLICA_SET_NAME", operator: "EQUALS", value: "rs0" }],
  });

  assert.equal(await resolved(native.integrationInstanceId), "instance-1");
  assert.equal(await resolved(relayed.alertConfigId), "config-elections");
  assert.equal(await pulumi.isSecret(pd.integrationKey), true, "integrationKey is a secret output");
  assert.equal(await pulumi.isSecret(relayed.relaySecret), true, "relaySecret is a secret output");
  assert.equal(await pulumi.isSecret(pd.projectId), false);

  assert.equal(created.get("pd")?.type, "pagerduty-as-code:index:PagerDutyIntegration");
  assert.deepEqual(created.get("pd")?.inputs, {
    projectId: PROJECT,
    integrationKey: secret(KEY),
    region: "US",
    // The type's defaults, from the schema, filled in by the SDK.
    initialAlert: { keepOpen: true, severity: "info", summary: "Test alert: MongoDB Atlas project is now integrated with PagerDuty (sent by Pulumi)" },
  });
  assert.equal(created.get("no-primary")?.type, "pagerduty-as-code:index:AlertRouting");
  assert.deepEqual(created.get("no-primary")?.inputs, {
    projectId: PROJECT,
    integrationInstanceId: "instance-1",
    region: "US",
    eventTypeName: "NO_PRIMARY",
    severity: "CRITICAL",
    delayMin: 0,
    enabled: true,
    delivery: "native",
  });
  assert.deepEqual(created.get("elections")?.inputs, {
    projectId: PROJECT,
    region: "US",
    delivery: "relay",
    relayUrl: "https://relay.example.com/atlas/webhook",
    relaySecret: secret(RELAY_SECRET),
    eventTypeName: "TOO_MANY_ELECTIONS",
    threshold: { operator: ">", threshold: 3, units: "RAW" },
    matchers: [{ fieldName: "REPLICA_SET_NAME", operator: "EQUALS", value: "rs0" }],
    delayMin: 0,
    enabled: true,
  });
  // A kind added to the registry later (issue 19): in the SDK by regenerating it.
  const attached = new pdac.AlertNotification("defaults", {
    projectId: PROJECT,
    region: "US",
    delayMin: 0,
    delivery: "relay",
    relayUrl: "https://relay.example.com/atlas/webhook",
    relaySecret: RELAY_SECRET,
    selector: { defaults: true, eventTypeNames: ["NO_PRIMARY"] },
  });
  assert.equal(await pulumi.isSecret(attached.relaySecret), true, "relaySecret is a secret output");
  assert.equal(created.get("defaults")?.type, "pagerduty-as-code:index:AlertNotification");
  assert.deepEqual(created.get("defaults")?.inputs, {
    projectId: PROJECT,
    region: "US",
    delayMin: 0,
    delivery: "relay",
    relayUrl: "https://relay.example.com/atlas/webhook",
    relaySecret: secret(RELAY_SECRET),
    selector: { defaults: true, eventTypeNames: ["NO_PRIMARY"] },
  });
  // A required input left out is refused by name, before anything reaches the engine.
  assert.throws(() => new pdac.AlertRouting("no-event", { projectId: PROJECT } as pdac.AlertRoutingArgs), /Missing required property 'eventTypeName'/);
  console.log("generated Node.js SDK: 4 resources registered with the expected types, inputs and secrets");
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
