import { request } from "../../test/support/fetch";
import { ConformanceRecorder } from "../../test/support/openapi";
import { esc } from "./dashboard/html";
import { call, restClient, SANDBOX_AUTH, sendEvent, startPagerDuty, trigger, TOKEN, type PagerDutyHarness } from "../../test/support/pagerduty/harness";

/** The page a person checks, and the JSON state dump: escaped, self-contained, and never showing a full key. */
const recorder = new ConformanceRecorder();
let pd: PagerDutyHarness;

beforeAll(async () => {
  pd = await startPagerDuty(recorder);
});

afterAll(async () => {
  await pd.close();
  expect(recorder.errors()).toEqual([]);
});

const EVIL = `<script>alert("x")</script>`;

test("escapes everything it shows", () => {
  expect(esc(`<a href="x" onclick='y'>&\`=</a>`)).toBe("&#60;a href&#61;&#34;x&#34; onclick&#61;&#39;y&#39;&#62;&#38;&#96;&#61;&#60;/a&#62;");
});

test("lists services, integrations (key last 4), incidents and their timeline; HTML is escaped", async () => {
  const created = await call(`${pd.url}/sandbox/services`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: EVIL, integration: { name: `<b>relay</b>` } }),
  });
  expect(created.status).toBe(201);
  const key: string = created.body.integration.integration_key;
  expect(key).toMatch(/^[a-z0-9]{32}$/);
  await sendEvent(pd.url, trigger(key, `<img src=x onerror=alert(1)> initial incident`, { dedup_key: `dk"><script>` }));
  await sendEvent(pd.url, { routing_key: key, event_action: "acknowledge", dedup_key: `dk"><script>` });

  const res = await fetch(`${pd.url}/`, { headers: SANDBOX_AUTH });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
  const page = await res.text();
  expect(page).not.toContain("<script>");
  expect(page).not.toContain("<img");
  expect(page).not.toContain("<b>relay");
  expect(page).toContain(esc(EVIL));
  expect(page).toContain(esc(`<img src=x onerror=alert(1)> initial incident`));
  expect(page).toContain(esc(`dk"><script>`));
  expect(page).toContain(`…${key.slice(-4)}`);
  expect(page).not.toContain(key);
  expect(page).toMatch(/class="acknowledged"/);
  expect(page).toContain("<td>trigger</td>");
  expect(page).toContain("<td>acknowledge</td>");
  // Self-contained: no scripts, no external assets.
  expect(page).not.toMatch(/<(script|link|img|iframe)\b/i);
  expect(page).not.toMatch(/(src|href)="https?:/);
});

test("/sandbox/state shows keys and secrets by their last 4 only", async () => {
  const created = await call(`${pd.url}/sandbox/services`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "state-check", integration: true }),
  });
  const key: string = created.body.integration.integration_key;
  const sub = await restClient(pd.url).post("/webhook_subscriptions", {
    webhook_subscription: {
      type: "webhook_subscription",
      delivery_method: { type: "http_delivery_method", url: "https://relay.example.com/pd" },
      events: ["incident.triggered"],
      filter: { type: "account_reference" },
    },
  });
  const secret: string = sub.body.webhook_subscription.delivery_method.secret;
  const st = await call(`${pd.url}/sandbox/state`);
  expect(st.status).toBe(200);
  expect(st.text).not.toContain(key);
  expect(st.text).not.toContain(secret);
  const svc = st.body.services.find((s: any) => s.name === "state-check");
  expect(svc.integrations[0].integration_key_last4).toBe(key.slice(-4));
  expect(st.body.webhook_subscriptions.find((s: any) => s.id === sub.body.webhook_subscription.id).secret_last4).toBe(secret.slice(-4));
});

test("controls and dashboard need the REST token; a browser opens /?token= once and keeps a cookie", async () => {
  // No credentials, a wrong token: refused, for every control.
  for (const [method, path] of [
    ["GET", "/sandbox/state"],
    ["POST", "/sandbox/faults"],
    ["DELETE", "/sandbox/faults"],
    ["POST", "/sandbox/services"],
    ["POST", "/sandbox/webhooks/drain"],
  ] as const) {
    for (const headers of [{}, { authorization: "Token token=wrong" }]) {
      const res = await request(pd.url + path, {
        method,
        headers: { "content-type": "application/json", ...headers },
        body: method === "POST" ? JSON.stringify({ count: 1, status: 500, name: "x" }) : undefined,
      });
      expect([path, res.status]).toEqual([path, 401]);
      expect(res.body).toEqual({ error: { message: "Unauthorized", code: 2006 } });
    }
  }
  expect((await call(`${pd.url}/sandbox/faults`)).body).toEqual({ faults: [] }); // nothing was injected

  const anonymous = await fetch(`${pd.url}/`);
  expect(anonymous.status).toBe(401);
  expect(await anonymous.text()).toContain("/?token=");
  expect((await fetch(`${pd.url}/?token=wrong`, { redirect: "manual" })).status).toBe(401);

  const login = await fetch(`${pd.url}/?token=${encodeURIComponent(TOKEN)}`, { redirect: "manual" });
  expect(login.status).toBe(303);
  expect(login.headers.get("location")).toBe("/");
  const setCookie = login.headers.get("set-cookie")!;
  expect(setCookie).toMatch(/HttpOnly/);
  expect(setCookie).toMatch(/SameSite=Strict/);
  expect(setCookie).not.toContain(TOKEN);
  const session = setCookie.split(";")[0];
  const page = await fetch(`${pd.url}/`, { headers: { cookie: session } });
  expect(page.status).toBe(200);
  expect(await page.text()).toContain("<html");
  // The cookie opens the dashboard only as long as the token is the same one.
  expect((await fetch(`${pd.url}/`, { headers: { cookie: session.replace(/=.*/, "=forged") } })).status).toBe(401);
});
