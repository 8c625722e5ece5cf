import { startAtlas, type AtlasHarness } from "../../test/support/atlas/harness";

describe("rate limits (token bucket per project)", () => {
  let sb: AtlasHarness;
  afterEach(async () => {
    const errors = sb.conformance();
    await sb.close();
    expect(errors).toEqual([]);
  });

  it("counts down RateLimit-Remaining, answers 429 with Retry-After, refills with the clock", async () => {
    sb = await startAtlas({ rateLimit: { capacity: 3, refillPerSecond: 0.5 } });
    const path = `/api/atlas/v2/groups/${sb.groupId}/alertConfigs`;
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await sb.api("GET", path);
      expect(r.status).toBe(200);
      expect(r.headers.get("ratelimit-limit")).toBe("3");
      remaining.push(r.headers.get("ratelimit-remaining")!);
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const limited = await sb.api("GET", path);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    expect(limited.headers.get("x-error-code")).toBe("RATE_LIMITED_TOKEN_BUCKET");
    expect(limited.body).toMatchObject({ error: 429, errorCode: "RATE_LIMITED_TOKEN_BUCKET", reason: "Too Many Requests" });

    // Another project has its own bucket.
    const other = await sb.api("GET", "/api/atlas/v2/groups/5f00000000000000000000aa/alertConfigs");
    expect(other.status).toBe(404);

    sb.clock.advance(1_000);
    expect((await sb.api("GET", path)).status).toBe(429);
    sb.clock.advance(1_000);
    const again = await sb.api("GET", path);
    expect(again.status).toBe(200);
    expect(again.headers.get("ratelimit-remaining")).toBe("0");
  });

  it("is off by default", async () => {
    sb = await startAtlas();
    const r = await sb.api("GET", `/api/atlas/v2/groups/${sb.groupId}/alertConfigs`);
    expect(r.headers.get("ratelimit-limit")).toBeNull();
  });
});
