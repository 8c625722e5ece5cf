import { DEFAULT_ALERT_CONFIGS, isDefaultAlertConfig } from "../../catalog/default-alert-configs";
import { KNOWN_NOTIFICATION_TYPES, redactedFields } from "../../catalog/notifications";
import { diffNotification } from "./diff";
import { type LiveConfig, MAX_NOTIFICATIONS, planAttach, planDetach, putBody, reachesTarget, sentBack, type Target } from "./merge";
import type { NotificationOutputs } from "./schema";
import { missingIds, resolve } from "./select";

const INTEGRATION = "6a1e2d3c4b5a69788796a5b4";
const native: Target = { delivery: "native", integrationId: INTEGRATION, serviceKey: "****************************8f90", region: "US", delayMin: 0 };
const relay: Target = { delivery: "relay", relayUrl: "https://relay.example.com/atlas/orders", relaySecret: "0123456789abcdef", delayMin: 5 };
const group = { typeName: "GROUP", roles: ["GROUP_OWNER"], emailEnabled: true, smsEnabled: false, delayMin: 0, intervalMin: 60, notifierId: "n-group" };
const webhook = {
  typeName: "WEBHOOK",
  webhookUrl: "https://hooks.example.com/****abcd",
  webhookSecret: "********************",
  delayMin: 0,
  notifierId: "n-hook",
};
const pd = (extra: Record<string, unknown> = {}) => ({
  typeName: "PAGER_DUTY",
  integrationId: INTEGRATION,
  region: "US",
  delayMin: 0,
  notifierId: "n-pd",
  ...extra,
});

function config(notifications: Record<string, unknown>[], extra: Record<string, unknown> = {}): LiveConfig {
  return {
    id: "7a1e2d3c4b5a69788796a5b4",
    groupId: "5f1e2d3c4b5a69788796a5b4",
    created: "2026-03-01T10:00:00Z",
    updated: "2026-03-01T10:00:00Z",
    links: [{ href: "https://x/self", rel: "self" }],
    eventTypeName: "NO_PRIMARY",
    enabled: false,
    matchers: [],
    severityOverride: "WARNING",
    notifications,
    ...extra,
  };
}

describe("sentBack: someone else's notification as a PUT must carry it", () => {
  it.each(KNOWN_NOTIFICATION_TYPES.map((t) => [t]))("%s: every field as read except the redacted ones", (typeName) => {
    const redacted = redactedFields(typeName);
    const n: Record<string, unknown> = { typeName, notifierId: "5f00000000000000000000aa", delayMin: 3, intervalMin: 15, plain: "kept", flag: true };
    for (const [field, how] of Object.entries(redacted))
      n[field] = how === "url" ? "https://h.example.com/****wxyz" : how === "key" ? "****************wxyz" : "************";
    const back = sentBack(n);
    expect(back).toEqual({ typeName, notifierId: "5f00000000000000000000aa", delayMin: 3, intervalMin: 15, plain: "kept", flag: true });
  });

  it("a redactable field that came back in clear is sent back as it is", () => {
    expect(sentBack({ ...webhook, webhookBodyTemplate: '{"a": 1}' })).toEqual({
      typeName: "WEBHOOK",
      delayMin: 0,
      notifierId: "n-hook",
      webhookBodyTemplate: '{"a": 1}',
    });
  });
});

describe("putBody", () => {
  it("keeps every field as read (enabled, matchers, severity, unknown ones), drops the read-only ones", () => {
    const live = config([group], { thresholdConfig: { x: 1 } });
    expect(putBody(live, [sentBack(group)])).toEqual({
      eventTypeName: "NO_PRIMARY",
      enabled: false,
      matchers: [],
      severityOverride: "WARNING",
      thresholdConfig: { x: 1 },
      notifications: [group],
    });
  });
});

