import { startWorld, type RelayWorld } from "../../support/relay";

/** The status page against an auditor: forged or missing origins, framing, password guessing. */
let w: RelayWorld;
beforeAll(async () => {
  w = await startWorld();
}, 30_000);
afterAll(async () => w?.close());

const auth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const good = () => auth("ops", w.env.STATUS_PASSWORD);

describe("the status page's Retry (a state-changing POST)", () => {
  it.each<[string, Record<string, string>]>([
    ["Origin: null", { origin: "null" }],
    ["no Origin", {}],
    ["a malformed Origin (was a 500)", { origin: "http://[" }],
    ["another site's Origin", { origin: "https://evil.example" }],
  ])("refuses %s with 403", async (_n, headers) => {
    const res = await fetch(`${w.relay.url}/jobs/1/retry`, { method: "POST", headers: { authorization: good(), ...headers } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: "foreign_origin" });
  });

  it("takes its own origin (here: no such dead letter, 409)", async () => {
    const res = await fetch(`${w.relay.url}/jobs/1/retry`, { method: "POST", headers: { authorization: good(), origin: w.relay.url } });
    expect(res.status).toBe(409);
  });
});

it("is never framed: frame-ancestors 'none' and X-Frame-Options DENY", async () => {
  const res = await fetch(`${w.relay.url}/`, { headers: { authorization: good() } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
  expect(res.headers.get("x-frame-options")).toBe("DENY");
});

describe("failed sign-ins are limited per account, not per client address", () => {
  it("guessing other user names locks out no real user", async () => {
    for (let i = 0; i < 12; i++) await fetch(`${w.relay.url}/`, { headers: { authorization: auth(`guess${i}`, "x") } });
    expect((await fetch(`${w.relay.url}/`, { headers: { authorization: good() } })).status).toBe(200);
  });

  it("10 wrong passwords for ops lock ops out for the window, the right password included (429, Retry-After)", async () => {
    for (let i = 0; i < 10; i++) expect((await fetch(`${w.relay.url}/`, { headers: { authorization: auth("ops", `guess-${i}`) } })).status).toBe(401);
    const locked = await fetch(`${w.relay.url}/`, { headers: { authorization: good() } });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    const retry = await fetch(`${w.relay.url}/jobs/1/retry`, { method: "POST", headers: { authorization: good(), origin: w.relay.url } });
    expect(retry.status).toBe(429);
  });
});
