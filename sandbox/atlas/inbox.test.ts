import { PD_KEY, startAtlas, type AtlasHarness } from "../../test/support/atlas/harness";

const SLACK_TOKEN = "xoxb-0123456789-secret-slack-token";
const DD_KEY = "0123456789abcdef0123456789abcdef";
const OG_KEY = "01234567-89ab-cdef-0123-456789abcdef";
const VO_KEY = "abcdef01-2345-6789-abcd-ef0123456789";
const TEAMS_URL = "https://example.webhook.office.com/webhookb2/secret-path-0123";

/** One notification of every type the API accepts besides PAGER_DUTY and WEBHOOK, with what the inbox shows as recipient. */
const NOTIFICATIONS: Array<[object, object]> = [
  [
    { typeName: "GROUP", roles: ["GROUP_OWNER"], emailEnabled: true, smsEnabled: false, delayMin: 0 },
    { roles: ["GROUP_OWNER"], emailEnabled: true, smsEnabled: false },
  ],
  [
    { typeName: "ORG", roles: ["ORG_OWNER"], emailEnabled: true, smsEnabled: true, delayMin: 0 },
    { roles: ["ORG_OWNER"], emailEnabled: true, smsEnabled: true },
  ],
  [
    { typeName: "USER", username: "dba@example.com", emailEnabled: true, delayMin: 0 },
    { username: "dba@example.com", emailEnabled: true },
  ],
  [
    { typeName: "TEAM", teamId: "6a0000000000000000000001", smsEnabled: true, delayMin: 0 },
    { teamId: "6a0000000000000000000001", smsEnabled: true },
  ],
  [{ typeName: "EMAIL", emailAddress: "oncall@example.com", delayMin: 0 }, { emailAddress: "oncall@example.com" }],
  [{ typeName: "SMS", mobileNumber: "+15555550123", delayMin: 0 }, { mobileNumber: "+15555550123" }],
  [{ typeName: "SLACK", apiToken: SLACK_TOKEN, channelName: "#db-alerts", delayMin: 0 }, { channelName: "#db-alerts" }],
  [{ typeName: "DATADOG", datadogApiKey: DD_KEY, datadogRegion: "EU", delayMin: 0 }, { datadogRegion: "EU" }],
  [{ typeName: "OPS_GENIE", opsGenieApiKey: OG_KEY, opsGenieRegion: "US", delayMin: 0 }, { opsGenieRegion: "US" }],
  [{ typeName: "VICTOR_OPS", victorOpsApiKey: VO_KEY, victorOpsRoutingKey: "db", delayMin: 0 }, { victorOpsRoutingKey: "db" }],
  [{ typeName: "MICROSOFT_TEAMS", microsoftTeamsWebhookUrl: TEAMS_URL, delayMin: 0 }, {}],
];

