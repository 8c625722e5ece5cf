import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { api } from "@pagerduty/pdjs";
import { REGION_NAMES, type Region } from "../../lib/regions";
import { startSandbox, type Sandbox } from "../../sandbox";
import { atlasApi, pagerDutyApi } from "../../scripts/lib/sandbox-api";
import { ConformanceRecorder, specsDir } from "../support/openapi";
import { newProjectId } from "../support/sandbox-client";

/**
 * Pagination conformance: every list endpoint of both sandbox servers, driven
 * page by page the way the official clients page, so that a page that does
 * not lead to the next one cannot land again. The list endpoints are read
 * from the specs (GET operations answering Atlas's paged envelope or
 * PagerDuty's offset envelope) plus the PagerDuty ones the clients call
 * outside the subset; each must have a way to be filled below.
 *  - Atlas (Go SDK, CLI, Terraform): `pageNum`/`itemsPerPage` until
 *    `totalCount` is reached; following `links` rel `next`; with
 *    `includeCount=false`, until a short page.
 *  - PagerDuty (go-pagerduty): `offset`/`limit` while `more`, the next offset
 *    being `offset + limit` of the answer; and @pagerduty/pdjs itself over
 *    the https listener: `api.get(path)`, then `next()` while it is given.
 * Every walk must yield exactly the items of one big page, in its order.
 */
jest.setTimeout(120_000);

const PAGE = 2;
const recorder = new ConformanceRecorder();
let sb: Sandbox;
let ca: Buffer;
let token: string;

type Json = Record<string, any>;

// --- the list endpoints, from the specs ----------------------------------------

function loadSpec(file: string): Json {
  return JSON.parse(fs.readFileSync(path.join(specsDir(), file), "utf8"));
}

