import { indistinguishableRouteIds, intakeTail, webhookUrlIsRoute } from "./intake-url";

describe("webhookUrlIsRoute (a webhook URL as the project API shows it)", () => {
  it.each<[string, string, string | undefined, boolean]>([
    ["redacted, same tail", "https://relay.example.com/****ders", undefined, true],
    ["redacted, another tail", "https://relay.example.com/****ling", undefined, false],
    ["redacted, our host", "https://relay.example.com/****ders", "https://relay.example.com", true],
    ["redacted, another host", "https://other.example.com/****ders", "https://relay.example.com", false],
    ["in full, our path", "https://relay.example.com/atlas/orders", undefined, true],
    ["in full, our path behind a prefix", "https://example.com/relay/atlas/orders", undefined, true],
    ["in full, another route", "https://relay.example.com/atlas/borders", undefined, false],
    ["in full, another host", "http://127.0.0.1:9/atlas/orders", "https://relay.example.com", false],
    ["not a URL", "****ders", undefined, false],
  ])("%s", (_n, shown, publicUrl, want) => {
    expect(webhookUrlIsRoute(shown, "orders", publicUrl)).toBe(want);
  });

  it("takes the last 4 characters of /atlas/{id}, short ids included", () => {
    expect([intakeTail("orders"), intakeTail("a"), intakeTail("ab12")]).toEqual(["ders", "as/a", "ab12"]);
  });
});

describe("indistinguishableRouteIds", () => {
  it("refuses route ids whose intake URLs end alike, naming both and the fix", () => {
    expect(indistinguishableRouteIds(["orders-prod", "billing-prod", "orders-dev"])).toEqual([
      expect.stringMatching(/^routes\.1\.id: its intake URL ends like routes\.0's \("prod"\).*rename one$/),
    ]);
    expect(indistinguishableRouteIds(["orders", "billing", "a", "b"])).toEqual([]);
  });
});
