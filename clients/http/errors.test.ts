import { REDACTED, UpstreamError, codeForStatus, scrubSecrets } from "./errors";

describe("scrubSecrets", () => {
  const key = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6";
  test.each([
    [`bad key ${key}!`, [key], `bad key ${REDACTED}!`],
    [`url ?k=${encodeURIComponent("p@ss word/1")}`, ["p@ss word/1"], `url ?k=${REDACTED}`],
    [`b64 ${Buffer.from("s3cr3t-value").toString("base64")}`, ["s3cr3t-value"], `b64 ${REDACTED}`],
    ["Authorization: Basic dXNlcjpwYXNz", [], `Authorization: Basic ${REDACTED}`],
    ['WWW-Authenticate: Basic realm="api"', [], 'WWW-Authenticate: Basic realm="api"'],
    ["authorization: Bearer eyJhbGciOi.J9.x-y_z", [], `authorization: Bearer ${REDACTED}`],
    ["Authorization: Token token=y_NbAkKc66ryYTWUXYEu", [], `Authorization: Token token=${REDACTED}`],
    ['Authorization: Digest username="pub", realm="x", response="abc"', [], `Authorization: Digest ${REDACTED}`],
    ["short secrets are ignored: abc", ["abc", ""], "short secrets are ignored: abc"],
    ["nothing to hide", [undefined], "nothing to hide"],
  ] as [string, (string | undefined)[], string][])("%p", (text, secrets, expected) => {
    expect(scrubSecrets(text, secrets)).toBe(expected);
  });

  test("a secret containing another is scrubbed whole", () => {
    expect(scrubSecrets("xx-secret-long-xx", ["secret", "xx-secret-long-xx"])).toBe(REDACTED);
  });
});

describe("codeForStatus", () => {
  test.each([
    [400, "BAD_REQUEST"],
    [422, "BAD_REQUEST"],
    [401, "UNAUTHORIZED"],
    [403, "FORBIDDEN"],
    [402, "FORBIDDEN"],
    [404, "NOT_FOUND"],
    [409, "CONFLICT"],
    [429, "RATE_LIMITED"],
    [500, "UNAVAILABLE"],
    [503, "UNAVAILABLE"],
  ])("%i → %s", (status, code) => {
    expect(codeForStatus(status)).toBe(code);
  });
});

describe("UpstreamError", () => {
  test("scrubs secrets from message, detail and path; serializes with its message", () => {
    const e = new UpstreamError("rejected key SECRETKEY1", {
      code: "BAD_REQUEST",
      service: "atlas",
      status: 400,
      method: "POST",
      path: "/x?token=SECRETKEY1",
      detail: "key SECRETKEY1 is wrong",
      attempts: 1,
      secrets: ["SECRETKEY1"],
    });
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe(`rejected key ${REDACTED}`);
    expect(e.path).toBe("/x");
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({ code: "BAD_REQUEST", message: `rejected key ${REDACTED}`, status: 400, attempts: 1 });
    expect(String(e)).toBe(`UpstreamError: rejected key ${REDACTED}`);
    expect(`${e.stack}${JSON.stringify(e)}`).not.toContain("SECRETKEY1");
    expect(e.ambiguous).toBe(false);
  });
});