/** Property names of a schema (through $ref and allOf). */
function propertiesOf(spec: Json, schema: Json | undefined): string[] {
  if (!schema) return [];
  if (schema.$ref)
    return propertiesOf(
      spec,
      schema.$ref
        .replace(/^#\//, "")
        .split("/")
        .reduce((o: Json, k: string) => o?.[k], spec),
    );
  return [...Object.keys(schema.properties ?? {}), ...(schema.allOf ?? []).flatMap((s: Json) => propertiesOf(spec, s))];
}

/** GET paths whose 200 answer has all of `envelope` (the spec's paged list operations). */
function listPaths(spec: Json, envelope: string[]): string[] {
  return Object.entries(spec.paths as Json).flatMap(([p, ops]) => {
    let ok = ops.get?.responses?.["200"];
    while (ok?.$ref)
      ok = ok.$ref
        .replace(/^#\//, "")
        .split("/")
        .reduce((o: Json, k: string) => o?.[k], spec);
    const schemas = Object.values((ok?.content ?? {}) as Json).map((c: Json) => c.schema);
    return schemas.some((s) => envelope.every((k) => propertiesOf(spec, s).includes(k))) ? [p] : [];
  });
}

const ATLAS_LISTS = listPaths(loadSpec("atlas-admin-v2-subset.json"), ["results", "totalCount", "links"]);
/** Outside the REST subset in specs/, called by go-pagerduty and pdjs users (issue 12). */
const PAGERDUTY_EXTRA_LISTS = ["/escalation_policies"];
const PAGERDUTY_LISTS = [...listPaths(loadSpec("pagerduty-rest-subset.openapi.json"), ["more", "offset", "limit"]), ...PAGERDUTY_EXTRA_LISTS];

// --- filling each list -------------------------------------------------------------

/** The Atlas project the lists are read from, and what it holds. */
const atlas = { projectId: newProjectId(), alertConfigId: "", alertId: "" };
/** Per PagerDuty region: an incident id, for its alerts. */
const incidentOf = {} as Record<Region, string>;

/** Concrete path for a spec path, and the fewest items it must hold (enough for several pages where the sandbox allows). */
const ATLAS_FILLED: Record<string, () => { path: string; atLeast: number }> = {
  "/api/atlas/v2/groups/{groupId}/alertConfigs": () => ({ path: `/api/atlas/v2/groups/${atlas.projectId}/alertConfigs`, atLeast: 2 * PAGE + 1 }),
  "/api/atlas/v2/groups/{groupId}/alertConfigs/{alertConfigId}/alerts": () => ({
    path: `/api/atlas/v2/groups/${atlas.projectId}/alertConfigs/${atlas.alertConfigId}/alerts`,
    atLeast: 2 * PAGE + 1,
  }),
  "/api/atlas/v2/groups/{groupId}/alerts": () => ({ path: `/api/atlas/v2/groups/${atlas.projectId}/alerts`, atLeast: 2 * PAGE + 1 }),
  // An alert has one configuration.
  "/api/atlas/v2/groups/{groupId}/alerts/{alertId}/alertConfigs": () => ({
    path: `/api/atlas/v2/groups/${atlas.projectId}/alerts/${atlas.alertId}/alertConfigs`,
    atLeast: 1,
  }),
  "/api/atlas/v2/groups/{groupId}/integrations": () => ({ path: `/api/atlas/v2/groups/${atlas.projectId}/integrations`, atLeast: PAGE + 1 }),
};

const PAGERDUTY_FILLED: Record<string, (region: Region) => { path: string; key: string; atLeast: number }> = {
  "/services": () => ({ path: "/services", key: "services", atLeast: 2 * PAGE + 1 }),
  "/incidents": () => ({ path: "/incidents", key: "incidents", atLeast: 2 * PAGE + 1 }),
  // The sandbox opens one incident per alert (no alert grouping).
  "/incidents/{id}/alerts": (region) => ({ path: `/incidents/${incidentOf[region]}/alerts`, key: "alerts", atLeast: 1 }),
  "/webhook_subscriptions": () => ({ path: "/webhook_subscriptions", key: "webhook_subscriptions", atLeast: 2 * PAGE + 1 }),
  // The account's one default policy.
  "/escalation_policies": () => ({ path: "/escalation_policies", key: "escalation_policies", atLeast: 1 }),
};

async function fillAtlas(): Promise<void> {
  const a = atlasApi(sb);
  await a.createProject(atlas.projectId); // with Atlas's default alert configurations
  const { key } = await pagerDutyApi(sb).serviceWithKey("Atlas alerts");
  const g = `/api/atlas/v2/groups/${atlas.projectId}`;
  const cfg = await a.call("POST", `${g}/alertConfigs`, {
    eventTypeName: "NO_PRIMARY",
    enabled: true,
    notifications: [{ typeName: "PAGER_DUTY", serviceKey: key, delayMin: 0 }],
  });
  expect(cfg.status).toBe(201);
  atlas.alertConfigId = ((await cfg.json()) as Json).id;
  for (let i = 0; i < 2 * PAGE + 1; i++) {
    const alert = await a.openAlert(atlas.projectId, { alertConfigId: atlas.alertConfigId, clusterName: `Cluster${i}` });
    atlas.alertId ||= alert.id;
  }
  for (const [type, body] of [
    ["PAGER_DUTY", { type: "PAGER_DUTY", serviceKey: key, region: "US" }],
    ["WEBHOOK", { type: "WEBHOOK", url: "https://hooks.example.invalid/atlas" }],
    ["SLACK", { type: "SLACK", apiToken: "xoxb-0000-pagination", channelName: "alerts" }],
  ] as const) {
    const res = await a.call("POST", `${g}/integrations/${type}`, body);
    expect({ type, status: res.status }).toEqual({ type, status: 200 });
    await res.text();
  }
}

async function fillPagerDuty(region: Region): Promise<void> {
  const pd = pagerDutyApi(sb, region);
  let key = "";
  for (let i = 0; i < 2 * PAGE + 1; i++) {
    key = (await pd.serviceWithKey(`Paged ${region} ${i}`)).key;
    const sub = await pd.call("POST", "/webhook_subscriptions", {
      webhook_subscription: {
        type: "webhook_subscription",
        // Inactive: nothing is delivered to it.
        active: false,
        delivery_method: { type: "http_delivery_method", url: `https://hooks.example.invalid/${region}/${i}` },
        events: ["incident.triggered"],
        filter: { type: "account_reference" },
      },
    });
    expect(sub.status).toBe(200);
    await sub.text();
    const event = await fetch(`${sb.pagerdutyUrl[region]}/v2/enqueue`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        routing_key: key,
        event_action: "trigger",
        dedup_key: `paged-${i}`,
        payload: { summary: `paged ${i}`, source: "db", severity: "info" },
      }),
    });
    expect(event.status).toBe(202);
    await event.text();
  }
  incidentOf[region] = (await pd.incidents("paged-0"))[0].id;
}

