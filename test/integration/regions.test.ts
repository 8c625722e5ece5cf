/**
 * PagerDuty regions come from one table, lib/regions.ts: every place that lists regions derives from it.
 * The table tests run over REGIONS (a new row is covered without editing them); the scan fails when a
 * literal list of regions reappears anywhere else.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_REGION, pagerDutyUrlSettings, REGION_NAMES, REGIONS, type Region, regionalEnv, regionalKey, regionRecord } from "../../lib/regions";
import { openDb } from "../../lib/sqlite";
import { makeClients } from "../../provider/clients";
import { readProviderConfig, SETTINGS } from "../../provider/config";
import { checkIntegration } from "../../provider/integration/check";
import { checkRouting } from "../../provider/routing/check";
import { ConfigError, parseConfig } from "../../relay/config";
import { startSandbox } from "../../sandbox";
import { resolveChannel } from "../../sandbox/atlas/lifecycle/channels";
import { INTEGRATION_RULES } from "../../sandbox/atlas/integrations/rules";
import { NOTIFICATION_RULES } from "../../sandbox/atlas/alert-configs/notification-rules";
import { main as sandboxCli } from "../../sandbox/cli";
import { migratePagerDuty } from "../../sandbox/pagerduty/migrations";
import { closeAtEnd } from "../support/cleanup";
import { repoRoot } from "../support/provider-host";
import { tsFiles } from "../support/repo-files";

const PROJECT = "5f1e2d3c4b5a69788796a5b4";
const KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const configured = readProviderConfig({ get: (k: string) => ({ "pdac:atlasClientId": "id", "pdac:atlasClientSecret": "secret" })[k] }, {});
const NOT_A_REGION = "XX";

/** Inserts a PagerDuty sandbox service row in `region` into a fresh database (throws what SQLite refuses). */
function storeService(region: string): void {
  const db = openDb();
  try {
    migratePagerDuty(db);
    db.prepare("INSERT INTO pd_services (id, region, name, escalation_policy_id, created_at, updated_at) VALUES ('S1', ?, 'svc', 'P1', 'now', 'now')").run(
      region,
    );
  } finally {
    db.close();
  }
}

describe.each(REGION_NAMES)("region %s", (region) => {
  it("has provider settings (stack key and environment variable) defaulting to the real service's URLs", () => {
    const events = SETTINGS[regionalKey("pagerdutyEventsUrl", region)];
    const rest = SETTINGS[regionalKey("pagerdutyRestUrl", region)];
    expect(events).toEqual({
      key: regionalKey("pagerdutyEventsUrl", region),
      env: regionalEnv("PAGERDUTY_EVENTS_URL", region),
      fallback: REGIONS[region].eventsUrl,
    });
    expect(rest).toEqual({ key: regionalKey("pagerdutyRestUrl", region), env: regionalEnv("PAGERDUTY_REST_URL", region), fallback: REGIONS[region].restUrl });
    const cfg = readProviderConfig({ get: () => undefined }, { [events.env]: "http://127.0.0.1:1", [rest.env]: "http://127.0.0.1:2" });
    expect(cfg.pagerdutyEventsUrl[region]).toBe("http://127.0.0.1:1");
    expect(cfg.pagerdutyRestUrl[region]).toBe("http://127.0.0.1:2");
  });

  it("is accepted by both resources' checks, the relay config and the project API sandbox's rules", () => {
    expect(checkIntegration({ projectId: PROJECT, integrationKey: KEY, region }, configured).failures).toBeUndefined();
    expect(checkIntegration({ projectId: PROJECT, integrationKey: KEY, region }, configured).inputs).toMatchObject({ region });
    expect(checkRouting({ projectId: PROJECT, region }, configured).failures ?? []).not.toContainEqual(expect.objectContaining({ property: "region" }));
    const relay = parseConfig(
      {
        atlas: { clientId: { env: "ID" }, clientSecret: { env: "SECRET" } },
        pagerduty: { eventsUrl: { [region]: "http://127.0.0.1:9" }, restUrl: { [region]: "http://127.0.0.1:9" } },
        routes: [{ id: "r", projectId: PROJECT, routingKey: { env: "KEY" }, webhookSecret: { env: "HOOK" }, region }],
      },
      { env: { ID: "id", SECRET: "secret", KEY, HOOK: "hook-secret-0123456789" } },
    );
    expect(relay.routes[0].region).toBe(region);
    expect(relay.pagerduty.eventsUrl[region]).toBe("http://127.0.0.1:9");
    expect(INTEGRATION_RULES.PAGER_DUTY.fields.region.enum).toContain(region);
    expect(NOTIFICATION_RULES.PAGER_DUTY.fields.region.enum).toContain(region);
  });

  it("routes the project API sandbox's PagerDuty notifications to that region's server", () => {
    const ctx = { pagerdutyEventsUrl: regionRecord((r) => `http://127.0.0.1:1/${r}`) };
    const channel = resolveChannel(ctx as any, {} as any, PROJECT, { typeName: "PAGER_DUTY", notifierId: "n", serviceKey: KEY, region } as any);
    expect(channel).toMatchObject({ url: `http://127.0.0.1:1/${region}/v2/enqueue` });
  });

  it("may be stored by the PagerDuty sandbox (its SQL CHECK lists the table)", () => {
    expect(() => storeService(region)).not.toThrow();
  });
});

