import { PD_KEY, PD_KEY_2, startAtlas, type AtlasHarness } from "../../test/support/atlas/harness";

describe("third-party integrations", () => {
  let sb: AtlasHarness;
  const base = () => `/api/atlas/v2/groups/${sb.groupId}/integrations`;

  beforeEach(async () => {
    sb = await startAtlas();
  });
  afterEach(async () => {
    const errors = sb.conformance();
    await sb.close();
    expect(errors).toEqual([]);
  });

  it("creates, reads redacted, updates, conflicts and deletes a PAGER_DUTY integration", async () => {
    const created = await sb.api("POST", `${base()}/PAGER_DUTY`, { type: "PAGER_DUTY", serviceKey: PD_KEY });
    expect(created.status).toBe(200);
    expect(created.headers.get("content-type")).toBe("application/vnd.atlas.2023-01-01+json");
    // POST answers with the project's whole list, not the object.
    expect(created.body.totalCount).toBe(1);
    const pd = created.body.results[0];
    expect(pd).toEqual({ id: expect.stringMatching(/^[a-f0-9]{24}$/), type: "PAGER_DUTY", serviceKey: "****************************0022", region: "US" });
    expect(created.text).not.toContain(PD_KEY);

    const got = await sb.api("GET", `${base()}/PAGER_DUTY`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(pd);

    const again = await sb.api("POST", `${base()}/PAGER_DUTY`, { type: "PAGER_DUTY", serviceKey: PD_KEY_2 });
    expect(again.status).toBe(409);
    expect(again.headers.get("content-type")).toBe("application/json");
    expect(again.headers.get("x-error-code")).toBe("INTEGRATION_ALREADY_CONFIGURED");
    expect(again.body).toMatchObject({ error: 409, errorCode: "INTEGRATION_ALREADY_CONFIGURED", reason: "Conflict" });

    // Sending back what a GET returned is refused: the real key lives only with the caller.
    const redactedBack = await sb.api("PUT", `${base()}/PAGER_DUTY`, got.body);
    expect(redactedBack.status).toBe(400);
    expect(redactedBack.body.errorCode).toBe("INVALID_ATTRIBUTE");
    expect(redactedBack.body.detail).toMatch(/redacted/);
    expect(redactedBack.body.badRequestDetail.fields[0].field).toBe("serviceKey");

    const put = await sb.api("PUT", `${base()}/PAGER_DUTY`, { id: pd.id, type: "PAGER_DUTY", serviceKey: PD_KEY_2, region: "EU" });
    expect(put.status).toBe(200);
    expect(put.body.results[0]).toEqual({ id: pd.id, type: "PAGER_DUTY", serviceKey: "****************************1111", region: "EU" });

    const del = await sb.api("DELETE", `${base()}/PAGER_DUTY`);
    expect(del.status).toBe(204);
    expect(del.text).toBe("");
    expect((await sb.api("GET", `${base()}/PAGER_DUTY`)).status).toBe(404);
    expect((await sb.api("DELETE", `${base()}/PAGER_DUTY`)).body.errorCode).toBe("INTEGRATION_NOT_FOUND");
    expect((await sb.api("PUT", `${base()}/PAGER_DUTY`, { serviceKey: PD_KEY })).status).toBe(404);
  });

  it("validates PagerDuty keys as 32 hexadecimal digits", async () => {
    for (const serviceKey of ["R0123456789abcdef0123456789abcd", "0123456789abcdef", "g123456789abcdef0123456789abcdef"]) {
      const res = await sb.api("POST", `${base()}/PAGER_DUTY`, { type: "PAGER_DUTY", serviceKey });
      expect(res.status).toBe(400);
      expect(res.body.detail).toMatch(/32 hexadecimal digits/);
    }
    const missing = await sb.api("POST", `${base()}/PAGER_DUTY`, { type: "PAGER_DUTY" });
    expect(missing.body).toMatchObject({ errorCode: "MISSING_ATTRIBUTE", parameters: ["serviceKey"] });
    const region = await sb.api("POST", `${base()}/PAGER_DUTY`, { type: "PAGER_DUTY", serviceKey: PD_KEY, region: "APAC" });
    expect(region.body).toMatchObject({ errorCode: "INVALID_ENUM_VALUE", parameters: ["APAC"] });
    const mismatch = await sb.api("POST", `${base()}/PAGER_DUTY`, { type: "WEBHOOK", url: "https://example.com/x" });
    expect(mismatch.body.errorCode).toBe("INVALID_ATTRIBUTE");
    const unknown = await sb.api("POST", `${base()}/PAGER_DUTY`, { type: "PAGER_DUTY", serviceKey: PD_KEY, colour: "red" });
    expect(unknown.body).toMatchObject({ errorCode: "INVALID_ATTRIBUTE", parameters: ["colour"] });
    const badType = await sb.api("GET", `${base()}/NOT_A_TYPE`);
    expect(badType.status).toBe(400);
    expect(badType.body.errorCode).toBe("INVALID_ENUM_VALUE");
  });

  it("redacts webhook URLs and secrets", async () => {
    const res = await sb.api("POST", `${base()}/WEBHOOK`, { type: "WEBHOOK", url: "https://hooks.example.com/atlas/abc/2101", secret: "s3cr3t-webhook" });
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toEqual({ id: expect.any(String), type: "WEBHOOK", url: "https://hooks.example.com/****2101", secret: "**************" });
    const back = await sb.api("PUT", `${base()}/WEBHOOK`, { type: "WEBHOOK", url: "https://hooks.example.com/****2101" });
    expect(back.status).toBe(400);
    expect(back.body.detail).toMatch(/redacted/);
  });

  it("pages the list with self/next/previous links until there is no next", async () => {
    await sb.api("POST", `${base()}/PAGER_DUTY`, { serviceKey: PD_KEY });
    await sb.api("POST", `${base()}/WEBHOOK`, { url: "https://example.com/hook" });
    await sb.api("POST", `${base()}/DATADOG`, { type: "DATADOG", apiKey: "dd0123456789" });
    await sb.api("POST", `${base()}/OPS_GENIE`, { type: "OPS_GENIE", apiKey: "og-key-9876", region: "EU" });
    await sb.api("POST", `${base()}/VICTOR_OPS`, { type: "VICTOR_OPS", apiKey: "vo-key-5555", routingKey: "ops" });

    const seen: string[] = [];
    let next: string | undefined = `${base()}?itemsPerPage=2`;
    let pages = 0;
    while (next) {
      const res = await sb.api("GET", next);
      expect(res.status).toBe(200);
      expect(res.body.totalCount).toBe(5);
      seen.push(...res.body.results.map((r: { type: string }) => r.type));
      const self = res.body.links.find((l: { rel: string }) => l.rel === "self");
      expect(self.href).toContain(`pageNum=${pages + 1}`);
      if (pages > 0) expect(res.body.links.some((l: { rel: string }) => l.rel === "previous")).toBe(true);
      const n = res.body.links.find((l: { rel: string }) => l.rel === "next");
      next = n ? new URL(n.href).pathname + new URL(n.href).search : undefined;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(["PAGER_DUTY", "WEBHOOK", "DATADOG", "OPS_GENIE", "VICTOR_OPS"]);
    const dd = (await sb.api("GET", `${base()}/DATADOG`)).body;
    expect(dd).toEqual({ id: expect.any(String), type: "DATADOG", apiKey: "********6789", region: "US" });

    const noCount = await sb.api("GET", `${base()}?includeCount=false&pageNum=9`);
    expect(noCount.body.results).toEqual([]);
    expect(noCount.body.totalCount).toBeUndefined();
    const tooMany = await sb.api("GET", `${base()}?itemsPerPage=501`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errorCode).toBe("INVALID_QUERY_PARAMETER");
  });

  it("answers 404 for unknown projects and INVALID_GROUP_ID for malformed ids", async () => {
    const unknown = await sb.api("GET", "/api/atlas/v2/groups/5f00000000000000000000ff/integrations");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      detail: "No group with ID 5f00000000000000000000ff exists.",
      error: 404,
      errorCode: "GROUP_NOT_FOUND",
      parameters: ["5f00000000000000000000ff"],
      reason: "Not Found",
    });
    const malformed = await sb.api("GET", "/api/atlas/v2/groups/not-a-group/integrations");
    expect(malformed.status).toBe(404);
    expect(malformed.body.errorCode).toBe("INVALID_GROUP_ID");
  });
});