describe("reachesTarget", () => {
  it.each<[string, Record<string, unknown>, Target, boolean]>([
    ["the same integration by id", pd(), native, true],
    ["another integration", pd({ integrationId: "9a1e2d3c4b5a69788796a5b4" }), native, false],
    [
      "the integration's key by its redaction",
      { typeName: "PAGER_DUTY", serviceKey: native.delivery === "native" ? native.serviceKey : "", notifierId: "x" },
      native,
      true,
    ],
    ["another key", { typeName: "PAGER_DUTY", serviceKey: "****************************0000", notifierId: "x" }, native, false],
    ["a webhook, for native", webhook, native, false],
    ["the relay route by host and last 4", { typeName: "WEBHOOK", webhookUrl: "https://relay.example.com/****ders", notifierId: "x" }, relay, true],
    ["another host", { typeName: "WEBHOOK", webhookUrl: "https://relay-2.example.com/****ders", notifierId: "x" }, relay, false],
    ["another route on the relay", { typeName: "WEBHOOK", webhookUrl: "https://relay.example.com/****ping", notifierId: "x" }, relay, false],
    ["a PagerDuty notification, for relay", pd(), relay, false],
  ])("%s", (_name, n, t, expected) => {
    expect(reachesTarget(n, t)).toBe(expected);
  });
});

describe("planAttach", () => {
  it("adds ours after the others, which are sent back by notifierId", () => {
    const plan = planAttach(config([group, webhook]), native);
    expect(plan).toEqual({
      write: true,
      notifications: [
        group,
        { typeName: "WEBHOOK", delayMin: 0, notifierId: "n-hook" },
        { typeName: "PAGER_DUTY", integrationId: INTEGRATION, region: "US", delayMin: 0 },
      ],
      outcome: { kind: "attached" },
    });
  });

  it("relay: a WEBHOOK with the route's URL and secret and our delay", () => {
    const plan = planAttach(config([group]), relay);
    expect(plan.write && plan.notifications[1]).toEqual({ typeName: "WEBHOOK", webhookUrl: relay.relayUrl, webhookSecret: "0123456789abcdef", delayMin: 5 });
  });

  it("ours in shape: nothing to write", () => {
    expect(planAttach(config([group, pd({ notifierId: "ours" })]), native, { known: "ours" })).toEqual({
      write: false,
      outcome: { kind: "attached", notifierId: "ours" },
    });
  });

  it.each<[string, Record<string, unknown>, boolean]>([
    ["its delay changed by hand", { delayMin: 7 }, true],
    ["its region changed by hand", { region: "EU" }, true],
    ["pointed at another integration", { integrationId: "9a1e2d3c4b5a69788796a5b4" }, true],
  ])("ours %s: rewritten in place, keeping its notifierId", (_name, edit) => {
    const plan = planAttach(config([group, pd({ notifierId: "ours", ...edit })]), native, { known: "ours" });
    expect(plan).toEqual({
      write: true,
      notifications: [group, { typeName: "PAGER_DUTY", integrationId: INTEGRATION, region: "US", delayMin: 0, notifierId: "ours" }],
      outcome: { kind: "attached" },
    });
  });

  it("rewrite: ours is written again although it looks right (a new secret shows only its length)", () => {
    expect(planAttach(config([group, pd({ notifierId: "ours" })]), native, { known: "ours", rewrite: true }).write).toBe(true);
  });

  it("another notification already reaching the integration: skipped, nothing written", () => {
    const plan = planAttach(config([pd({ notifierId: "theirs" }), group]), native);
    expect(plan).toEqual({
      write: false,
      outcome: {
        kind: "skipped",
        skip: {
          alertConfigId: "7a1e2d3c4b5a69788796a5b4",
          notifierId: "theirs",
          reason: expect.stringMatching(/already notifies this PagerDuty integration: skipped/),
        },
      },
    });
  });

  it("a configuration an AlertRouting owns (our integration, its only notification) is never adopted, even with adopt", () => {
    const plan = planAttach(config([pd({ notifierId: "routing" })]), native, {
      adopt: (live, n) => live.notifications!.at(-1) === n && live.notifications!.length > 1,
    });
    expect(plan.outcome.kind).toBe("skipped");
  });

  it("adopt: one in our exact shape that the rule accepts is taken as ours", () => {
    const plan = planAttach(config([group, pd({ notifierId: "crashed" })]), native, { adopt: () => true });
    expect(plan).toEqual({ write: false, outcome: { kind: "attached", notifierId: "crashed" } });
    expect(planAttach(config([group, pd({ notifierId: "x", delayMin: 9 })]), native, { adopt: () => true }).outcome.kind).toBe("skipped");
  });

  it("ours of the other delivery (delivery changed) is replaced in the same PUT", () => {
    const plan = planAttach(config([group, { ...webhook, notifierId: "ours" }]), native, { known: "ours" });
    expect(plan).toEqual({
      write: true,
      notifications: [group, { typeName: "PAGER_DUTY", integrationId: INTEGRATION, region: "US", delayMin: 0 }],
      outcome: { kind: "attached" },
    });
  });

  it("ours, and another reaching the same target since: ours is removed, theirs kept (skipped)", () => {
    const plan = planAttach(config([pd({ notifierId: "theirs" }), group, pd({ notifierId: "ours" })]), native, { known: "ours" });
    expect(plan).toMatchObject({ write: true, notifications: [pd({ notifierId: "theirs" }), group], outcome: { kind: "skipped" } });
  });

  it(`refuses a configuration that already has ${MAX_NOTIFICATIONS} notifications, naming it`, () => {
    const full = Array.from({ length: MAX_NOTIFICATIONS }, (_, i) => ({ typeName: "EMAIL", emailAddress: `a${i}@example.com`, notifierId: `e${i}` }));
    expect(() => planAttach(config(full), native)).toThrow(/7a1e2d3c4b5a69788796a5b4 already has 25 notifications/);
  });
});

