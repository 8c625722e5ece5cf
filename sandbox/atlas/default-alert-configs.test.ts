import { startAtlas, tempDir, type AtlasHarness } from "../../test/support/atlas/harness";

const GROUP_NOTIFICATION = { typeName: "GROUP", roles: ["GROUP_OWNER"], emailEnabled: true, smsEnabled: false, delayMin: 0, intervalMin: 60 };

/** What a new real Atlas project was recorded to hold at creation (issue 12), in that order. */
const RECORDED = [
  ["REPLICATION_OPLOG_WINDOW_RUNNING_OUT", true, { threshold: { operator: "LESS_THAN", threshold: 1, units: "HOURS" } }],
  ["NO_PRIMARY", true, {}],
  ["CLUSTER_MONGOS_IS_MISSING", true, {}],
  [
    "OUTSIDE_METRIC_THRESHOLD",
    true,
    { metricThreshold: { metricName: "CONNECTIONS_PERCENT", operator: "GREATER_THAN", threshold: 80, units: "RAW", mode: "AVERAGE" } },
  ],
  [
    "OUTSIDE_METRIC_THRESHOLD",
    true,
    { metricThreshold: { metricName: "DISK_PARTITION_SPACE_USED_DATA", operator: "GREATER_THAN", threshold: 90, units: "RAW", mode: "AVERAGE" } },
  ],
  [
    "OUTSIDE_METRIC_THRESHOLD",
    true,
    { metricThreshold: { metricName: "NORMALIZED_SYSTEM_CPU_USER", operator: "GREATER_THAN", threshold: 95, units: "RAW", mode: "AVERAGE" } },
  ],
  [
    "OUTSIDE_METRIC_THRESHOLD",
    false,
    { metricThreshold: { metricName: "NORMALIZED_SYSTEM_CPU_STEAL", operator: "GREATER_THAN", threshold: 50, units: "RAW", mode: "AVERAGE" } },
  ],
  [
    "OUTSIDE_METRIC_THRESHOLD",
    false,
    { metricThreshold: { metricName: "NETWORK_BYTES_IN", operator: "GREATER_THAN", threshold: 0, units: "BYTES", mode: "AVERAGE" } },
  ],
  [
    "OUTSIDE_METRIC_THRESHOLD",
    true,
    {
      metricThreshold: { metricName: "QUERY_TARGETING_SCANNED_OBJECTS_PER_RETURNED", operator: "GREATER_THAN", threshold: 1000, units: "RAW", mode: "AVERAGE" },
    },
  ],
  ["CREDIT_CARD_ABOUT_TO_EXPIRE", true, {}],
  ["HOST_HAS_INDEX_SUGGESTIONS", true, {}],
  ["JOINED_GROUP", true, {}],
  ["USERS_WITHOUT_MULTI_FACTOR_AUTH", true, {}],
] as const;

describe("default alert configurations of a new project", () => {
  let sb: AtlasHarness;
  afterEach(async () => {
    const errors = sb.conformance();
    await sb.close();
    expect(errors).toEqual([]);
  });

  it("a project created at start already holds Atlas's defaults, all with GROUP notifications", async () => {
    sb = await startAtlas({ defaultAlertConfigs: true });
    const res = await sb.api("GET", `/api/atlas/v2/groups/${sb.groupId}/alertConfigs`);
    expect(res.status).toBe(200);
    expect(res.body.totalCount).toBe(RECORDED.length);
    expect(
      res.body.results.map((c: any) => [
        c.eventTypeName,
        c.enabled,
        { ...(c.threshold ? { threshold: c.threshold } : {}), ...(c.metricThreshold ? { metricThreshold: c.metricThreshold } : {}) },
      ]),
    ).toEqual(RECORDED);
    for (const c of res.body.results) {
      expect(c).toMatchObject({
        groupId: sb.groupId,
        matchers: [],
        created: "2026-03-01T10:00:00Z",
        notifications: [{ ...GROUP_NOTIFICATION, notifierId: expect.stringMatching(/^[a-f0-9]{24}$/) }],
      });
    }
  });

  it("a project created through POST /sandbox/groups gets them too; they behave like any configuration", async () => {
    sb = await startAtlas({ defaultAlertConfigs: true });
    const created = await sb.api("POST", "/sandbox/groups", { name: "second" }, { accept: "application/json", "content-type": "application/json" });
    expect(created.status).toBe(201);
    const base = `/api/atlas/v2/groups/${created.body.id}/alertConfigs`;
    const list = (await sb.api("GET", base)).body;
    expect(list.totalCount).toBe(RECORDED.length);
    // Readable, togglable and deletable by id, like a user's own.
    const cc = list.results.find((c: any) => c.eventTypeName === "CREDIT_CARD_ABOUT_TO_EXPIRE");
    expect((await sb.api("GET", `${base}/${cc.id}`)).body).toMatchObject({ id: cc.id, eventTypeName: "CREDIT_CARD_ABOUT_TO_EXPIRE" });
    expect((await sb.api("PATCH", `${base}/${cc.id}`, { enabled: false })).body.enabled).toBe(false);
    expect((await sb.api("DELETE", `${base}/${cc.id}`)).status).toBe(204);
    expect((await sb.api("GET", base)).body.totalCount).toBe(RECORDED.length - 1);
  });

  it("defaultAlertConfigs: false leaves new projects empty", async () => {
    sb = await startAtlas({ defaultAlertConfigs: false });
    expect((await sb.api("GET", `/api/atlas/v2/groups/${sb.groupId}/alertConfigs`)).body.totalCount).toBe(0);
    const created = await sb.api("POST", "/sandbox/groups", {}, { accept: "application/json", "content-type": "application/json" });
    expect((await sb.api("GET", `/api/atlas/v2/groups/${created.body.id}/alertConfigs`)).body.totalCount).toBe(0);
  });

  it("seeds once: a restart does not add them again, nor bring back a deleted one", async () => {
    const dir = tempDir();
    sb = await startAtlas({ dataDir: dir, defaultAlertConfigs: true });
    const base = `/api/atlas/v2/groups/${sb.groupId}/alertConfigs`;
    const first = (await sb.api("GET", base)).body.results;
    await sb.api("DELETE", `${base}/${first[0].id}`);
    const errors = sb.conformance();
    await sb.close();
    expect(errors).toEqual([]);
    sb = await startAtlas({ dataDir: dir, defaultAlertConfigs: true });
    const again = (await sb.api("GET", base)).body.results;
    expect(again.map((c: any) => c.id)).toEqual(first.slice(1).map((c: any) => c.id));
  });
});
