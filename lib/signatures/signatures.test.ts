import { mmsSignature, signatureHeader, verifyMmsSignature, verifyPagerDutySignature } from ".";

// Known vectors: HMAC("key", "The quick brown fox jumps over the lazy dog") as published for
// HMAC-SHA1 and HMAC-SHA256 (RFC 2104 examples reproduced in most references).
const FOX = "The quick brown fox jumps over the lazy dog";
const SHA1_HEX = "de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9";
const SHA256_HEX = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";

describe("X-MMS-Signature (Atlas webhooks)", () => {
  it("is base64 HMAC-SHA1 of the raw body", () => {
    expect(mmsSignature("key", FOX)).toBe(Buffer.from(SHA1_HEX, "hex").toString("base64"));
    expect(mmsSignature("key", Buffer.from(FOX))).toBe(mmsSignature("key", FOX));
  });
  it.each([
    ["the current secret", ["key"], true],
    ["the previous secret during rotation", ["new", "key"], true],
    ["no matching secret", ["other"], false],
    ["no secrets", [], false],
  ])("verifies with %s", (_name, secrets, ok) => {
    expect(verifyMmsSignature(secrets, FOX, mmsSignature("key", FOX))).toBe(ok);
  });
  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["not base64 of 20 bytes", "abc"],
    ["a signature of another body", mmsSignature("key", `${FOX}.`)],
  ])("rejects a header that is %s", (_name, header) => {
    expect(verifyMmsSignature(["key"], FOX, header)).toBe(false);
  });
});

describe("X-PagerDuty-Signature (webhooks v3)", () => {
  it("is v1= hex HMAC-SHA256 of the raw body", () => {
    expect(signatureHeader("key", FOX)).toBe(`v1=${SHA256_HEX}`);
  });
  it.each([
    ["one signature", `v1=${SHA256_HEX}`, true],
    ["the matching one among several (rotation)", `v1=${"0".repeat(64)}, v1=${SHA256_HEX}`, true],
    ["an unknown scheme only", `v2=${SHA256_HEX}`, false],
    ["a truncated signature", `v1=${SHA256_HEX.slice(0, 62)}`, false],
    ["a wrong signature", `v1=${"1".repeat(64)}`, false],
    ["missing", undefined, false],
  ])("verifies %s", (_name, header, ok) => {
    expect(verifyPagerDutySignature(["key"], FOX, header)).toBe(ok);
  });
  it("accepts any of several secrets", () => {
    expect(verifyPagerDutySignature(["a", "key"], FOX, `v1=${SHA256_HEX}`)).toBe(true);
  });
});