describe("an unknown region", () => {
  it("gets no PagerDuty client from the provider (never the default region's)", () => {
    const clients = makeClients(
      readProviderConfig({ get: (k: string) => ({ "pdac:atlasClientId": "id", "pdac:atlasClientSecret": "secret", "pdac:pagerdutyToken": "t" })[k] }, {}),
    );
    for (const r of REGION_NAMES) expect(() => clients.events(r)).not.toThrow();
    expect(() => clients.events(NOT_A_REGION as Region)).toThrow(/PagerDuty region "XX" is not one of/);
    expect(() => clients.rest(NOT_A_REGION as Region)).toThrow(/PagerDuty region "XX" is not one of/);
  });

  it("is refused by the provider's checks, naming the known regions", () => {
    const names = REGION_NAMES.map((r) => `"${r}"`);
    for (const failures of [
      checkIntegration({ projectId: PROJECT, integrationKey: KEY, region: NOT_A_REGION }, configured).failures,
      checkRouting({ projectId: PROJECT, region: NOT_A_REGION }, configured).failures,
    ]) {
      const failure = failures?.find((f) => f.property === "region");
      expect(failure).toBeDefined();
      for (const n of names) expect(failure!.reason).toContain(n);
    }
  });

  it("is refused by the relay config, for a route and as a URL key", () => {
    const raw = (route: Record<string, unknown>, pagerduty: Record<string, unknown> = {}) => ({
      atlas: { clientId: { env: "ID" }, clientSecret: { env: "SECRET" } },
      pagerduty,
      routes: [{ id: "r", projectId: PROJECT, routingKey: { env: "KEY" }, webhookSecret: { env: "HOOK" }, ...route }],
    });
    const env = { env: { ID: "id", SECRET: "secret", KEY, HOOK: "hook-secret-0123456789" } };
    expect(() => parseConfig(raw({ region: NOT_A_REGION }), env)).toThrow(ConfigError);
    expect(() => parseConfig(raw({}, { eventsUrl: { [NOT_A_REGION]: "http://127.0.0.1:9" } }), env)).toThrow(ConfigError);
    expect(parseConfig(raw({}), env).routes[0].region).toBe(DEFAULT_REGION);
  });

  it("is never sent to the default region by the project API sandbox", () => {
    const ctx = { pagerdutyEventsUrl: regionRecord((r) => `http://127.0.0.1:1/${r}`) };
    const channel = resolveChannel(ctx as any, {} as any, PROJECT, { typeName: "PAGER_DUTY", notifierId: "n", serviceKey: KEY, region: NOT_A_REGION } as any);
    expect(channel).toBe(`unknown PagerDuty region "${NOT_A_REGION}"`);
  });

  it("is refused by the PagerDuty sandbox's SQL CHECK", () => {
    expect(() => storeService(NOT_A_REGION)).toThrow(/CHECK/);
  });
});

