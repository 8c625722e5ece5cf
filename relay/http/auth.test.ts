import type { FastifyRequest } from "fastify";
import { AttemptLimiter, checkAuthorization, sameOrigin } from "./auth";

const basic = (s: string) => `Basic ${Buffer.from(s).toString("base64")}`;
const CREDS = { kind: "basic" as const, username: "ops", password: "status-password-0123" };

describe("AttemptLimiter", () => {
  it("locks an account past its failures until the window ends, and keeps accounts apart", () => {
    let t = 0;
    const l = new AttemptLimiter({ maxFailures: 3, windowMs: 60_000, now: () => t });
    for (let i = 0; i < 3; i++) {
      expect(l.lockedFor("ops")).toBe(0);
      l.fail("ops");
    }
    expect(l.lockedFor("ops")).toBe(60_000);
    expect(l.lockedFor("other")).toBe(0);
    t = 59_000;
    expect(l.lockedFor("ops")).toBe(1_000);
    t = 60_000;
    expect(l.lockedFor("ops")).toBe(0);
  });
});

describe("checkAuthorization", () => {
  it.each<[string, string | undefined, { account: string; ok: boolean } | undefined]>([
    ["the right user and password", basic("ops:status-password-0123"), { account: "ops", ok: true }],
    ["a wrong password", basic("ops:guess"), { account: "ops", ok: false }],
    ["an empty password (curl -u 'ops:')", basic("ops:"), { account: "ops", ok: false }],
    ["an unknown user (all share one account)", basic("mallory:x"), { account: "(unknown user)", ok: false }],
    ["no colon", basic("ops"), { account: "ops", ok: false }],
    ["no header", undefined, undefined],
    ["another scheme", "Bearer abc", undefined],
  ])("Basic: %s", (_n, header, want) => {
    expect(checkAuthorization(header, CREDS)).toEqual(want);
  });

  it("Bearer: the endpoint's account, the token compared in constant time", () => {
    const creds = { kind: "bearer" as const, account: "admin-api", token: "t".repeat(32) };
    expect(checkAuthorization(`Bearer ${"t".repeat(32)}`, creds)).toEqual({ account: "admin-api", ok: true });
    expect(checkAuthorization("Bearer nope", creds)).toEqual({ account: "admin-api", ok: false });
    expect(checkAuthorization(basic("a:b"), creds)).toBeUndefined();
  });
});

describe("sameOrigin (state-changing requests from the page itself)", () => {
  const req = (origin: string | undefined, host = "127.0.0.1:8490") => ({ headers: { origin, host } }) as unknown as FastifyRequest;
  it.each<[string, string | undefined, string | undefined, boolean]>([
    ["the page's own origin", "http://127.0.0.1:8490", undefined, true],
    ["the public URL's origin (behind a proxy)", "https://relay.example.com", "https://relay.example.com", true],
    ["another site", "https://evil.example", undefined, false],
    ["another port", "http://127.0.0.1:9999", undefined, false],
    ["Origin: null (a sandboxed frame, a file)", "null", undefined, false],
    ["no Origin", undefined, undefined, false],
    ["a malformed Origin", "http://[::1", undefined, false],
    ["an Origin with a path", "http://127.0.0.1:8490/x", undefined, false],
  ])("%s: %s", (_n, origin, publicUrl, want) => {
    expect(sameOrigin(req(origin), publicUrl)).toBe(want);
  });
});