describe("planDetach", () => {
  it("removes ours only", () => {
    expect(planDetach(config([group, webhook, pd({ notifierId: "ours" })]), "ours")).toEqual({
      write: true,
      notifications: [group, { typeName: "WEBHOOK", delayMin: 0, notifierId: "n-hook" }],
      outcome: { kind: "detached" },
    });
  });

  it("ours already gone: nothing to write", () => {
    expect(planDetach(config([group]), "ours")).toEqual({ write: false, outcome: { kind: "detached" } });
  });

  it("ours the only one left: refused with the fix (the project API needs one)", () => {
    expect(() => planDetach(config([pd({ notifierId: "ours" })]), "ours")).toThrow(/no notification left but this one .* add another notification/);
  });
});

describe("selection", () => {
  const defaults = DEFAULT_ALERT_CONFIGS.map((d, i) => ({ ...d, id: `d${i}` }) as unknown as LiveConfig);
  const own = [
    { id: "own-np", eventTypeName: "NO_PRIMARY", matchers: [{ fieldName: "CLUSTER_NAME", operator: "EQUALS", value: "prod" }] },
    { id: "own-cpu", eventTypeName: "OUTSIDE_METRIC_THRESHOLD", metricThreshold: { metricName: "NORMALIZED_SYSTEM_CPU_KERNEL" } },
    { id: "own-down", eventTypeName: "HOST_DOWN" },
  ] as LiveConfig[];
  const all = [...defaults, ...own];

  it("every recorded default is recognised, also with its threshold, enabled flag and notifications edited", () => {
    for (const d of defaults) expect(isDefaultAlertConfig({ ...d, enabled: !d.enabled, notifications: [] })).toBe(true);
    const disk = defaults.find((d) => (d.metricThreshold as { metricName?: string })?.metricName === "DISK_PARTITION_SPACE_USED_DATA")!;
    expect(isDefaultAlertConfig({ ...disk, metricThreshold: { ...(disk.metricThreshold as object), threshold: 75 } })).toBe(true);
    for (const c of own) expect(isDefaultAlertConfig(c)).toBe(false);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ["defaults", { selector: { defaults: true } }, defaults.map((d) => d.id)],
    ["event types", { selector: { eventTypeNames: ["NO_PRIMARY", "HOST_DOWN"] } }, ["d1", "own-np", "own-down"]],
    ["defaults of an event type", { selector: { eventTypeNames: ["NO_PRIMARY"], defaults: true } }, ["d1"]],
    ["all", { selector: { all: true } }, all.map((c) => c.id)],
    ["ids, in the project's order", { alertConfigIds: ["own-down", "d0"] }, ["d0", "own-down"]],
  ])("%s", (_name, inputs, ids) => {
    expect(resolve(inputs, all)).toEqual(ids);
  });

  it("explicit ids the project lacks are named", () => {
    expect(missingIds({ alertConfigIds: ["d0", "gone"] }, all)).toEqual(["gone"]);
  });
});

