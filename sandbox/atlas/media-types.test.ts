import { request } from "../../test/support/fetch";
import { PD_KEY, startAtlas, V1, V2024, type AtlasHarness } from "../../test/support/atlas/harness";

describe("versioned media types", () => {
  let sb: AtlasHarness;
  const list = () => `/api/atlas/v2/groups/${sb.groupId}/integrations`;

  beforeAll(async () => {
    sb = await startAtlas();
  });
  afterAll(async () => {
    const errors = sb.conformance();
    await sb.close();
    expect(errors).toEqual([]);
  });

  it.each([
    ["missing", undefined],
    ["plain JSON", "application/json"],
    ["wildcard", "*/*"],
    ["unknown date", "application/vnd.atlas.2099-01-01+json"],
    ["a version this operation does not offer", V2024],
  ])("answers 406 INVALID_VERSION_DATE for a %s Accept", async (_label, accept) => {
    const headers: Record<string, string> = accept === undefined ? {} : { accept };
    const res = await sb.api("GET", list(), undefined, { accept: "", ...headers });
    expect(res.status).toBe(406);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-error-code")).toBe("INVALID_VERSION_DATE");
    expect(res.body).toEqual({
      detail: "Invalid accept header or version date.",
      error: 406,
      errorCode: "INVALID_VERSION_DATE",
      parameters: [],
      reason: "Not Acceptable",
    });
  });

  it("accepts the versioned type among other ranges and with parameters", async () => {
    const res = await sb.api("GET", list(), undefined, { accept: `application/json;q=0.5, ${V1};charset=utf-8` });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(V1);
  });

  it("needs the matching versioned Content-Type on a body (415 otherwise)", async () => {
    const plain = await sb.api("POST", `${list()}/PAGER_DUTY`, { serviceKey: PD_KEY }, { "content-type": "application/json" });
    expect(plain.status).toBe(415);
    expect(plain.body.errorCode).toBe("UNSUPPORTED_MEDIA_TYPE");
    const other = await sb.api("POST", `${list()}/PAGER_DUTY`, { serviceKey: PD_KEY }, { "content-type": V2024 });
    expect(other.status).toBe(415);
    const ok = await sb.api("POST", `${list()}/PAGER_DUTY`, { serviceKey: PD_KEY }, { "content-type": V1 });
    expect(ok.status).toBe(200);
  });

  it("offers 2023-01-01 and 2024-05-30 for acknowledging an alert", async () => {
    const cfg = await sb.api("POST", `/api/atlas/v2/groups/${sb.groupId}/alertConfigs`, {
      eventTypeName: "HOST_DOWN",
      enabled: true,
      notifications: [{ typeName: "EMAIL", emailAddress: "oncall@example.com", delayMin: 0 }],
    });
    expect(cfg.status).toBe(201);
    const opened = await request<{ id: string; status: string }>(`${sb.url}/sandbox/groups/${sb.groupId}/alerts`, {
      method: "POST",
      headers: { authorization: `Bearer ${await sb.token()}`, "content-type": "application/json" },
      body: JSON.stringify({ alertConfigId: cfg.body.id, hostnameAndPort: "db-0.example.net:27017" }),
    });
    const alert = opened.body;
    expect(alert.status).toBe("OPEN");
    const path = `/api/atlas/v2/groups/${sb.groupId}/alerts/${alert.id}`;

    const ack = await sb.api("PATCH", path, { acknowledgedUntil: "2026-03-01T12:00:00Z", acknowledgementComment: "looking" }, { accept: V2024 });
    expect(ack.status).toBe(200);
    expect(ack.headers.get("content-type")).toBe(V2024);
    expect(ack.body).toMatchObject({ acknowledgedUntil: "2026-03-01T12:00:00Z", acknowledgementComment: "looking" });

    const unack = await sb.api("PATCH", path, { unacknowledgeAlert: true }, { accept: V2024 });
    expect(unack.body.acknowledgedUntil).toBeUndefined();

    // 2023-01-01 (sunset 2027-07-01): unacknowledge by leaving acknowledgedUntil out.
    const old = await sb.api("PATCH", path, { acknowledgedUntil: "2126-03-01T10:00:00Z" });
    expect(old.status).toBe(200);
    expect(old.headers.get("content-type")).toBe(V1);
    expect(old.headers.get("sunset")).toBe("Thu, 01 Jul 2027 00:00:00 GMT");
    expect(old.body.acknowledgedUntil).toBe("2126-03-01T10:00:00Z");
    const oldUnack = await sb.api("PATCH", path, { acknowledgementComment: "done" });
    expect(oldUnack.body.acknowledgedUntil).toBeUndefined();

    const mixed = await sb.api("PATCH", path, { unacknowledgeAlert: true }, { "content-type": V1 });
    expect(mixed.status).toBe(400); // unacknowledgeAlert is not an AlertView attribute
  });

  it("wraps in an envelope and pretty-prints on request", async () => {
    const env = await sb.api("GET", `${list()}/SLACK?envelope=true&pretty=true`);
    expect(env.status).toBe(200);
    expect(env.body).toMatchObject({ status: 404, content: { errorCode: "INTEGRATION_NOT_FOUND" } });
    expect(env.text).toContain("\n  ");
    const listEnv = await sb.api("GET", `${list()}?envelope=true`);
    expect(listEnv.body.status).toBe(200);
    expect(Array.isArray(listEnv.body.results)).toBe(true);
    // These are not spec-shaped responses: keep them out of the conformance record.
    sb.recorder.exchanges.splice(-2);
  });
});
