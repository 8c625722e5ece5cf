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
const HOOK = "hook-secret-0123456789";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "relay-config-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const env = { ID: "client-id", SECRET: "client-secret", KEY, HOOK };

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
      webhookSecrets: [HOOK],
      defaultSeverity: "error",
      alertConfigIds: [],
    });
    expect(c.atlas.auth).toEqual({ kind: "serviceAccount", clientId: "client-id", clientSecret: "client-secret" });
    expect(c.pagerduty).toMatchObject({ eventsPerMinute: 100, burst: 10, informs: true });
    expect(c.reconcileIntervalMs).toBe(300_000);
    expect(c.http).toEqual({ requestTimeoutSeconds: 10, headersTimeoutSeconds: 5, keepAliveTimeoutSeconds: 5, maxConnections: 1000, bodyLimitBytes: 65536 });
    expect(c.drainMs).toBe(10_000);
    expect(c.retentionMs).toBe(30 * 86_400_000);
    expect(configSecrets(c)).toEqual(expect.arrayContaining([KEY, HOOK, "client-secret"]));
    expect(c.warnings).toEqual([]);
  });

  it("reads secret files relative to the config", () => {
    const dir = fs.mkdtempSync(path.join(tmp, "c-"));
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
      /routes\.0\.webhookSecret: a secret is never written in the config itself: give a reference, \{"env": "VARIABLE"\} or \{"file": "\/path\/to\/file"\}/,
    ],
    [
      "a missing secret",
      (c) => {
        delete c.routes[0].webhookSecret;
        return c;
      },
      env,
      /routes\.0\.webhookSecret: required: give a reference, \{"env": "VARIABLE"\} or \{"file"/,
    ],
    [
      "a reference of neither kind",
      (c) => {
        c.routes[0].webhookSecret = { variable: "HOOK" };
        return c;
      },
      env,
      /routes\.0\.webhookSecret: not a secret reference: give a reference/,
    ],
    ["a secret variable holding a space", (c) => c, { ...env, HOOK: " " }, /routes\.0\.webhookSecret: environment variable HOOK holds only whitespace/],
    ["a secret variable holding a newline", (c) => c, { ...env, HOOK: "\n" }, /routes\.0\.webhookSecret: environment variable HOOK holds only whitespace/],
    ["a one-character webhook secret", (c) => c, { ...env, HOOK: "x" }, /routes\.0\.webhookSecret: 1 characters; it must be at least 16/],
    [
      "a short previous webhook secret",
      (c) => {
        c.routes[0].previousWebhookSecret = { env: "OLD" };
        return c;
      },
      { ...env, OLD: " fifteen-chars!! \n" },
      /routes\.0\.previousWebhookSecret: 15 characters; it must be at least 16 \(generate one with: openssl rand -hex 32\)/,
    ],
    [
      "a blank status page password",
      (c) => {
        c.statusPage = { username: "ops", password: { env: "PW" } };
        return c;
      },
      { ...env, PW: " \t\n" },
      /statusPage\.password: environment variable PW holds only whitespace/,
    ],
    [
      "a short status page password",
      (c) => {
        c.statusPage = { username: "ops", password: { env: "PW" } };
        return c;
      },
      { ...env, PW: "hunter2" },
      /statusPage\.password: 7 characters; it must be at least 16/,
    ],
    [
      "a blank status page user",
      (c) => {
        c.statusPage = { username: " ", password: { env: "HOOK" } };
        return c;
      },
      env,
      /statusPage\.username: a user name/,
    ],
    [
      "a short PagerDuty webhook secret",
      (c) => {
        c.pagerduty = { webhookSecrets: [{ env: "PDH" }] };
        return c;
      },
      { ...env, PDH: "abc" },
      /pagerduty\.webhookSecrets\.0: 3 characters; it must be at least 16/,
    ],
    [
      "two routes sharing a webhook secret",
      (c) => {
        c.routes = [c.routes[0], { ...c.routes[0], id: "billing" }];
        return c;
      },
      env,
      /routes\.1\.webhookSecret: the same secret as routes\.0\.webhookSecret; give each route its own/,
    ],
    [
      "a route's previous secret that is another route's current one",
      (c) => {
        c.routes = [c.routes[0], { ...c.routes[0], id: "billing", webhookSecret: { env: "OTHER" }, previousWebhookSecret: { env: "HOOK" } }];
        return c;
      },
      { ...env, OTHER: "other-secret-0123456789" },
      /routes\.1\.previousWebhookSecret: the same secret as routes\.0\.webhookSecret/,
    ],
    ["a blank Atlas client secret", (c) => c, { ...env, SECRET: "\n" }, /atlas\.clientSecret: environment variable SECRET holds only whitespace/],
    [
      "a blank secret file",
      (c) => {
        const dir = fs.mkdtempSync(path.join(tmp, "c-"));
        fs.writeFileSync(path.join(dir, "hook"), "  \n");
        c.routes[0].webhookSecret = { file: path.join(dir, "hook") };
        return c;
      },
      env,
      /routes\.0\.webhookSecret: file .*hook is empty \(or only whitespace\)/,
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
      "two route ids the project API would show alike",
      (c) => {
        c.routes = [
          { ...c.routes[0], id: "orders-prod" },
          { ...c.routes[0], id: "billing-prod", webhookSecret: { env: "OTHER" } },
        ];
        return c;
      },
      { ...env, OTHER: "other-secret-0123456789" },
      /routes\.1\.id: its intake URL ends like routes\.0's \("prod"\)/,
    ],
    [
      "a headers timeout longer than the request timeout",
      (c) => {
        c.http = { requestTimeoutSeconds: 2, headersTimeoutSeconds: 5 };
        return c;
      },
      env,
      /http: headersTimeoutSeconds must not exceed requestTimeoutSeconds/,
    ],
    [
      "a body limit too small for a webhook",
      (c) => {
        c.http = { bodyLimitBytes: 10 };
        return c;
      },
      env,
      /http\.bodyLimitBytes/,
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
    expect(problems(base(), { ...env, HOOK: "tiny-secret" }).join("\n")).not.toContain("tiny-secret");
  });

  it("trims secrets (a Kubernetes secret made from a file ends in a newline) and lets one route keep its previous secret equal to the current", () => {
    const raw: any = base();
    raw.routes[0].previousWebhookSecret = { env: "HOOK" };
    const c = parseConfig(raw, { env: { ...env, HOOK: `${HOOK}\n` } });
    expect(c.routes[0].webhookSecrets).toEqual([HOOK, HOOK]);
  });

  it.each<[string, (c: any, dir: string) => void, RegExp[]]>([
    [
      "a world-readable secret file",
      (c, dir) => {
        fs.writeFileSync(path.join(dir, "hook"), HOOK, { mode: 0o644 });
        fs.chmodSync(path.join(dir, "hook"), 0o644);
        c.routes[0].webhookSecret = { file: "hook" };
      },
      [/^routes\.0\.webhookSecret: file .*hook is readable by every user \(mode 644\); chmod 600 it$/],
    ],
    ["a plain-http publicUrl on a network", (c) => (c.publicUrl = "http://relay.example.com"), [/^publicUrl: http:\/\/relay\.example\.com is not https/]],
    ["a plain-http publicUrl on loopback", (c) => (c.publicUrl = "http://127.0.0.1:8490"), []],
    ["an https publicUrl", (c) => (c.publicUrl = "https://relay.example.com"), []],
    [
      "an owner-only secret file",
      (c, dir) => {
        fs.writeFileSync(path.join(dir, "hook"), HOOK, { mode: 0o600 });
        c.routes[0].webhookSecret = { file: "hook" };
      },
      [],
    ],
  ])("warns about %s", (_n, change, want) => {
    const dir = fs.mkdtempSync(path.join(tmp, "c-"));
    const raw: any = base();
    change(raw, dir);
    const c = parseConfig(raw, { env, baseDir: dir });
    expect(c.warnings).toHaveLength(want.length);
    for (const [i, w] of want.entries()) expect(c.warnings[i]).toMatch(w);
  });
});