describe("every notification type counts as sent: the sandbox inbox and lastNotified", () => {
  let sb: AtlasHarness;
  const sandbox = (method: string, path: string, body?: unknown) =>
    sb.api(method, path, body, { accept: "application/json", "content-type": "application/json" });
  const inbox = async (query = "") => (await sandbox("GET", `/sandbox/groups/${sb.groupId}/inbox${query}`)).body;

  beforeEach(async () => {
    sb = await startAtlas({ defaultAlertConfigs: false });
  });
  afterEach(async () => {
    const errors = sb.conformance();
    await sb.close();
    expect(errors).toEqual([]);
  });

  it("records each recipient on open and close, without credentials, and sets lastNotified", async () => {
    const cfg = await sb.api("POST", `/api/atlas/v2/groups/${sb.groupId}/alertConfigs`, {
      eventTypeName: "NO_PRIMARY",
      enabled: true,
      notifications: NOTIFICATIONS.map(([n]) => n),
    });
    expect(cfg.status).toBe(201);
    const opened = await sandbox("POST", `/sandbox/groups/${sb.groupId}/alerts`, { alertConfigId: cfg.body.id, clusterName: "Cluster0" });
    expect(opened.body).toMatchObject({ status: "OPEN", lastNotified: "2026-03-01T10:00:00Z" });
    const read = await sb.api("GET", `/api/atlas/v2/groups/${sb.groupId}/alerts/${opened.body.id}`);
    expect(read.body.lastNotified).toBe("2026-03-01T10:00:00Z");

    const box = await inbox();
    expect(box.totalCount).toBe(NOTIFICATIONS.length);
    expect(box.results.map((m: any) => [m.typeName, m.recipient])).toEqual(NOTIFICATIONS.map(([n, r]) => [(n as any).typeName, r]));
    for (const m of box.results) {
      expect(m).toMatchObject({
        alertId: opened.body.id,
        alertConfigId: cfg.body.id,
        event: "alert.open",
        created: "2026-03-01T10:00:00Z",
        subject: "Alert opened: No primary (cluster Cluster0)",
      });
      expect(m.body).toContain("Status: OPEN");
      expect(m.notifierId).toBe(cfg.body.notifications.find((n: any) => n.typeName === m.typeName).notifierId);
    }
    const text = JSON.stringify(box);
    for (const secret of [SLACK_TOKEN, DD_KEY, OG_KEY, VO_KEY, TEAMS_URL]) expect(text).not.toContain(secret);

    sb.clock.advance(5 * 60_000);
    await sandbox("POST", `/sandbox/groups/${sb.groupId}/alerts/${opened.body.id}/close`);
    const closed = (await sb.api("GET", `/api/atlas/v2/groups/${sb.groupId}/alerts/${opened.body.id}`)).body;
    expect(closed).toMatchObject({ status: "CLOSED", lastNotified: "2026-03-01T10:05:00Z" });
    const emails = await inbox("?typeName=EMAIL");
    expect(emails.results.map((m: any) => [m.event, m.subject])).toEqual([
      ["alert.open", "Alert opened: No primary (cluster Cluster0)"],
      ["alert.close", "Alert closed: No primary (cluster Cluster0)"],
    ]);
  });

  it("honours each notification's delayMin and holds back while acknowledged; alongside PagerDuty", async () => {
    const cfg = await sb.api("POST", `/api/atlas/v2/groups/${sb.groupId}/alertConfigs`, {
      eventTypeName: "NO_PRIMARY",
      enabled: true,
      notifications: [
        { typeName: "PAGER_DUTY", serviceKey: PD_KEY, delayMin: 0 },
        { typeName: "EMAIL", emailAddress: "later@example.com", delayMin: 10 },
        { typeName: "SMS", mobileNumber: "+15555550100", delayMin: 20 },
      ],
    });
    const a = (await sandbox("POST", `/sandbox/groups/${sb.groupId}/alerts`, { alertConfigId: cfg.body.id })).body;
    expect((await inbox()).totalCount).toBe(0);
    await sb.capture.waitFor(1); // the PagerDuty trigger
    sb.clock.advance(10 * 60_000);
    await sandbox("POST", "/sandbox/tick");
    expect((await inbox()).results.map((m: any) => m.typeName)).toEqual(["EMAIL"]);
    expect((await sb.api("GET", `/api/atlas/v2/groups/${sb.groupId}/alerts/${a.id}`)).body.lastNotified).toBe("2026-03-01T10:10:00Z");

    await sb.api(
      "PATCH",
      `/api/atlas/v2/groups/${sb.groupId}/alerts/${a.id}`,
      { acknowledgedUntil: "2026-03-01T11:00:00Z" },
      { accept: "application/vnd.atlas.2024-05-30+json" },
    );
    sb.clock.advance(10 * 60_000);
    await sandbox("POST", "/sandbox/tick");
    expect((await inbox()).totalCount).toBe(1); // held back while acknowledged
    await sb.api(
      "PATCH",
      `/api/atlas/v2/groups/${sb.groupId}/alerts/${a.id}`,
      { unacknowledgeAlert: true },
      { accept: "application/vnd.atlas.2024-05-30+json" },
    );
    expect((await inbox()).results.map((m: any) => m.typeName)).toEqual(["EMAIL", "SMS"]);
    expect((await inbox(`?alertId=${a.id}&typeName=SMS`)).results[0].recipient).toEqual({ mobileNumber: "+15555550100" });
  });
});
