import { RETRY_DEFAULTS, defaultRetryPolicy } from "../clients/http/retry";
import { CONFIG_NAMESPACES, configProblems, readProviderConfig, SETTINGS } from "./config";

const stack = (values: Record<string, string>) => ({ get: (k: string) => values[k] });

describe("readProviderConfig", () => {
  it("defaults are the README's and the HTTP client's one set of retry defaults", () => {
    const cfg = readProviderConfig(stack({}), {});
    expect(cfg).toMatchObject({
      atlasBaseUrl: "https://cloud.mongodb.com",
      pagerdutyEventsUrl: { US: "https://events.pagerduty.com", EU: "https://events.eu.pagerduty.com" },
      pagerdutyRestUrl: { US: "https://api.pagerduty.com", EU: "https://api.eu.pagerduty.com" },
      timeoutMs: 10_000,
      retry: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 20_000 },
    });
    const policy = defaultRetryPolicy();
    expect(cfg.retry).toEqual({ maxAttempts: policy.maxAttempts, baseDelayMs: policy.baseDelayMs, maxDelayMs: policy.maxDelayMs });
    expect(cfg.timeoutMs).toBe(RETRY_DEFAULTS.timeoutMs);
    expect(cfg.atlasAuth).toBeUndefined();
    expect(cfg.pagerdutyToken).toBeUndefined();
  });

  it("the README's configuration table lists every setting with its default", () => {
    const readme = require("node:fs").readFileSync(require("node:path").join(__dirname, "../README.md"), "utf8") as string;
    for (const s of Object.values(SETTINGS)) {
      const row = readme.split("\n").find((l) => l.startsWith(`| \`pdac:${s.key}\``));
      expect(row).toBeDefined();
      expect(row).toContain(`\`${s.env}\``);
      if ("fallback" in s) expect(row).toContain(`\`${s.fallback}\``);
    }
  });

  it.each<[string, Record<string, string>, Record<string, string>, number]>([
    ["stack config beats the environment", { "pdac:httpTimeoutMs": "2000" }, { PDAC_HTTP_TIMEOUT_MS: "3000" }, 2000],
    ["the environment when stack config is unset", {}, { PDAC_HTTP_TIMEOUT_MS: "3000" }, 3000],
    ["a blank stack value falls back to the environment", { "pdac:httpTimeoutMs": "" }, { PDAC_HTTP_TIMEOUT_MS: "3000" }, 3000],
    ["a blank environment value falls back to the default", {}, { PDAC_HTTP_TIMEOUT_MS: "  " }, 10_000],
    ["surrounding spaces are ignored", { "pdac:httpTimeoutMs": " 2500 " }, {}, 2500],
  ])("%s", (_name, config, env, timeoutMs) => {
    expect(readProviderConfig(stack(config), env).timeoutMs).toBe(timeoutMs);
  });

  it("stack config beats the environment for credentials and URLs too", () => {
    const cfg = readProviderConfig(
      stack({ "pdac:atlasClientId": "from-stack", "pdac:atlasClientSecret": "stack-secret", "pdac:atlasBaseUrl": "http://127.0.0.1:8480/" }),
      { MONGODB_ATLAS_CLIENT_ID: "from-env", MONGODB_ATLAS_CLIENT_SECRET: "env-secret", MONGODB_ATLAS_BASE_URL: "https://elsewhere.example" },
    );
    expect(cfg.atlasAuth).toEqual({ kind: "serviceAccount", clientId: "from-stack", clientSecret: "stack-secret" });
    expect(cfg.atlasBaseUrl).toBe("http://127.0.0.1:8480");
  });

  it.each<[string, string, string, boolean]>([
    ["httpTimeoutMs", "PDAC_HTTP_TIMEOUT_MS", "99", false],
    ["httpTimeoutMs", "PDAC_HTTP_TIMEOUT_MS", "100", true],
    ["httpTimeoutMs", "PDAC_HTTP_TIMEOUT_MS", "0", false],
    ["httpTimeoutMs", "PDAC_HTTP_TIMEOUT_MS", "300000", true],
    ["httpTimeoutMs", "PDAC_HTTP_TIMEOUT_MS", "300001", false],
    ["httpTimeoutMs", "PDAC_HTTP_TIMEOUT_MS", "1.5e3", false],
    ["retryMaxAttempts", "PDAC_RETRY_MAX_ATTEMPTS", "0", false],
    ["retryMaxAttempts", "PDAC_RETRY_MAX_ATTEMPTS", "1", true],
    ["retryMaxAttempts", "PDAC_RETRY_MAX_ATTEMPTS", "10", true],
    ["retryMaxAttempts", "PDAC_RETRY_MAX_ATTEMPTS", "11", false],
    ["retryMaxAttempts", "PDAC_RETRY_MAX_ATTEMPTS", "1000000000", false],
    ["retryMaxAttempts", "PDAC_RETRY_MAX_ATTEMPTS", "2.5", false],
    ["retryMaxAttempts", "PDAC_RETRY_MAX_ATTEMPTS", "-1", false],
    ["retryMaxAttempts", "PDAC_RETRY_MAX_ATTEMPTS", "five", false],
    ["retryBaseDelayMs", "PDAC_RETRY_BASE_DELAY_MS", "0", true],
    ["retryBaseDelayMs", "PDAC_RETRY_BASE_DELAY_MS", "20000", true], // equal to the default maximum delay
    ["retryBaseDelayMs", "PDAC_RETRY_BASE_DELAY_MS", "20001", false], // above the default maximum delay
    ["retryBaseDelayMs", "PDAC_RETRY_BASE_DELAY_MS", "60001", false],
    ["retryMaxDelayMs", "PDAC_RETRY_MAX_DELAY_MS", "300000", true],
    ["retryMaxDelayMs", "PDAC_RETRY_MAX_DELAY_MS", "300001", false],
    ["retryMaxDelayMs", "PDAC_RETRY_MAX_DELAY_MS", "499", false], // below the default base delay
    ["retryMaxDelayMs", "PDAC_RETRY_MAX_DELAY_MS", "500", true],
  ])("%s = %s: accepted %s", (key, env, value, ok) => {
    for (const [config, environment] of [
      [{ [`pdac:${key}`]: value }, {}],
      [{}, { [env]: value }],
    ] as const) {
      const read = () => readProviderConfig(stack(config as Record<string, string>), environment as Record<string, string>);
      if (ok) expect(read).not.toThrow();
      else expect(read).toThrow(new RegExp(`pdac:(${key}|retryMaxDelayMs) \\(`));
    }
  });

  it("an out-of-range value is refused with the setting, the bounds and the fix", () => {
    expect(() => readProviderConfig(stack({ "pdac:httpTimeoutMs": "0" }), {})).toThrow(
      /pdac:httpTimeoutMs \(or PDAC_HTTP_TIMEOUT_MS\) is "0": it must be a whole number from 100 to 300000 \(default 10000\); fix it with pulumi config set pdac:httpTimeoutMs/,
    );
  });

  it.each(["not a url", "ftp://example.com", "https://user:pass@example.com", "https://example.com/?token=x"])("refuses the URL %s", (value) => {
    expect(() => readProviderConfig(stack({ "pdac:atlasBaseUrl": value }), {})).toThrow(
      /pdac:atlasBaseUrl \(or MONGODB_ATLAS_BASE_URL\) must be an absolute http\(s\) URL/,
    );
  });

  it("a refused setting is a real Error (the provider host prints its message)", () => {
    let err: unknown;
    try {
      readProviderConfig(stack({ "pdac:retryMaxAttempts": "0" }), {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Error);
    expect(String(err)).toMatch(/^ProviderError: pdac:retryMaxAttempts/);
  });

  // Both front doors read every setting: the dynamic provider under pdac:, the plugin under
  // pagerduty-as-code: (the engine hands a plugin only its own package's config), with the same
  // environment variables, so a setting added to SETTINGS reaches both.
  describe.each(Object.values(CONFIG_NAMESPACES))("under the namespace %s", (ns) => {
    const other = ns === CONFIG_NAMESPACES.dynamic ? CONFIG_NAMESPACES.plugin : CONFIG_NAMESPACES.dynamic;

    const PARTNER: Record<string, string> = {
      atlasClientId: "atlasClientSecret",
      atlasClientSecret: "atlasClientId",
      atlasPublicKey: "atlasPrivateKey",
      atlasPrivateKey: "atlasPublicKey",
    };
    const sampleValueOf = (key: string) =>
      /Url/.test(key) ? "http://127.0.0.1:9999" : /Attempts/.test(key) ? "7" : /Ms$/.test(key) ? "4321" : `value-of-${key}`;

    it.each(Object.keys(SETTINGS))("%s: from the stack under this namespace only, else from its environment variable", (name) => {
      const keys = [name, PARTNER[name]].filter(Boolean).map((n) => SETTINGS[n]);
      const seen = (cfg: ReturnType<typeof readProviderConfig>) => JSON.stringify(cfg).includes(sampleValueOf(name).replace("http://", ""));
      const from = (prefix: string) => Object.fromEntries(keys.map((k) => [`${prefix}:${k.key}`, sampleValueOf(k.key)]));
      expect(seen(readProviderConfig(stack(from(ns)), {}, ns))).toBe(true);
      expect(seen(readProviderConfig(stack(from(other)), {}, ns))).toBe(false);
      expect(seen(readProviderConfig(stack({}), Object.fromEntries(keys.map((k) => [k.env, sampleValueOf(k.key)])), ns))).toBe(true);
    });

    it("messages name the keys of this namespace", () => {
      expect(() => readProviderConfig(stack({ [`${ns}:httpTimeoutMs`]: "0" }), {}, ns)).toThrow(
        new RegExp(`^${ns}:httpTimeoutMs \\(or PDAC_HTTP_TIMEOUT_MS\\) is "0".*pulumi config set ${ns}:httpTimeoutMs`),
      );
      const problems = configProblems(readProviderConfig(stack({}), {}, ns));
      expect(problems).toEqual([{ property: `${ns}:atlasClientId`, reason: expect.stringContaining(`--secret ${ns}:atlasClientSecret`) }]);
      expect(problems[0].reason).not.toContain(`${other}:`);
    });
  });
});