describe("diffNotification", () => {
  const state: NotificationOutputs = {
    projectId: "5f1e2d3c4b5a69788796a5b4",
    selector: { defaults: true },
    integrationInstanceId: "0f1e2d3c4b5a6978",
    region: "US",
    delayMin: 0,
    delivery: "native",
    integrationId: INTEGRATION,
    matched: ["a", "b", "c"],
    attachments: [
      { alertConfigId: "a", notifierId: "na", delayMin: 0, target: INTEGRATION },
      { alertConfigId: "b", notifierId: "nb", delayMin: 0, target: INTEGRATION },
    ],
    skipped: [{ alertConfigId: "c", notifierId: "nc", reason: "r" }],
  };
  const { integrationId: _i, matched: _m, attachments: _a, skipped: _s, ...inputs } = state;

  it("in step: no change", () => {
    expect(diffNotification(state, inputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false, diffs: [] });
  });

  it.each<[string, Partial<NotificationOutputs>]>([
    ["a configuration newly matches", { matched: ["a", "b", "c", "d"] }],
    ["ours removed by hand", { attachments: state.attachments.slice(1) }],
    ["ours on a configuration that left the selection", { matched: ["b", "c"] }],
    ["ours with its delay changed by hand", { attachments: [{ ...state.attachments[0], delayMin: 5 }, state.attachments[1]] }],
    ["ours pointed elsewhere by hand", { attachments: [{ ...state.attachments[0], target: "9a1e2d3c4b5a69788796a5b4" }, state.attachments[1]] }],
  ])("drift: %s", (_name, drift) => {
    expect(diffNotification({ ...state, ...drift }, inputs)).toMatchObject({ changes: true, replaces: [] });
  });

  it.each<[string, Record<string, unknown>]>([
    ["another selector", { selector: { all: true } }],
    ["another delay", { delayMin: 5 }],
    ["a new integration instance", { integrationInstanceId: "1a2b3c4d5e6f7081" }],
  ])("update: %s", (_name, change) => {
    expect(diffNotification(state, { ...inputs, ...change } as typeof inputs)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
      diffs: Object.keys(change),
    });
  });

  it("relay: ours pointed at another route by hand is drift; the same route (host and last 4) is not", () => {
    const relayState: NotificationOutputs = {
      ...state,
      delivery: "relay",
      relayUrl: "https://relay.example.com/atlas/orders",
      relaySecret: "0123456789abcdef",
      integrationId: undefined,
      attachments: state.attachments.map((a) => ({ ...a, target: "https://relay.example.com/****ders" })),
    };
    const { integrationId: _ri, matched: _rm, attachments: _ra, skipped: _rs, ...relayInputs } = relayState;
    expect(diffNotification(relayState, relayInputs).changes).toBe(false);
    const moved = { ...relayState, attachments: [{ ...relayState.attachments[0], target: "https://other.example.com/****ders" }, relayState.attachments[1]] };
    expect(diffNotification(moved, relayInputs).changes).toBe(true);
  });

  it("another project replaces", () => {
    expect(diffNotification(state, { ...inputs, projectId: "0123456789abcdef01234567" }).replaces).toEqual(["projectId"]);
  });

  it("an id given explicitly that is gone shows as a change (up names it)", () => {
    expect(
      diffNotification(
        { ...state, selector: undefined, alertConfigIds: ["a", "z"], matched: ["a"], skipped: [], attachments: [state.attachments[0]] },
        { ...inputs, selector: undefined, alertConfigIds: ["a", "z"] },
      ).changes,
    ).toBe(true);
  });
});