beforeAll(async () => {
  sb = await startSandbox({ observe: recorder.observe, pagerdutyTlsPorts: Object.fromEntries(REGION_NAMES.map((r) => [r, 0])) });
  ca = fs.readFileSync(sb.pagerdutyTls!.certPath);
  const basic = Buffer.from(`${sb.credentials.clientId}:${sb.credentials.clientSecret}`).toString("base64");
  const res = await fetch(`${sb.atlasUrl}/api/oauth/token`, {
    method: "POST",
    headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: "grant_type=client_credentials",
  });
  token = ((await res.json()) as Json).access_token;
  await fillAtlas();
  for (const region of REGION_NAMES) await fillPagerDuty(region);
});

afterAll(async () => {
  await sb?.close();
  expect(recorder.errors()).toEqual([]);
});

// --- the walks -----------------------------------------------------------------------

/** What identifies an item across pages. */
const idOf = (item: Json): string => item.id ?? JSON.stringify(item);

async function atlasGet(url: string): Promise<Json> {
  const res = await fetch(url.startsWith("http") ? url : sb.atlasUrl + url, {
    headers: { authorization: `Bearer ${token}`, accept: "application/vnd.atlas.2023-01-01+json" },
  });
  const body = (await res.json()) as Json;
  expect({ url, status: res.status }).toEqual({ url, status: 200 });
  return body;
}

const linkOf = (page: Json, rel: string): string | undefined => (page.links as Array<{ rel: string; href: string }>).find((l) => l.rel === rel)?.href;

test("every list endpoint of the specs has a way to be filled here", () => {
  expect(ATLAS_LISTS.length).toBeGreaterThanOrEqual(5);
  expect([...ATLAS_LISTS].sort()).toEqual(Object.keys(ATLAS_FILLED).sort());
  expect(PAGERDUTY_LISTS.length).toBeGreaterThanOrEqual(5);
  expect([...PAGERDUTY_LISTS].sort()).toEqual(Object.keys(PAGERDUTY_FILLED).sort());
});

describe.each(ATLAS_LISTS)("Atlas GET %s", (specPath) => {
  let list: string;
  let all: string[];

  beforeAll(async () => {
    const filled = ATLAS_FILLED[specPath]();
    list = filled.path;
    const whole = await atlasGet(`${list}?itemsPerPage=500`);
    all = whole.results.map(idOf);
    expect(whole.totalCount).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(filled.atLeast);
    expect(new Set(all).size).toBe(all.length);
  });

  it("pageNum/itemsPerPage until totalCount (the Go SDK's and the CLI's walk): each page full but the last, totalCount steady", async () => {
    const seen: string[] = [];
    for (let pageNum = 1; seen.length < all.length; pageNum++) {
      expect(pageNum).toBeLessThanOrEqual(all.length);
      const page = await atlasGet(`${list}?pageNum=${pageNum}&itemsPerPage=${PAGE}`);
      expect(page.totalCount).toBe(all.length);
      expect(page.results).toHaveLength(Math.min(PAGE, all.length - seen.length));
      seen.push(...page.results.map(idOf));
    }
    expect(seen).toEqual(all);
    // Past the last page: no results, the same count.
    const past = await atlasGet(`${list}?pageNum=${Math.ceil(all.length / PAGE) + 1}&itemsPerPage=${PAGE}`);
    expect(past).toMatchObject({ results: [], totalCount: all.length });
  });

  it("following links rel=next from the first page: self, previous and next point at this server, the last page has no next", async () => {
    const seen: string[] = [];
    let url: string | undefined = `${list}?itemsPerPage=${PAGE}`;
    for (let pageNum = 1; url; pageNum++) {
      expect(pageNum).toBeLessThanOrEqual(all.length);
      const page = await atlasGet(url);
      const self = new URL(linkOf(page, "self")!);
      expect(self.origin).toBe(sb.atlasUrl);
      expect(self.pathname).toBe(list);
      expect([self.searchParams.get("pageNum"), self.searchParams.get("itemsPerPage")]).toEqual([String(pageNum), String(PAGE)]);
      expect(linkOf(page, "previous") !== undefined).toBe(pageNum > 1);
      seen.push(...page.results.map(idOf));
      url = linkOf(page, "next");
      expect(url !== undefined).toBe(seen.length < all.length);
      if (url) expect(new URL(url).origin).toBe(sb.atlasUrl);
    }
    expect(seen).toEqual(all);
  });

  it("includeCount=false: no totalCount, pages until a short one", async () => {
    const seen: string[] = [];
    for (let pageNum = 1; ; pageNum++) {
      expect(pageNum).toBeLessThanOrEqual(all.length + 1);
      const page = await atlasGet(`${list}?pageNum=${pageNum}&itemsPerPage=${PAGE}&includeCount=false`);
      expect(page).not.toHaveProperty("totalCount");
      seen.push(...page.results.map(idOf));
      if (page.results.length < PAGE) break;
    }
    expect(seen).toEqual(all);
  });
});

