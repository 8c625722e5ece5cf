import { looksRedacted, redactKey, redactSecret, redactUrl } from "./redact";
import { mmsSignature } from "./notify/webhook";
import { parseDigest } from "./auth/digest";
import { newObjectId } from "./ids";

describe("redaction and small helpers", () => {
  it("redacts like Atlas", () => {
    expect(redactKey("0123456789abcdef0123456789ab0022")).toBe("****************************0022");
    expect(redactKey("abc")).toBe("***");
    expect(redactSecret("s3cr3t")).toBe("******");
    expect(redactUrl("https://hooks.example.com:8443/a/b/c2101?x=1")).toBe("https://hooks.example.com:8443/****?x=1");
    expect(redactUrl("https://hooks.example.com/in/2101")).toBe("https://hooks.example.com/****2101");
    expect(looksRedacted("****************************0022")).toBe(true);
    expect(looksRedacted("0123456789abcdef")).toBe(false);
  });

  it("signs webhook bodies with base64 HMAC-SHA1", () => {
    // echo -n '{"a":1}' | openssl dgst -sha1 -hmac key -binary | base64
    expect(mmsSignature("key", '{"a":1}')).toBe("tVV6S488wwjRnrT2nzNjkqMe73s=");
  });

  it("parses Digest headers with quoted commas", () => {
    expect(parseDigest('Digest username="a,b", realm="MMS Public API", nc=00000001, qop=auth')).toEqual({
      username: "a,b",
      realm: "MMS Public API",
      nc: "00000001",
      qop: "auth",
    });
    expect(parseDigest("Bearer x")).toBeUndefined();
  });

  it("makes 24-hex ids", () => {
    const ids = new Set(Array.from({ length: 1000 }, newObjectId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[a-f0-9]{24}$/);
  });
});
