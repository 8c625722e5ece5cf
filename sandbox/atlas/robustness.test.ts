import * as net from "node:net";
import { request } from "../../test/support/fetch";
import { PD_KEY, startAtlas, V1, type AtlasHarness } from "../../test/support/atlas/harness";
import { DEFAULT_ALERT_CONFIGS } from "../../catalog/default-alert-configs";

describe("robustness: garbage in, Atlas errors out, still serving", () => {
  let sb: AtlasHarness;
  const cfgs = () => `/api/atlas/v2/groups/${sb.groupId}/alertConfigs`;

  beforeAll(async () => {
    sb = await startAtlas();
  });
  afterAll(async () => {
    const errors = sb.conformance();
    await sb.close();
    expect(errors).toEqual([]);
  });

  const raw = async (method: string, path: string, body: string | Buffer | undefined, headers: Record<string, string> = {}) => {
    return request(sb.url + path, {
      method,
      headers: { accept: V1, "content-type": V1, authorization: `Bearer ${await sb.token()}`, ...headers },
      body,
    });
  };

  it.each<[string, string | Buffer, number, string]>([
    ["malformed JSON", '{"eventTypeName": "NO_PRIMARY",', 400, "INVALID_JSON"],
    ["binary junk", Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x7b]), 400, "INVALID_JSON"],
    ["a JSON string", '"hello"', 400, "INVALID_JSON"],
    ["JSON null", "null", 400, "INVALID_JSON"],
    ["an array", "[]", 400, "INVALID_JSON"],
    ["__proto__ smuggling", '{"__proto__": {"enabled": true}, "eventTypeName": "NO_PRIMARY"}', 400, "INVALID_ATTRIBUTE"],
    ["deep nesting", `{"eventTypeName":"NO_PRIMARY","matchers":${"[".repeat(2000)}${"]".repeat(2000)},"notifications":[]}`, 400, "INVALID_JSON_ATTRIBUTE"],
    ["notifications not an array", '{"eventTypeName":"NO_PRIMARY","notifications":{"typeName":"PAGER_DUTY"}}', 400, "INVALID_JSON_ATTRIBUTE"],
    ["notification not an object", '{"eventTypeName":"NO_PRIMARY","notifications":[42]}', 400, "INVALID_JSON_ATTRIBUTE"],
  ])("%s", async (_label, body, status, code) => {
    const res = await raw("POST", cfgs(), body);
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.body).toMatchObject({ error: status, errorCode: code });
  });

  it("refuses bodies over 1 MB with 413", async () => {
    const big = JSON.stringify({ eventTypeName: "NO_PRIMARY", filler: "x".repeat(1024 * 1024 + 10) });
    const res = await raw("POST", cfgs(), big);
    expect(res.status).toBe(413);
    expect(res.body.errorCode).toBe("PAYLOAD_TOO_LARGE");
  });

  it("answers unknown paths, methods and odd ids with Atlas 404s", async () => {
    // An undecodable path (%ff) names no resource either.
    for (const p of [
      "/api/atlas/v2/nothing",
      `/api/atlas/v2/groups/${sb.groupId}/clusters`,
      "/api/atlas/v2/groups/%00%ff/alerts",
      "/api/atlas/v2/groups/ÿÿÿ/alerts",
      "/elsewhere",
    ]) {
      const res = await raw("GET", p, undefined);
      expect([p, res.status]).toEqual([p, 404]);
      expect(res.body.errorCode).toMatch(/RESOURCE_NOT_FOUND|INVALID_GROUP_ID/);
    }
    expect((await raw("PATCH", `/api/atlas/v2/groups/${sb.groupId}/integrations`, "{}")).status).toBe(404);
    expect((await raw("GET", `/api/atlas/v2/groups/${sb.groupId}/alerts/zzz`, undefined)).body.errorCode).toBe("INVALID_ALERT_ID");
    expect((await raw("GET", `/api/atlas/v2/groups/${sb.groupId}/alerts?status=BROKEN`, undefined)).body.errorCode).toBe("INVALID_ENUM_VALUE");
    expect((await raw("GET", `/api/atlas/v2/groups/${sb.groupId}/integrations?pageNum=abc`, undefined)).body.errorCode).toBe("INVALID_QUERY_PARAMETER");
  });

  it("survives raw socket garbage and a burst of concurrent requests", async () => {
    const { port } = new URL(sb.url);
    await new Promise<void>((resolve) => {
      const s = net.connect(Number(port), "127.0.0.1", () => {
        s.write("\x00\x01GARBAGE / HTTP/9.9\r\nContent-Length: -5\r\n\r\n\xff\xff");
        s.end();
      });
      s.resume(); // read (and drop) the 400 so the socket can close
      s.on("error", () => resolve());
      s.on("close", () => resolve());
    });
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? sb.api("POST", `/api/atlas/v2/groups/${sb.groupId}/alertConfigs`, {
              eventTypeName: "NO_PRIMARY",
              notifications: [{ typeName: "PAGER_DUTY", serviceKey: PD_KEY }],
            })
          : raw("POST", cfgs(), "{oops"),
      ),
    );
    expect(burst.map((r) => r.status).sort()).toEqual([...Array(20).fill(201), ...Array(20).fill(400)].sort());
    const list = await sb.api("GET", `${cfgs()}?itemsPerPage=500`);
    expect(list.status).toBe(200);
    expect(list.body.totalCount).toBe(DEFAULT_ALERT_CONFIGS.length + 20); // the project's defaults and the 20 created
  });
});