describe.each(REGION_NAMES)("PagerDuty %s", (region) => {
  describe.each(PAGERDUTY_LISTS)("GET %s", (specPath) => {
    let list: string;
    let key: string;
    let all: string[];
    const rest = (p: string) => pagerDutyApi(sb, region).call("GET", p);

    beforeAll(async () => {
      const filled = PAGERDUTY_FILLED[specPath](region);
      ({ path: list, key } = filled);
      const whole = (await (await rest(`${list}?limit=100&total=true`)).json()) as Json;
      all = whole[key].map(idOf);
      expect(whole).toMatchObject({ limit: 100, offset: 0, more: false, total: all.length });
      expect(all.length).toBeGreaterThanOrEqual(filled.atLeast);
      expect(new Set(all).size).toBe(all.length);
    });

    it("offset/limit while more (go-pagerduty's walk): limit and offset echoed, total only when asked for", async () => {
      const seen: string[] = [];
      for (let offset = 0, more = true; more; ) {
        expect(offset).toBeLessThanOrEqual(all.length);
        const res = await rest(`${list}?limit=${PAGE}&offset=${offset}`);
        expect(res.status).toBe(200);
        const page = (await res.json()) as Json;
        expect(page).toMatchObject({ limit: PAGE, offset, total: null });
        expect(page[key]).toHaveLength(Math.min(PAGE, all.length - offset));
        expect(page.more).toBe(offset + PAGE < all.length);
        seen.push(...page[key].map(idOf));
        more = page.more;
        offset = page.offset + page.limit;
      }
      expect(seen).toEqual(all);
      const counted = (await (await rest(`${list}?limit=${PAGE}&offset=${PAGE}&total=true`)).json()) as Json;
      expect(counted.total).toBe(all.length);
      const past = (await (await rest(`${list}?limit=${PAGE}&offset=${all.length}`)).json()) as Json;
      expect(past).toMatchObject({ [key]: [], more: false, offset: all.length });
    });

    it("@pagerduty/pdjs over https: api.get(path), then next() while given, reaches every page", async () => {
      const agent = new https.Agent({ ca });
      try {
        const pd = api({ token: sb.pagerdutyToken, server: new URL(sb.pagerdutyTls![region]!).host, agent } as Parameters<typeof api>[0]);
        const seen: string[] = [];
        let res = await pd.get(`${list}?limit=${PAGE}`);
        for (let pages = 1; ; pages++) {
          expect(pages).toBeLessThanOrEqual(all.length);
          expect(res.status).toBe(200);
          seen.push(...res.data[key].map(idOf));
          if (!res.next) break;
          res = await res.next();
        }
        expect(seen).toEqual(all);
      } finally {
        agent.destroy();
      }
    });
  });
});
