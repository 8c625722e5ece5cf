import * as fs from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { FakeServer } from "../support/fake-server";
import { alertBody, postAtlas, startWorld, waitUntil, type RelayWorld } from "../support/relay";

/** Debian's chromium; `npm run test:browser` installs it when missing (as root), otherwise this fails loudly. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));

jest.setTimeout(30_000);

describe("status page in a real headless browser", () => {
  let w: RelayWorld;
  let browser: Browser;
  beforeAll(async () => {
    if (!CHROMIUM)
      throw new Error("Chromium is not installed: run `apt-get install -y chromium` (npm run test:browser does it as root), or set CHROMIUM_PATH.");
    // A key PagerDuty refuses, so there is a dead letter to retry.
    w = await startWorld({ mutate: (c) => (c.routes[0].routingKey = "rejected-key") });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  });
  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  it("asks for credentials (the browser refuses to show the page without them)", async () => {
    const page = await browser.newPage();
    await expect(page.goto(w.relay.url)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
    await page.close();
    const wrong = await fetch(w.relay.url, { headers: { authorization: `Basic ${Buffer.from("ops:wrong").toString("base64")}` } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toMatch(/^Basic/);
  });

  it("shows routes, alerts and the dead letter, and its Retry button sends it again", async () => {
    const body = alertBody(w.projectId);
    expect((await postAtlas(`${w.relay.url}/atlas/${w.routeId}`, "alert.open", body, w.secret)).status).toBe(200);
    const dead = await waitUntil("the dead letter", async () => (await w.relay.store.outbox.list({ states: ["dead"], limit: 1 }))[0]);
    const context = await browser.newContext({ httpCredentials: { username: "ops", password: w.env.STATUS_PASSWORD } });
    const page = await context.newPage();
    expect((await page.goto(w.relay.url))?.status()).toBe(200);
    expect(await page.locator("#routes").textContent()).toContain(w.projectId);
    expect(await page.locator(`tr[data-alert="${body.id}"] .pd`).textContent()).toBe("none");
    const row = page.locator(`tr[data-job="${dead.id}"]`);
    expect(await row.textContent()).toMatch(/PagerDuty rejected the trigger/);
    const html = await page.content();
    for (const secret of ["rejected-key", w.secret, w.env.ATLAS_SECRET, w.env.PD_TOKEN]) expect(html).not.toContain(secret);

    const rejected = async () =>
      Number(/relay_events_sent_total\{action="trigger",result="rejected"\} (\d+)/.exec(await (await fetch(`${w.relay.url}/metrics`)).text())?.[1] ?? 0);
    expect(await rejected()).toBe(1);
    await Promise.all([page.waitForURL(`${w.relay.url}/`), row.getByRole("button", { name: "Retry" }).click()]);
    await waitUntil("the retried send", async () => (await rejected()) === 2);
    await context.close();
  });

  it("is never framed by another site, even with the browser's saved credentials", async () => {
    // Another origin (another port) framing the status page, as a clickjacking page would.
    const evil = await FakeServer.start({
      fallback: { status: 200, headers: { "content-type": "text/html" }, body: `<!doctype html><iframe id="f" src="${w.relay.url}/"></iframe>` },
    });
    const context = await browser.newContext({ httpCredentials: { username: "ops", password: w.env.STATUS_PASSWORD } });
    try {
      const page = await context.newPage();
      const framed = page.waitForResponse((r) => r.url() === `${w.relay.url}/`);
      await page.goto(`${evil.url}/`);
      // The relay answered (with the credentials), and the browser refused to show it in the frame.
      expect((await framed).status()).toBe(200);
      const frame = page.frames().find((f) => f !== page.mainFrame());
      await frame!.waitForLoadState();
      expect(await frame!.content()).not.toContain("Relay status");
      expect(frame!.url()).not.toBe(`${w.relay.url}/`);
    } finally {
      await context.close();
      await evil.close();
    }
  });
});
