import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, configSecrets, parseConfig } from "./config";

const P = "a".repeat(24);
const KEY = "k".repeat(32);
const base = () => ({
  atlas: { clientId: { env: "ID" }, clientSecret: { env: "SECRET" } },
  routes: [{ id: "orders", projectId: P, routingKey: { env: "KEY" }, webhookSecret: { env: "HOOK" } }],
});
const env = { ID: "client-id", SECRET: "client-secret", KEY, HOOK: "hook-secret" };

const problems = (raw: unknown, e: Record<string, string> = env): string[] => {
  try {
    parseConfig(raw, { env: e });
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
};

describe("relay config", () => {
  it("resolves secrets by reference and fills defaults", () => {
    const c = parseConfig(base(), { env });
    expect(c.routes[0]).toEqual({
      id: "orders",
      projectId: P,
      routingKey: KEY,
      region: "US",
      webhookSecrets: ["hook-secret"],
      defaultSeverity: "error",
      alertConfigIds: [],
    });
    expect(c.atlas.auth).toEqual({ kind: "serviceAccount", clientId: "client-id", clientSecret: "client-secret" });
    expect(c.pagerduty).toMatchObject({ eventsPerMinute: 100, burst: 10, informs: true });
    expect(c.reconcileIntervalMs).toBe(300_000);
    expect(configSecrets(c)).toEqual(expect.arrayContaining([KEY, "hook-secret", "client-secret"]));
  });

  it("reads secret files relative to the config", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "relay-config-"));
    fs.writeFileSync(path.join(dir, "key"), `${KEY}\n`);
    const raw = base();
    raw.routes[0].routingKey = { file: "key" } as any;
    expect(parseConfig(raw, { env, baseDir: dir }).routes[0].routingKey).toBe(KEY);
  });

  it.each<[string, (c: any) => unknown, Record<string, string>, RegExp]>([
    [
      "a project id that is not one",
      (c) => {
        c.routes[0].projectId = "nope";
        return c;
      },
      env,
      /routes\.0\.projectId: 24 lowercase hexadecimal digits/,
    ],
    [
      "an inline secret",
      (c) => {
        c.routes[0].webhookSecret = "plain";
        return c;
      },
      env,
      /routes\.0\.webhookSecret/,
    ],
    ["an unset environment variable", (c) => c, { ...env, HOOK: "" }, /routes\.0\.webhookSecret: environment variable HOOK is not set/],
    [
      "a missing secret file",
      (c) => {
        c.routes[0].routingKey = { file: "/nonexistent/key" };
        return c;
      },
      env,
      /routes\.0\.routingKey: cannot read file \/nonexistent\/key \(ENOENT\)/,
    ],
    ["a key that is not 32 characters", (c) => c, { ...env, KEY: "short" }, /routes\.0\.routingKey: must be 32 letters or digits/],
    [
      "no routes",
      (c) => {
        c.routes = [];
        return c;
      },
      env,
      /routes: declare at least one route/,
    ],
    [
      "duplicate route ids",
      (c) => {
        c.routes = [c.routes[0], c.routes[0]];
        return c;
      },
      env,
      /routes\.1\.id: duplicate route id orders/,
    ],
    [
      "a route id unfit for a URL",
      (c) => {
        c.routes[0].id = "a/b";
        return c;
      },
      env,
      /routes\.0\.id: 1-64 letters/,
    ],
    [
      "an unknown region",
      (c) => {
        c.routes[0].region = "APAC";
        return c;
      },
      env,
      /routes\.0\.region/,
    ],
    [
      "no Atlas credentials",
      (c) => {
        c.atlas = {};
        return c;
      },
      env,
      /atlas: give clientId \+ clientSecret/,
    ],
    [
      "an unknown field",
      (c) => {
        c.extra = 1;
        return c;
      },
      env,
      /Unrecognized key/,
    ],
  ])("names the field and the fix for %s", (_n, change, e, want) => {
    expect(problems(change(base()), e).join("\n")).toMatch(want);
  });

  it("never puts a secret value in an error", () => {
    expect(problems(base(), { ...env, KEY: "short-secret-value" }).join("\n")).not.toContain("short-secret-value");
  });
});
