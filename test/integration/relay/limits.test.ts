import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { type Sandbox, startSandbox } from "../../../sandbox";
import { type RelayProcess, type RelaySetup, spawnRelay, stopRelays, writeRelaySetup } from "../../../scripts/lib/relay-process";
import { waitUntil } from "../../support/relay";

/**
 * Every request is bounded, against a real relay process (`node dist/relay/cli.js`) on a real
 * socket: slow bodies and slow headers are cut at their timeouts, an oversized body is refused
 * from its Content-Length before it is sent, idle keep-alive connections close, and connections
 * past the cap are closed as they arrive. Limits here are small (config `http`) so the test is fast.
 */
jest.setTimeout(60_000);

let sandbox: Sandbox;
let dir: string;
let setup: RelaySetup;
let relay: RelayProcess;
let host: string;
let port: number;
const MAX_CONNECTIONS = 40;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "relay-limits-"));
  sandbox = await startSandbox({ retry: { baseDelayMs: 50, maxAttempts: 1, timeoutMs: 5_000 } });
  setup = await writeRelaySetup(dir, sandbox, {
    routes: 1,
    eventsPerMinute: 6000,
    burst: 100,
    config: {
      http: { requestTimeoutSeconds: 2, headersTimeoutSeconds: 1, keepAliveTimeoutSeconds: 1, maxConnections: MAX_CONNECTIONS, bodyLimitBytes: 64 * 1024 },
    },
  });
  relay = await spawnRelay({ setup, store: "sqlite", name: "limits" });
  const u = new URL(relay.url);
  host = u.hostname;
  port = Number(u.port);
}, 30_000);
afterAll(async () => {
  if (relay) await stopRelays([relay], 5_000);
  await sandbox?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A raw connection: what the server wrote, and when it closed. */
async function connect(): Promise<{ socket: net.Socket; received: () => string; closed: Promise<number> }> {
  const socket = net.connect(port, host);
  let data = "";
  socket.on("data", (d) => (data += d));
  socket.on("error", () => undefined);
  const opened = Date.now();
  const closed = new Promise<number>((r) => socket.once("close", () => r(Date.now() - opened)));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("error", reject);
  });
  return { socket, received: () => data, closed };
}

const head = (length: number) =>
  `POST /atlas/${setup.routes[0].id} HTTP/1.1\r\nHost: ${host}:${port}\r\ncontent-type: application/json\r\nx-mms-event: alert.open\r\ncontent-length: ${length}\r\n\r\n`;

describe("request bounds (a real relay process)", () => {
  it("20 slow bodies (a byte every 200 ms) are cut at the request timeout, not held open", async () => {
    const conns = await Promise.all(Array.from({ length: 20 }, () => connect()));
    const timers = conns.map((c) => {
      c.socket.write(head(1000));
      return setInterval(() => c.socket.writable && c.socket.write("x"), 200);
    });
    try {
      const lifetimes = await Promise.all(conns.map((c) => c.closed));
      // requestTimeoutSeconds 2, looked at every second: closed within about 3 s, far from the 5 minutes of the finding.
      for (const ms of lifetimes) expect(ms).toBeLessThan(6_000);
      for (const c of conns) expect(c.received()).not.toMatch(/HTTP\/1\.1 2\d\d/);
    } finally {
      for (const t of timers) clearInterval(t);
    }
  });

  it("slow headers are cut at the headers timeout", async () => {
    const c = await connect();
    c.socket.write(`POST /atlas/${setup.routes[0].id} HTTP/1.1\r\nHost: x\r\n`);
    const timer = setInterval(() => c.socket.writable && c.socket.write("x-slow: 1\r\n"), 200);
    try {
      expect(await c.closed).toBeLessThan(5_000);
    } finally {
      clearInterval(timer);
    }
  });

  it("a body over the limit gets 413 from its Content-Length alone, before a byte of it is sent", async () => {
    const c = await connect();
    c.socket.write(head(1024 * 1024));
    await waitUntil("the 413", async () => c.received().startsWith("HTTP/1.1 413"), 5_000);
    c.socket.destroy();
    // A 413 elsewhere (the status page's retry) is no webhook: it counts under no source.
    const other = await connect();
    other.socket.write(`POST /jobs/1/retry HTTP/1.1\r\nHost: ${host}:${port}\r\ncontent-type: text/plain\r\ncontent-length: ${1024 * 1024}\r\n\r\n`);
    await waitUntil("the other 413", async () => other.received().startsWith("HTTP/1.1 413"), 5_000);
    other.socket.destroy();
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics.split("\n").filter((l) => l.includes('outcome="too_large"'))).toEqual(['relay_webhooks_total{source="atlas",outcome="too_large"} 1']);
  });

  it("an idle keep-alive connection is closed after the keep-alive timeout", async () => {
    const c = await connect();
    c.socket.write(`GET /livez HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`);
    await waitUntil("the answer", async () => c.received().includes("200 OK"), 5_000);
    expect(await c.closed).toBeLessThan(4_000);
  });

  it("connections past the cap are closed as they arrive; the relay answers again once they go", async () => {
    const conns = await Promise.all(Array.from({ length: MAX_CONNECTIONS + 10 }, () => connect().catch(() => undefined)));
    const open = conns.filter((c): c is NonNullable<typeof c> => c !== undefined);
    const states = await Promise.all(open.map((c) => Promise.race([c.closed.then(() => "closed"), new Promise((r) => setTimeout(() => r("open"), 500))])));
    expect(states.filter((s) => s === "open").length).toBeLessThanOrEqual(MAX_CONNECTIONS);
    expect(states.filter((s) => s === "closed").length + (conns.length - open.length)).toBeGreaterThanOrEqual(10);
    for (const c of open) c.socket.destroy();
    await waitUntil("the relay to answer", async () => (await fetch(`${relay.url}/livez`)).status === 200, 5_000);
  });
});