describe("the sandbox", () => {
  it("serves one PagerDuty server per region and points the provider at each", async () => {
    const sb = await startSandbox({ projects: [PROJECT], defaultAlertConfigs: false });
    const close = closeAtEnd("sandbox", () => sb.close());
    try {
      expect(Object.keys(sb.pagerdutyUrl).sort()).toEqual([...REGION_NAMES].sort());
      expect(new Set(Object.values(sb.pagerdutyUrl)).size).toBe(REGION_NAMES.length);
      const config = sb.providerConfig();
      const env = sb.providerEnv();
      for (const s of pagerDutyUrlSettings()) {
        expect(config[`pdac:${s.key}`]).toBe(sb.pagerdutyUrl[s.region]);
        expect(env[s.env]).toBe(sb.pagerdutyUrl[s.region]);
      }
      // What it prints is what the provider reads.
      const cfg = readProviderConfig({ get: (k: string) => config[k] }, {});
      expect(cfg.pagerdutyEventsUrl).toEqual(sb.pagerdutyUrl);
      expect(readProviderConfig(undefined, env).pagerdutyRestUrl).toEqual(sb.pagerdutyUrl);
    } finally {
      await close();
    }
  });

  it("has a port flag per region, on its own default port", async () => {
    const lines: string[] = [];
    const log = jest.spyOn(console, "log").mockImplementation((...a: unknown[]) => void lines.push(a.join(" ")));
    try {
      await sandboxCli(["--help"]);
    } finally {
      log.mockRestore();
    }
    const help = lines.join("\n");
    const ports = new Set<number>();
    for (const r of REGION_NAMES) {
      const suffix = REGIONS[r].configSuffix ? `-${REGIONS[r].configSuffix.toLowerCase()}` : "";
      const port = 8480 + REGIONS[r].sandboxPortOffset;
      ports.add(port);
      expect(help).toMatch(
        new RegExp(`--pagerduty${suffix}-port\\s+SANDBOX_PAGERDUTY${suffix.toUpperCase().replace("-", "_")}_PORT\\s+PagerDuty ${r} port \\(default ${port}\\)`),
      );
      expect(help).toContain(`--pagerduty${suffix}-tls-port`);
    }
    expect(ports.size).toBe(REGION_NAMES.length);
  });
});

/**
 * Lines that list or default PagerDuty regions by hand. Allowed: lib/regions.ts (the table), tests (their
 * expectations spell regions out), and other services' own regions (Datadog, Opsgenie in the project API sandbox).
 */
const SCANNED_DIRS = ["catalog", "lib", "clients", "sdk", "provider", "sandbox", "relay", "scripts", "test/support"];
const LITERAL_LIST = [
  /["']US["']\s*[,|]\s*["']EU["']/, // ["US", "EU"], "US" | "EU", ('US','EU')
  /["']EU["']\s*[,|]\s*["']US["']/,
  /\bUS:\s*[^,}]+,\s*EU:/, // { US: ..., EU: ... }
  /\?\?\s*["'](US|EU)["']/, // a silent default spelled out: ?? "US"
  /===?\s*["'](US|EU)["']\s*\?/, // region === "EU" ? ... : ...
];
const OTHER_SERVICES = /datadog|opsGenie|US3|apiKey: key\(\)/i;

it("no source file lists PagerDuty regions outside lib/regions.ts", () => {
  const table = path.join(repoRoot, "lib", "regions.ts");
  const offenders: string[] = [];
  for (const file of SCANNED_DIRS.flatMap((d) => tsFiles(path.join(repoRoot, d), false))) {
    if (file === table) continue;
    fs.readFileSync(file, "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (!OTHER_SERVICES.test(line) && LITERAL_LIST.some((re) => re.test(line))) offenders.push(`${path.relative(repoRoot, file)}:${i + 1}: ${line.trim()}`);
      });
  }
  expect(offenders).toEqual([]);
});

it("the scan sees what it looks for", () => {
  const hits = ['z.enum(["US", "EU"])', 'region: "US" | "EU"', "CHECK (region IN ('US','EU'))", "{ US: a, EU: b }", 'x ?? "US"', 'r === "EU" ? 1 : 2'];
  for (const h of hits) expect(LITERAL_LIST.some((re) => re.test(h))).toBe(true);
  expect(LITERAL_LIST.some((re) => re.test("REGIONS[region].eventsUrl"))).toBe(false);
});
