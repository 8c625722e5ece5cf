import { Writable } from "node:stream";
import { createLogger } from "./logger";

function capture(secrets: string[]) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger({ level: "info", secrets, destination }), text: () => lines.join("") };
}

describe("relay logger", () => {
  it("redacts a URL's whole userinfo whatever its length (a store password of 1-3 characters too)", () => {
    const { log, text } = capture([]);
    log.warn({ err: new Error("connect postgres://u:pw@db.internal:5432/relay refused") }, "store at postgresql://relay:x@db:5432/relay unreachable");
    expect(text()).not.toMatch(/u:pw|relay:x/);
    expect(text()).toContain("postgres://[REDACTED]@db.internal:5432/relay");
    expect(text()).toContain("postgresql://[REDACTED]@db:5432/relay");
  });

  it("scrubs known secrets from messages and string fields", () => {
    const { log, text } = capture(["hook-secret-0123456789"]);
    log.info({ detail: "signed with hook-secret-0123456789" }, "secret hook-secret-0123456789");
    expect(text()).not.toContain("hook-secret-0123456789");
  });
});
