import { PD_KEY, startAtlas, V2024, type AtlasHarness } from "../../test/support/atlas/harness";

/**
 * Acknowledging as real Atlas does (recorded Atlas Administration API v2
 * traffic, PATCH /groups/{g}/alerts/{id} with application/vnd.atlas.2024-05-30+json):
 * 200 for a CLOSED alert, for acknowledgedUntil 100 years ahead ("forever"), and
 * for {"unacknowledgeAlert": true}; the answer echoes acknowledgedUntil and adds
 * acknowledgingUsername (and the comment when sent); unacknowledging removes them.
 */
describe("acknowledging alerts (2024-05-30) as recorded on real Atlas", () => {
  let sb: AtlasHarness;
  const alertPath = (id: string) => `/api/atlas/v2/groups/${sb.groupId}/alerts/${id}`;
  const sandbox = (method: string, path: string, body?: unknown) =>
    sb.api(method, path, body, { accept: "application/json", "content-type": "application/json" });
  const ack = (id: string, body: object) => sb.api("PATCH", alertPath(id), body, { accept: V2024 });

  async function openAlert(): Promise<string> {
    const cfg = await sb.api("POST", `/api/atlas/v2/groups/${sb.groupId}/alertConfigs`, {
      eventTypeName: "NO_PRIMARY",
      enabled: true,
      notifications: [{ typeName: "PAGER_DUTY", serviceKey: PD_KEY, delayMin: 0 }],
    });
    expect(cfg.status).toBe(201);
    const opened = await sandbox("POST", `/sandbox/groups/${sb.groupId}/alerts`, { alertConfigId: cfg.body.id, clusterName: "Cluster0" });
    expect(opened.body.status).toBe("OPEN");
    return opened.body.id;
  }

  beforeEach(async () => {
    sb = await startAtlas();
  });
  afterEach(async () => {
    const errors = sb.conformance();
    await sb.close();
    expect(errors).toEqual([]);
  });

  it("acknowledges 'forever' (100 years ahead) and echoes acknowledgedUntil, acknowledgingUsername and the comment", async () => {
    const id = await openAlert();
    const forever = new Date(sb.clock.now().getTime());
    forever.setUTCFullYear(forever.getUTCFullYear() + 100);
    const until = forever.toISOString().replace(/\.\d{3}Z$/, "Z");
    const res = await ack(id, { acknowledgedUntil: until, acknowledgementComment: "Acknowledged in PagerDuty" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(V2024);
    expect(res.body).toMatchObject({
      id,
      status: "OPEN",
      acknowledgedUntil: "2126-03-01T10:00:00Z",
      acknowledgementComment: "Acknowledged in PagerDuty",
      acknowledgingUsername: expect.stringMatching(/.@./),
    });
    const read = await sb.api("GET", alertPath(id));
    expect(read.body).toMatchObject({ acknowledgedUntil: "2126-03-01T10:00:00Z", acknowledgingUsername: res.body.acknowledgingUsername });
  });

  it("acknowledges without a comment: no acknowledgementComment in the answer", async () => {
    const id = await openAlert();
    const res = await ack(id, { acknowledgedUntil: "2026-03-01T12:00:00Z" });
    expect(res.status).toBe(200);
    expect(res.body.acknowledgedUntil).toBe("2026-03-01T12:00:00Z");
    expect(res.body.acknowledgingUsername).toEqual(expect.any(String));
    expect(res.body).not.toHaveProperty("acknowledgementComment");
  });

  it("acknowledges a CLOSED alert (200, status stays CLOSED, nobody is notified again)", async () => {
    const id = await openAlert();
    await sandbox("POST", `/sandbox/groups/${sb.groupId}/alerts/${id}/close`);
    await sb.capture.waitFor(2); // trigger + resolve
    const res = await ack(id, { acknowledgedUntil: "2126-03-01T10:00:00Z", acknowledgementComment: "late ack" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: "CLOSED",
      acknowledgedUntil: "2126-03-01T10:00:00Z",
      acknowledgementComment: "late ack",
      acknowledgingUsername: expect.any(String),
      resolved: expect.any(String),
    });
    await sandbox("POST", "/sandbox/tick");
    expect(sb.capture.requests).toHaveLength(2);

    const unack = await ack(id, { unacknowledgeAlert: true });
    expect(unack.status).toBe(200);
    expect(unack.body.status).toBe("CLOSED");
    for (const k of ["acknowledgedUntil", "acknowledgementComment", "acknowledgingUsername"]) expect(unack.body).not.toHaveProperty(k);
  });

  it("unacknowledges with {unacknowledgeAlert: true}: the acknowledgement fields are gone, also when it was not acknowledged", async () => {
    const id = await openAlert();
    const never = await ack(id, { unacknowledgeAlert: true });
    expect(never.status).toBe(200);
    expect(never.body).not.toHaveProperty("acknowledgedUntil");

    await ack(id, { acknowledgedUntil: "2126-03-01T10:00:00Z", acknowledgementComment: "mine" });
    const res = await ack(id, { unacknowledgeAlert: true });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("OPEN");
    for (const k of ["acknowledgedUntil", "acknowledgementComment", "acknowledgingUsername"]) expect(res.body).not.toHaveProperty(k);
    const read = await sb.api("GET", alertPath(id));
    expect(read.body).not.toHaveProperty("acknowledgedUntil");
  });

  it("acknowledges 'until now' as the Atlas CLI sends it (this second, truncated: up to a second in the past): 200, echoed", async () => {
    const id = await openAlert();
    sb.clock.advance(999); // 10:00:00.999; the CLI truncates to 10:00:00
    const res = await ack(id, { acknowledgedUntil: "2026-03-01T10:00:00Z" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, status: "OPEN", acknowledgedUntil: "2026-03-01T10:00:00Z", acknowledgingUsername: expect.any(String) });
    // The same through the 2023-01-01 body (AlertView).
    const old = await sb.api("PATCH", alertPath(id), { acknowledgedUntil: "2026-03-01T10:00:00Z" });
    expect(old.status).toBe(200);
    expect(old.body.acknowledgedUntil).toBe("2026-03-01T10:00:00Z");
  });

  it.each([
    ["exactly 60 s in the past", "2026-03-01T09:59:00Z", 200],
    ["the same, with milliseconds", "2026-03-01T09:59:00.000Z", 200],
    ["the same, in another zone", "2026-03-01T11:59:00+02:00", 200],
    ["61 s in the past", "2026-03-01T09:58:59Z", 400],
    ["60.001 s in the past", "2026-03-01T09:58:59.999Z", 400],
  ])("accepts acknowledgedUntil up to 60 s in the past: %s (%s) -> %i", async (_name, until, status) => {
    const id = await openAlert();
    const res = await ack(id, { acknowledgedUntil: until });
    expect(res.status).toBe(status);
    if (status === 400) {
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        error: 400,
        errorCode: "INVALID_ATTRIBUTE",
        reason: "Bad Request",
        detail: "Invalid attribute acknowledgedUntil specified: must not be more than 60 seconds in the past",
        parameters: ["acknowledgedUntil"],
        badRequestDetail: { fields: [{ field: "acknowledgedUntil", description: "must not be more than 60 seconds in the past" }] },
      });
      expect((await sb.api("GET", alertPath(id))).body).not.toHaveProperty("acknowledgedUntil");
    }
  });

  it("an empty acknowledgementComment is not echoed (nor stored): Atlas leaves the key out", async () => {
    const id = await openAlert();
    const res = await ack(id, { acknowledgedUntil: "2126-03-01T10:00:00Z", acknowledgementComment: "" });
    expect(res.status).toBe(200);
    expect(res.body.acknowledgedUntil).toBe("2126-03-01T10:00:00Z");
    expect(res.body).not.toHaveProperty("acknowledgementComment");
    expect((await sb.api("GET", alertPath(id))).body).not.toHaveProperty("acknowledgementComment");
    // A comment, then acknowledged again with an empty one: the old comment is gone too.
    expect((await ack(id, { acknowledgedUntil: "2126-03-01T10:00:00Z", acknowledgementComment: "mine" })).body.acknowledgementComment).toBe("mine");
    const again = await ack(id, { acknowledgedUntil: "2126-03-01T10:00:00Z", acknowledgementComment: "" });
    expect(again.body).not.toHaveProperty("acknowledgementComment");
    const old = await sb.api("PATCH", alertPath(id), { acknowledgedUntil: "2126-03-01T10:00:00Z", acknowledgementComment: "" });
    expect(old.status).toBe(200);
    expect(old.body).not.toHaveProperty("acknowledgementComment");
  });

  it("still refuses what the API cannot mean: a past date, a comment over 200 characters, a malformed date", async () => {
    const id = await openAlert();
    expect((await ack(id, { acknowledgedUntil: "2020-01-01T00:00:00Z" })).status).toBe(400);
    expect((await ack(id, { acknowledgedUntil: "2126-03-01T10:00:00Z", acknowledgementComment: "x".repeat(201) })).body.errorCode).toBe(
      "ACKNOWLEDGEMENT_COMMENT_TOO_LONG",
    );
    expect((await ack(id, { acknowledgedUntil: "tomorrow" })).body.errorCode).toBe("INVALID_JSON_ATTRIBUTE");
  });
});
