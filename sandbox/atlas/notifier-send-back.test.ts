import { redactedFields, REDACTED_NOTIFICATION_FIELDS } from "../../catalog/notifications";
import { NOTIFICATION_TYPES } from "../../catalog/atlas";
import { sampleNotificationsOfEveryType, storedConfig, withoutRedacted } from "../../test/support/notifications";
import { startAtlas, type AtlasHarness } from "../../test/support/atlas/harness";
import { NOTIFICATION_RULES } from "./alert-configs/notification-rules";

// A configuration rewritten by someone who only ever read it (the UI, the provider's
// AlertNotification): every notification sent back as read, its redacted fields left out and its
// notifierId given, must be stored exactly as before, secrets included.
describe("notifications sent back by notifierId", () => {
  let sb: AtlasHarness;
  beforeAll(async () => {
    sb = await startAtlas();
  });
  afterAll(async () => {
    const errors = sb.conformance();
    await sb.close();
    expect(errors).toEqual([]);
  });
  const base = () => `/api/atlas/v2/groups/${sb.groupId}/alertConfigs`;

  it("the catalog names the redacted fields of every notification type, and the sandbox knows each of them", () => {
    expect(Object.keys(REDACTED_NOTIFICATION_FIELDS).sort()).toEqual([...NOTIFICATION_TYPES].sort());
    for (const [type, fields] of Object.entries(REDACTED_NOTIFICATION_FIELDS)) {
      for (const f of Object.keys(fields)) expect({ type, f, known: f in NOTIFICATION_RULES[type].fields }).toEqual({ type, f, known: true });
    }
  });

  it("every type the catalog knows keeps every field, secrets included", async () => {
    const created = await sb.api("POST", base(), { eventTypeName: "NO_PRIMARY", enabled: true, notifications: sampleNotificationsOfEveryType() });
    expect(created.status).toBe(201);
    const before = storedConfig(sb.db, created.body.id)!;
    const read = (await sb.api("GET", `${base()}/${created.body.id}`)).body;
    const sent = read.notifications.map(withoutRedacted);
    // What the client sends holds no secret at all.
    for (const n of sampleNotificationsOfEveryType())
      for (const f of Object.keys(redactedFields(String(n.typeName)))) expect(JSON.stringify(sent)).not.toContain(String(n[f]));
    const put = await sb.api("PUT", `${base()}/${created.body.id}`, { eventTypeName: "NO_PRIMARY", enabled: true, notifications: sent });
    expect(put.status).toBe(200);
    expect(storedConfig(sb.db, created.body.id)).toEqual(before);
  });

  it("a new webhook URL sent with the notifierId keeps the stored secret and templates", async () => {
    const hook = sampleNotificationsOfEveryType().find((n) => n.typeName === "WEBHOOK")!;
    const created = await sb.api("POST", base(), { eventTypeName: "HOST_DOWN", enabled: true, notifications: [hook] });
    const notifierId = created.body.notifications[0].notifierId;
    const url = "https://hooks.example.com/team/moved-7777";
    await sb.api("PUT", `${base()}/${created.body.id}`, {
      eventTypeName: "HOST_DOWN",
      enabled: true,
      notifications: [{ typeName: "WEBHOOK", notifierId, webhookUrl: url }],
    });
    const { intervalMin: _notSent, ...kept } = hook;
    expect(storedConfig(sb.db, created.body.id)!.notifications).toEqual([{ ...kept, webhookUrl: url, notifierId }]);
  });
});
