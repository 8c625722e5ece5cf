import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { alertBody, dedupKey, eventsFor, freePort, outage, postAtlas, startWorld, waitUntil, type RelayWorld } from "../../support/relay";

/** The relay as users run it: `node dist/relay/cli.js` (built by `npm test`), killed for real. */
const repoRoot = path.resolve(__dirname, "../../..");
const cli = path.join(repoRoot, "dist/relay/cli.js");

function run(args: string[], env: Record<string, string>): { child: ChildProcess; out: () => string } {
  let out = "";
  const child = spawn(process.execPath, [cli, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return { child, out: () => out };
}

const exited = (c: ChildProcess) =>
  new Promise<number | null>((r) => (c.exitCode !== null || c.signalCode !== null ? r(c.exitCode) : c.once("exit", (code) => r(code))));

describe("npm run relay", () => {
  let w: RelayWorld;
  let dir: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run the tests through npm test (it builds first)`);
    w = await startWorld();
    await w.relay.close(); // the CLI runs the relay here
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "relay-cli-"));
  }, 30_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    await w?.close();
  });

  /** A config file for a relay on a fixed port with its own data directory; `start` runs the CLI on it. */
  async function cliRelay(name: string) {
    const port = await freePort();
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify({ ...w.rawConfig, listen: { host: "127.0.0.1", port }, dataDir: path.join(dir, `data-${name}`) }));
    const url = `http://127.0.0.1:${port}`;
    const start = async (env: Record<string, string>, ready = true) => {
      const p = run(["--config", file], env);
      children.push(p.child);
      if (ready) await waitUntil("the relay to be ready", async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, 15_000);
      return p;
    };
    return { url, start };
  }

  it("--help lists every flag with its environment variable", async () => {
    const p = run(["--help"], {});
    expect(await exited(p.child)).toBe(0);
    for (const s of [
      "--config",
      "RELAY_CONFIG",
      "--port",
      "RELAY_PORT",
      "--data-dir",
      "--log-level",
      "/atlas/{routeId}",
      "--store-password-file",
      "RELAY_STORE_PASSWORD_FILE",
      "--request-timeout",
      "RELAY_REQUEST_TIMEOUT",
      "--headers-timeout",
      "--keep-alive-timeout",
      "--max-connections",
      "--body-limit",
      "default 65536",
    ])
      expect(p.out()).toContain(s);
  });

  it("names the field and the fix for a bad config", async () => {
    const file = path.join(dir, "bad.json");
    fs.writeFileSync(file, JSON.stringify({ ...w.rawConfig, routes: [{ ...(w.rawConfig.routes[0] as object), projectId: "nope" }] }));
    const p = run(["--config", file], w.env);
    expect(await exited(p.child)).toBe(1);
    expect(p.out()).toMatch(/routes\.0\.projectId: 24 lowercase hexadecimal digits/);
  });

  it.each([
    ["a webhook secret holding only a newline", { ROUTE_SECRET: "\n" }, /routes\.0\.webhookSecret: environment variable ROUTE_SECRET holds only whitespace/],
    ["a status page password of one space", { STATUS_PASSWORD: " " }, /statusPage\.password: environment variable STATUS_PASSWORD holds only whitespace/],
    ["a one-character webhook secret", { ROUTE_SECRET: "x" }, /routes\.0\.webhookSecret: 1 characters; it must be at least 16/],
  ])("refuses to start with %s, naming the field (a blank secret would sign everything)", async (_n, env, want) => {
    const { url, start } = await cliRelay(`blank-${Object.keys(env)[0]}`);
    const p = await start({ ...w.env, ...env }, false);
    expect(await exited(p.child)).toBe(1);
    expect(p.out()).toMatch(want);
    expect(await fetch(`${url}/livez`).catch(() => "refused")).toBe("refused");
  });

  it.each([
    [["--request-timeout", "0"], /--request-timeout \(RELAY_REQUEST_TIMEOUT\) must be a positive number of seconds, got 0/],
    [["--max-connections", "1.5"], /--max-connections \(RELAY_MAX_CONNECTIONS\) must be a positive whole number, got 1\.5/],
    [["--headers-timeout", "30"], /--headers-timeout must not exceed --request-timeout/],
  ])("names the flag and the fix for a bad limit: %s", async (args, want) => {
    const file = path.join(dir, "limits.json");
    fs.writeFileSync(file, JSON.stringify(w.rawConfig));
    const p = run(["--config", file, ...args], w.env);
    expect(await exited(p.child)).toBe(1);
    expect(p.out()).toMatch(want);
  });

  it("refuses a store password on the command line (every user sees process arguments), naming RELAY_STORE", async () => {
    const p = run(["--config", path.join(dir, "none.json"), "--store", "postgres://relay:pw@127.0.0.1:1/relay"], w.env);
    expect(await exited(p.child)).toBe(1);
    expect(p.out()).toMatch(/--store: the URL carries a password.*RELAY_STORE/);
    expect(p.out()).not.toContain("relay:pw");
  });

  it("SIGKILL after accepting and before delivering: delivered after restart (0 lost); secrets never logged; SIGTERM drains", async () => {
    const { url, start } = await cliRelay("killed");
    const env = { ...w.env, RELAY_LOG_LEVEL: "debug" };
    // PagerDuty is down, so accepted alerts wait in the outbox.
    await outage(w.sandbox, 4, 503);
    const first = await start(env);
    const bodies = Array.from({ length: 5 }, () => alertBody(w.projectId));
    for (const b of bodies) expect((await postAtlas(`${url}/atlas/${w.routeId}`, "alert.open", b, w.secret)).status).toBe(200);
    first.child.kill("SIGKILL");
    await exited(first.child);
    for (const b of bodies) expect(eventsFor(w.sandbox, dedupKey(w.projectId, String(b.id))).filter((e) => e.outcome === "alert_created")).toEqual([]);

    const second = await start(env, false);
    await waitUntil(
      "every accepted alert delivered",
      async () => bodies.every((b) => eventsFor(w.sandbox, dedupKey(w.projectId, String(b.id))).some((e) => e.outcome === "alert_created")),
      30_000,
    ).catch((e) => {
      throw new Error(`${e.message}\nfirst run:\n${first.out().slice(-3000)}\nsecond run:\n${second.out().slice(-3000)}`);
    });
    second.child.kill("SIGTERM");
    expect(await exited(second.child)).toBe(0);
    const logs = first.out() + second.out();
    expect(logs).toContain('"msg":"relay stopped"');
    for (const secret of [w.routingKey, w.secret, w.env.ATLAS_SECRET, w.env.PD_TOKEN]) expect(logs).not.toContain(secret);
    for (const line of logs.split("\n").filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
  }, 60_000);

  it("SIGTERM: /readyz answers 503 and /livez 200 while draining, intake refuses, the in-flight delivery finishes", async () => {
    const { url, start } = await cliRelay("drain");
    const p = await start({ ...w.env, RELAY_LOG_LEVEL: "debug" });
    // PagerDuty holds the next Events API request for 2.5 s: the delivery is in flight when SIGTERM comes.
    const fault = await fetch(`${w.sandbox.pagerdutyUrl.US}/sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Token token=${w.sandbox.pagerdutyToken}` },
      body: JSON.stringify({ count: 1, delayMs: 2_500, path: "events" }),
    });
    expect(fault.status).toBe(201);
    const body = alertBody(w.projectId);
    const key = dedupKey(w.projectId, String(body.id));
    expect((await postAtlas(`${url}/atlas/${w.routeId}`, "alert.open", body, w.secret)).status).toBe(200);
    await waitUntil("the send to start", async () => p.out().includes('"msg":"send start"'));
    p.child.kill("SIGTERM");
    await waitUntil("draining", async () => p.out().includes('"msg":"draining"'));
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { problems: string[] }).problems).toContain("draining");
    expect((await fetch(`${url}/livez`)).status).toBe(200);
    const refused = await postAtlas(`${url}/atlas/${w.routeId}`, "alert.open", alertBody(w.projectId), w.secret);
    expect(refused).toMatchObject({ status: 503, body: { error: "draining" } });
    expect(eventsFor(w.sandbox, key)).toEqual([]); // still held by PagerDuty
    expect(await exited(p.child)).toBe(0);
    expect(eventsFor(w.sandbox, key).map((e) => [e.event_action, e.outcome])).toEqual([["trigger", "alert_created"]]);
    const out = p.out();
    expect(out.indexOf('"msg":"sent to PagerDuty"')).toBeGreaterThan(out.indexOf('"msg":"draining"'));
    expect(out.indexOf('"msg":"relay stopped"')).toBeGreaterThan(out.indexOf('"msg":"sent to PagerDuty"'));
  }, 60_000);

  it("SIGKILL between PagerDuty's 202 and the commit, the close recorded meanwhile: the incident is resolved after restart", async () => {
    const { url, start } = await cliRelay("doubt");
    // The test hook holds the delivery after PagerDuty answered and before the relay commits it.
    const first = await start({ ...w.env, RELAY_TEST_PAUSE_AFTER_SEND_MS: "60000" });
    const body = alertBody(w.projectId);
    const key = dedupKey(w.projectId, String(body.id));
    expect((await postAtlas(`${url}/atlas/${w.routeId}`, "alert.open", body, w.secret)).status).toBe(200);
    await w.pd.waitForIncident(key, "triggered");
    await waitUntil("the delivery paused after the send", async () => first.out().includes("paused after send"));
    // The status page shows the doubt: PagerDuty answered, the relay has not recorded it.
    const page = await fetch(`${url}/`, { headers: { authorization: `Basic ${Buffer.from(`ops:${w.env.STATUS_PASSWORD}`).toString("base64")}` } });
    expect(await page.text()).toContain("none (trigger in doubt)");
    // The close arrives while the trigger's outcome is still unrecorded; then the process dies.
    const closed = { ...body, status: "CLOSED", updated: new Date(Date.parse(String(body.updated)) + 1_000).toISOString() };
    expect((await postAtlas(`${url}/atlas/${w.routeId}`, "alert.close", closed, w.secret)).status).toBe(200);
    first.child.kill("SIGKILL");
    await exited(first.child);
    expect((await w.pd.incidents(key)).map((i) => i.status)).toEqual(["triggered"]);

    const second = await start(w.env, false);
    // PostgreSQL hands the killed replica's job on once its heartbeat is stale (about 10 s).
    await w.pd.waitForIncident(key, "resolved", 45_000).catch((e) => {
      throw new Error(`${e.message}\nfirst run:\n${first.out().slice(-3000)}\nsecond run:\n${second.out().slice(-3000)}`);
    });
    expect(eventsFor(w.sandbox, key).map((e) => [e.event_action, e.outcome])).toEqual([
      ["trigger", "alert_created"],
      ["resolve", "resolved"],
    ]);
    second.child.kill("SIGTERM");
    expect(await exited(second.child)).toBe(0);
  }, 90_000);
});
