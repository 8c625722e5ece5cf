import { request } from "../../test/support/fetch";
import { PD_KEY, PD_KEY_2, startAtlas, V1, type AtlasHarness } from "../../test/support/atlas/harness";

const pd = (extra: object = {}) => ({ typeName: "PAGER_DUTY", serviceKey: PD_KEY, delayMin: 0, ...extra });

describe("alert configurations", () => {
  let sb: AtlasHarness;
  const base = () => `/api/atlas/v2/groups/${sb.groupId}/alertConfigs`;

  beforeEach(async () => {
    // An empty project, so lists hold exactly what each test created (default-alert-configs.test.ts covers the defaults).
    sb = await startAtlas({ defaultAlertConfigs: false });
  });
  afterEach(async () => {
    const errors = sb.conformance();
    await sb.close();
    expect(errors).toEqual([]);
  });

  it("creates (201) with defaults, redacts keys on every read, lists, toggles and deletes", async () => {
    const created = await sb.api("POST", base(), {
      eventTypeName: "NO_PRIMARY",
      matchers: [{ fieldName: "CLUSTER_NAME", operator: "EQUALS", value: "Cluster0" }],
      severityOverride: "CRITICAL",
      notifications: [pd({ delayMin: 5 })],
    });
    expect(created.status).toBe(201);
    const c = created.body;
    expect(c).toMatchObject({
      id: expect.stringMatching(/^[a-f0-9]{24}$/),
      groupId: sb.groupId,
      enabled: false,
      eventTypeName: "NO_PRIMARY",
      severityOverride: "CRITICAL",
      created: "2026-03-01T10:00:00Z",
      updated: "2026-03-01T10:00:00Z",
      links: [
        { rel: "self", href: `${sb.url}${base()}/${c.id}` },
        { rel: `${sb.url}/alerts`, href: `${sb.url}${base()}/${c.id}/alerts` },
      ],
    });
    expect(c.notifications).toEqual([
      {
        typeName: "PAGER_DUTY",
        serviceKey: "****************************0022",
        region: "US",
        delayMin: 5,
        notifierId: expect.stringMatching(/^[a-f0-9]{24}$/),
      },
    ]);
    expect(created.text).not.toContain(PD_KEY);

    expect((await sb.api("GET", `${base()}/${c.id}`)).body).toEqual(c);
    const list = await sb.api("GET", base());
    // List entries link to themselves only.
    expect(list.body).toMatchObject({ totalCount: 1, results: [{ ...c, links: [{ rel: "self", href: `${sb.url}${base()}/${c.id}` }] }] });

    sb.clock.advance(60_000);
    const on = await sb.api("PATCH", `${base()}/${c.id}`, { enabled: true });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ enabled: true, updated: "2026-03-01T10:01:00Z", notifications: c.notifications });
    const badToggle = await sb.api("PATCH", `${base()}/${c.id}`, { enabled: true, eventTypeName: "HOST_DOWN" });
    expect(badToggle.status).toBe(400);

    expect((await sb.api("DELETE", `${base()}/${c.id}`)).status).toBe(204);
    const gone = await sb.api("GET", `${base()}/${c.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.errorCode).toBe("ALERT_CONFIG_NOT_FOUND");
    expect((await sb.api("GET", `${base()}/nothex`)).body.errorCode).toBe("INVALID_ALERT_CONFIG_ID");
  });

  it("keeps a stored key when an update sends notifierId instead, and refuses redacted keys and intervalMin", async () => {
    const c = (await sb.api("POST", base(), { eventTypeName: "NO_PRIMARY", enabled: true, notifications: [pd()] })).body;
    const notifierId = c.notifications[0].notifierId;

    const echoed = await sb.api("PUT", `${base()}/${c.id}`, { ...c, notifications: c.notifications });
    expect(echoed.status).toBe(400);
    expect(echoed.body.detail).toMatch(/redacted/);
    expect(echoed.body.badRequestDetail.fields[0].field).toBe("notifications[0].serviceKey");

    const kept = await sb.api("PUT", `${base()}/${c.id}`, {
      eventTypeName: "NO_PRIMARY",
      enabled: true,
      notifications: [{ typeName: "PAGER_DUTY", notifierId, delayMin: 3 }],
    });
    expect(kept.status).toBe(200);
    expect(kept.body.notifications).toEqual([
      { typeName: "PAGER_DUTY", notifierId, delayMin: 3, region: "US", serviceKey: "****************************0022" },
    ]);

    const rotated = await sb.api("PUT", `${base()}/${c.id}`, {
      eventTypeName: "NO_PRIMARY",
      enabled: true,
      notifications: [{ typeName: "PAGER_DUTY", notifierId, serviceKey: PD_KEY_2, region: "EU" }],
    });
    expect(rotated.body.notifications[0]).toMatchObject({ notifierId, serviceKey: "****************************1111", region: "EU" });

    const interval = await sb.api("POST", base(), { eventTypeName: "NO_PRIMARY", notifications: [pd({ intervalMin: 10 })] });
    expect(interval.status).toBe(400);
    expect(interval.body.parameters).toEqual(["notifications[0].intervalMin"]);

    const unknownNotifier = await sb.api("POST", base(), {
      eventTypeName: "NO_PRIMARY",
      notifications: [{ typeName: "PAGER_DUTY", notifierId: "5f00000000000000000000ee" }],
    });
    expect(unknownNotifier.status).toBe(400);
    const neither = await sb.api("POST", base(), { eventTypeName: "NO_PRIMARY", notifications: [{ typeName: "PAGER_DUTY" }] });
    expect(neither.body).toMatchObject({ errorCode: "MISSING_ONE_OF_ATTRIBUTES", parameters: ["serviceKey", "integrationId"] });
  });

  it("uses the project's integrations through integrationId and as the default webhook", async () => {
    const noHook = await sb.api("POST", base(), { eventTypeName: "NO_PRIMARY", notifications: [{ typeName: "WEBHOOK" }] });
    expect(noHook.body.errorCode).toBe("WEBHOOK_URL_NOT_SET");

    const integ = (await sb.api("POST", `/api/atlas/v2/groups/${sb.groupId}/integrations/PAGER_DUTY`, { serviceKey: PD_KEY_2, region: "EU" })).body.results[0];
    await sb.api("POST", `/api/atlas/v2/groups/${sb.groupId}/integrations/WEBHOOK`, { url: "https://hooks.example.com/in/9999", secret: "topsecret" });

    const c = await sb.api("POST", base(), {
      eventTypeName: "REPLICATION_OPLOG_WINDOW_RUNNING_OUT",
      threshold: { operator: "LESS_THAN", threshold: 1, units: "HOURS" },
      notifications: [
        { typeName: "PAGER_DUTY", integrationId: integ.id },
        { typeName: "WEBHOOK" },
        { typeName: "WEBHOOK", webhookUrl: "https://other.example.org/path/abcd", webhookSecret: "shh-secret" },
      ],
    });
    expect(c.status).toBe(201);
    expect(c.body.threshold).toEqual({ operator: "LESS_THAN", threshold: 1, units: "HOURS" });
    const [p, dflt, own] = c.body.notifications;
    expect(p).toEqual({ typeName: "PAGER_DUTY", integrationId: integ.id, region: "EU", delayMin: 0, notifierId: expect.any(String) });
    expect(dflt).toMatchObject({ typeName: "WEBHOOK", webhookUrl: "https://hooks.example.com/****9999", webhookSecret: "*********" });
    expect(own).toMatchObject({ webhookUrl: "https://other.example.org/****abcd", webhookSecret: "**********" });

    const foreign = await sb.api("POST", base(), {
      eventTypeName: "NO_PRIMARY",
      notifications: [{ typeName: "PAGER_DUTY", integrationId: "5f00000000000000000000dd" }],
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.detail).toMatch(/PAGER_DUTY integration/);
    const both = await sb.api("POST", base(), {
      eventTypeName: "NO_PRIMARY",
      notifications: [{ typeName: "PAGER_DUTY", integrationId: integ.id, serviceKey: PD_KEY }],
    });
    expect(both.status).toBe(400);
  });

  it("validates thresholds per event type like the spec's variants", async () => {
    const metric = await sb.api("POST", base(), {
      eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
      matchers: [
        { fieldName: "TYPE_NAME", operator: "EQUALS", value: "PRIMARY" },
        { fieldName: "HOSTNAME", operator: "STARTS_WITH", value: "db-" },
      ],
      metricThreshold: { metricName: "CONNECTIONS_PERCENT", operator: "GREATER_THAN", threshold: 80, units: "RAW" },
      notifications: [pd()],
    });
    expect(metric.status).toBe(201);
    expect(metric.body.metricThreshold).toEqual({ metricName: "CONNECTIONS_PERCENT", operator: "GREATER_THAN", threshold: 80, units: "RAW", mode: "AVERAGE" });
    const time = await sb.api("POST", base(), {
      eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
      metricThreshold: { metricName: "AVG_READ_EXECUTION_TIME", operator: "GREATER_THAN", threshold: 12.5, units: "MILLISECONDS" },
      notifications: [pd()],
    });
    expect(time.status).toBe(201);

    const cases: Array<[object, string]> = [
      [{ eventTypeName: "OUTSIDE_METRIC_THRESHOLD", notifications: [pd()] }, "MISSING_METRIC_THRESHOLD"],
      [
        { eventTypeName: "OUTSIDE_METRIC_THRESHOLD", metricThreshold: { metricName: "NOPE", operator: "GREATER_THAN", threshold: 1 }, notifications: [pd()] },
        "INVALID_METRIC_NAME",
      ],
      [
        {
          eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
          metricThreshold: { metricName: "CONNECTIONS", operator: "GREATER_THAN", threshold: 1, units: "HOURS" },
          notifications: [pd()],
        },
        "INVALID_ENUM_VALUE",
      ],
      [
        { eventTypeName: "OUTSIDE_METRIC_THRESHOLD", metricThreshold: { metricName: "CONNECTIONS", operator: "ABOVE", threshold: 1 }, notifications: [pd()] },
        "INVALID_ENUM_VALUE",
      ],
      [
        {
          eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
          metricThreshold: { metricName: "CONNECTIONS", operator: "GREATER_THAN", threshold: "1" },
          notifications: [pd()],
        },
        "INVALID_JSON_ATTRIBUTE",
      ],
      [
        { eventTypeName: "NO_PRIMARY", metricThreshold: { metricName: "CONNECTIONS", operator: "GREATER_THAN", threshold: 1 }, notifications: [pd()] },
        "METRIC_THRESHOLD_PRESENT",
      ],
      [{ eventTypeName: "HOST_DOWN", threshold: { operator: "GREATER_THAN", threshold: 1 }, notifications: [pd()] }, "THRESHOLD_PRESENT"],
      [
        { eventTypeName: "TOO_MANY_ELECTIONS", threshold: { operator: "GREATER_THAN", threshold: 1.5, units: "RAW" }, notifications: [pd()] },
        "INVALID_JSON_ATTRIBUTE",
      ],
    ];
    for (const [body, code] of cases) {
      const res = await sb.api("POST", base(), body);
      expect([res.status, res.body.errorCode]).toEqual([400, code]);
    }
  });

  it("lists exactly the host matcher field names real Atlas serves, in its order", async () => {
    const res = await sb.api("GET", "/api/atlas/v2/alertConfigs/matchers/fieldNames");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(V1);
    expect(res.body).toEqual([
      "ATLAS_NODE_TYPE",
      "CLUSTER_NAME",
      "HOSTNAME",
      "PORT",
      "HOSTNAME_AND_PORT",
      "APPLICATION_ID",
      "REPLICA_SET_NAME",
      "TYPE_NAME",
      "SHARD_NAME",
    ]);
  });

  it("links a single configuration to its alerts (create, get, update, toggle) and serves them", async () => {
    const created = await sb.api("POST", base(), { eventTypeName: "NO_PRIMARY", enabled: true, notifications: [pd()] });
    const id = created.body.id;
    const alertsLink = { rel: `${sb.url}/alerts`, href: `${sb.url}${base()}/${id}/alerts` };
    const self = { rel: "self", href: `${sb.url}${base()}/${id}` };
    expect(created.body.links).toEqual([self, alertsLink]);
    expect((await sb.api("GET", `${base()}/${id}`)).body.links).toEqual([self, alertsLink]);
    expect((await sb.api("PUT", `${base()}/${id}`, { eventTypeName: "NO_PRIMARY", enabled: true, notifications: [pd({ delayMin: 1 })] })).body.links).toEqual([
      self,
      alertsLink,
    ]);
    expect((await sb.api("PATCH", `${base()}/${id}`, { enabled: true })).body.links).toEqual([self, alertsLink]);

    const opened = await sb.api(
      "POST",
      `/sandbox/groups/${sb.groupId}/alerts`,
      { alertConfigId: id, clusterName: "Cluster0" },
      { accept: "application/json", "content-type": "application/json" },
    );
    expect(opened.status).toBe(201);
    sb.clock.advance(60_000);
    await sb.api("POST", "/sandbox/tick", undefined, { accept: "application/json" });
    // Follow the link as a client would: the href is absolute.
    const res = await request(alertsLink.href, { headers: { accept: V1, authorization: `Bearer ${await sb.token()}` } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ totalCount: 1, results: [{ id: opened.body.id, alertConfigId: id, status: "OPEN" }] });
  });
});

// A table over the real socket: Fastify's inject() cannot load under this Jest
// setup (light-my-request requires the ESM-only `cookie` package).
describe("alert configuration validation table", () => {
  let sb: AtlasHarness;
  let auth: Record<string, string>;
  beforeAll(async () => {
    sb = await startAtlas();
    auth = { authorization: `Bearer ${await sb.token()}`, accept: V1, "content-type": V1 };
  });
  afterAll(async () => {
    const errors = sb.conformance();
    await sb.close();
    expect(errors).toEqual([]);
  });

  const many = (n: number) => Array.from({ length: n }, () => pd());
  it.each<[string, unknown, number, string]>([
    ["not an object", [1, 2], 400, "INVALID_JSON"],
    ["no eventTypeName", { notifications: [pd()] }, 400, "MISSING_ATTRIBUTE"],
    ["unknown eventTypeName", { eventTypeName: "SOMETHING_ODD", notifications: [pd()] }, 400, "INVALID_ENUM_VALUE"],
    ["eventTypeName not a string", { eventTypeName: 7, notifications: [pd()] }, 400, "INVALID_JSON_ATTRIBUTE"],
    ["enabled not boolean", { eventTypeName: "NO_PRIMARY", enabled: "yes", notifications: [pd()] }, 400, "INVALID_JSON_ATTRIBUTE"],
    ["unknown attribute", { eventTypeName: "NO_PRIMARY", colour: "red", notifications: [pd()] }, 400, "INVALID_ATTRIBUTE"],
    ["no notifications", { eventTypeName: "NO_PRIMARY" }, 400, "MISSING_NOTIFICATIONS"],
    ["empty notifications", { eventTypeName: "NO_PRIMARY", notifications: [] }, 400, "MISSING_NOTIFICATIONS"],
    ["26 notifications", { eventTypeName: "NO_PRIMARY", notifications: many(26) }, 400, "INVALID_ATTRIBUTE"],
    ["unknown notification type", { eventTypeName: "NO_PRIMARY", notifications: [{ typeName: "CARRIER_PIGEON" }] }, 400, "INVALID_ENUM_VALUE"],
    ["negative delay", { eventTypeName: "NO_PRIMARY", notifications: [pd({ delayMin: -1 })] }, 400, "ATTRIBUTE_NEGATIVE"],
    ["fractional delay", { eventTypeName: "NO_PRIMARY", notifications: [pd({ delayMin: 1.5 })] }, 400, "INVALID_JSON_ATTRIBUTE"],
    ["short key", { eventTypeName: "NO_PRIMARY", notifications: [pd({ serviceKey: "abc" })] }, 400, "INVALID_ATTRIBUTE"],
    ["bad region", { eventTypeName: "NO_PRIMARY", notifications: [pd({ region: "MARS" })] }, 400, "INVALID_ENUM_VALUE"],
    ["bad webhook url", { eventTypeName: "NO_PRIMARY", notifications: [{ typeName: "WEBHOOK", webhookUrl: "ftp://x" }] }, 400, "INVALID_ATTRIBUTE"],
    [
      "email interval < 5",
      { eventTypeName: "NO_PRIMARY", notifications: [{ typeName: "EMAIL", emailAddress: "a@b.io", intervalMin: 2 }] },
      400,
      "NOTIFICATION_INTERVAL_OUT_OF_RANGE",
    ],
    [
      "two group notifications",
      {
        eventTypeName: "NO_PRIMARY",
        notifications: [
          { typeName: "GROUP", emailEnabled: true },
          { typeName: "GROUP", smsEnabled: true },
        ],
      },
      400,
      "TOO_MANY_GROUP_NOTIFICATIONS",
    ],
    [
      "group without email or sms",
      { eventTypeName: "NO_PRIMARY", notifications: [{ typeName: "GROUP", roles: ["GROUP_OWNER"] }] },
      400,
      "EMAIL_OR_SMS_REQUIRED_FOR_GROUP_NOTIFICATION",
    ],
    ["bad severity", { eventTypeName: "NO_PRIMARY", severityOverride: "PANIC", notifications: [pd()] }, 400, "INVALID_ENUM_VALUE"],
    [
      "bad matcher field",
      { eventTypeName: "NO_PRIMARY", matchers: [{ fieldName: "HOSTNAME", operator: "EQUALS", value: "x" }], notifications: [pd()] },
      400,
      "INVALID_ENUM_VALUE",
    ],
    [
      "bad matcher operator",
      { eventTypeName: "NO_PRIMARY", matchers: [{ fieldName: "CLUSTER_NAME", operator: "LIKE", value: "x" }], notifications: [pd()] },
      400,
      "INVALID_ENUM_VALUE",
    ],
    [
      "matcher without value",
      { eventTypeName: "NO_PRIMARY", matchers: [{ fieldName: "CLUSTER_NAME", operator: "EQUALS" }], notifications: [pd()] },
      400,
      "MISSING_ATTRIBUTE",
    ],
    [
      "bad regex",
      { eventTypeName: "NO_PRIMARY", matchers: [{ fieldName: "CLUSTER_NAME", operator: "REGEX", value: "([" }], notifications: [pd()] },
      400,
      "INVALID_ATTRIBUTE",
    ],
    [
      "host type value",
      { eventTypeName: "HOST_DOWN", matchers: [{ fieldName: "TYPE_NAME", operator: "EQUALS", value: "LEADER" }], notifications: [pd()] },
      400,
      "INVALID_ENUM_VALUE",
    ],
    [
      "two autoscaling matchers",
      {
        eventTypeName: "DISK_AUTO_SCALE_INITIATED",
        matchers: [
          { fieldName: "CLUSTER_NAME", operator: "EQUALS", value: "a" },
          { fieldName: "CLUSTER_NAME", operator: "EQUALS", value: "b" },
        ],
        notifications: [pd()],
      },
      400,
      "INVALID_ATTRIBUTE",
    ],
    [
      "valid host config",
      {
        eventTypeName: "HOST_DOWN",
        enabled: true,
        matchers: [{ fieldName: "TYPE_NAME", operator: "EQUALS", value: "SECONDARY" }],
        notifications: [pd(), { typeName: "EMAIL", emailAddress: "a@b.io", intervalMin: 5 }],
      },
      201,
      "",
    ],
  ])("%s", async (_label, body, status, code) => {
    const res = await sb.api("POST", `/api/atlas/v2/groups/${sb.groupId}/alertConfigs`, body, auth);
    expect(res.status).toBe(status);
    if (code) {
      expect(res.body).toMatchObject({ error: status, errorCode: code });
      expect(res.headers.get("x-error-code")).toBe(code);
    }
  });
});
