import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { closeAtEnd, endChild } from "../support/cleanup";
import { request } from "../support/fetch";
import { repoRoot } from "../support/provider-host";

// `npm run sandbox` as a person runs it: one command starts both servers,
// prints where they are, logs requests without secrets, keeps state across a
// restart, and stops on Ctrl-C.
jest.setTimeout(60_000);

const cli = path.join(repoRoot, "dist/sandbox/cli.js");
const creds = {
  "client-id": "mdb_sa_id_clitest",
  "client-secret": "mdb_sa_sk_cli_secret_0123456789abcdef",
  "pagerduty-token": "u+cli-token-0123456789",
};

interface Running {
  child: ChildProcess;
  end: () => Promise<void>;
  out: () => string;
  urls: { atlas: string; pd: string };
}

async function start(dataDir: string): Promise<Running> {
  const args = [
    cli,
    "--data-dir",
    dataDir,
    "--atlas-port",
    "0",
    "--pagerduty-port",
    "0",
    "--pagerduty-eu-port",
    "0",
    "--pagerduty-tls-port",
    "0",
    "--log",
    "--project",
    "5f1e2d3c4b5a69788796a5b4",
  ];
  for (const [k, v] of Object.entries(creds)) args.push(`--${k}`, v);
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  // Ended when the file ends if an assertion fails before stop() (a passing test has stopped it already).
  const end = closeAtEnd("sandbox CLI process", () => endChild(child));
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 20_000;
  // The banner (one write), not a log line naming the server ("server":"PagerDuty EU").
  while (!/PagerDuty EU:\s+http/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await end();
      throw new Error(`sandbox did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const atlas = /project API:\s+(http:\/\/\S+)/.exec(out)![1];
  const pd = /PagerDuty US:\s+(http:\/\/\S+)/.exec(out)![1];
  return { child, end, out: () => out, urls: { atlas, pd } };
}

async function stop(r: Running): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => r.child.once("exit", (code) => resolve(code)));
  r.child.kill("SIGINT");
  const code = await exited;
  await r.end();
  return code;
}

async function token(atlas: string): Promise<string> {
  const basic = Buffer.from(`${creds["client-id"]}:${creds["client-secret"]}`).toString("base64");
  const res = await request<{ access_token: string }>(`${atlas}/api/oauth/token`, {
    method: "POST",
    headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials",
  });
  return res.body.access_token;
}

it("starts both servers, logs without secrets, persists across a restart, stops on Ctrl-C", async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pdac-sandbox-"));
  try {
    let r = await start(dataDir);
    const banner = r.out();
    expect(banner).toMatch(/service account:\s+client id mdb_sa_id_clitest/);
    const bearer = await token(r.urls.atlas);
    const key = "0123456789abcdef0123456789abcdef";
    const post = await fetch(`${r.urls.atlas}/api/atlas/v2/groups/5f1e2d3c4b5a69788796a5b4/integrations/PAGER_DUTY`, {
      method: "POST",
      headers: { Authorization: `Bearer ${bearer}`, Accept: "application/vnd.atlas.2023-01-01+json", "Content-Type": "application/vnd.atlas.2023-01-01+json" },
      body: JSON.stringify({ type: "PAGER_DUTY", serviceKey: key, region: "US" }),
    });
    expect(post.status).toBe(200);
    const svc = await fetch(`${r.urls.pd}/services`, {
      method: "POST",
      headers: {
        Authorization: `Token token=${creds["pagerduty-token"]}`,
        "Content-Type": "application/json",
        Accept: "application/vnd.pagerduty+json;version=2",
      },
      body: JSON.stringify({ service: { name: "cli" } }),
    });
    expect(svc.status).toBe(201);
    // The dashboard needs the REST token: once in the URL (never logged), then a cookie.
    expect((await fetch(`${r.urls.pd}/`)).status).toBe(401);
    const login = await fetch(`${r.urls.pd}/?token=${encodeURIComponent(creds["pagerduty-token"])}`, { redirect: "manual" });
    expect(login.status).toBe(303);
    expect((await fetch(`${r.urls.pd}/`, { headers: { cookie: login.headers.get("set-cookie")!.split(";")[0] } })).status).toBe(200);
    expect(banner).toContain(`${r.urls.pd}/?token=`);

    // https for clients that insist on it: the certificate is made into the data directory and printed.
    const certPath = /TLS certificate:\s+(\S+)/.exec(banner)![1];
    expect(certPath).toBe(path.join(dataDir, "tls", "cert.pem"));
    expect(fs.statSync(path.join(dataDir, "tls", "key.pem")).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dataDir, "sandbox.sqlite")).mode & 0o777).toBe(0o600);
    const httpsUrl = /PagerDuty US https:\s+(https:\/\/\S+)/.exec(banner)![1];
    const overTls = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = https.get(
        `${httpsUrl}/escalation_policies`,
        {
          ca: fs.readFileSync(certPath),
          headers: { Authorization: `Token token=${creds["pagerduty-token"]}`, Accept: "application/vnd.pagerduty+json;version=2" },
        },
        (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
    });
    expect(overTls.status).toBe(200);
    expect(JSON.parse(overTls.body).escalation_policies[0].name).toBe("Default");
    expect(await stop(r)).toBe(0);

    // Everything after the start banner is request logging: no credential, token or key in it.
    const logs = r.out().slice(banner.length);
    expect(logs).toMatch(/"url":"\/api\/atlas\/v2\/groups/);
    for (const secret of [creds["client-secret"], creds["pagerduty-token"], bearer, key]) expect(logs).not.toContain(secret);
    // Each request line names the server and the listener that took it (here PagerDuty US over https).
    const lines = logs
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.req?.url === "/escalation_policies")).toEqual([expect.objectContaining({ server: "PagerDuty US", listener: httpsUrl })]);

    r = await start(dataDir);
    const get = await request(`${r.urls.atlas}/api/atlas/v2/groups/5f1e2d3c4b5a69788796a5b4/integrations/PAGER_DUTY`, {
      headers: { Authorization: `Bearer ${await token(r.urls.atlas)}`, Accept: "application/vnd.atlas.2023-01-01+json" },
    });
    expect(get.body).toMatchObject({ type: "PAGER_DUTY", serviceKey: `${"*".repeat(28)}cdef` });
    expect(await stop(r)).toBe(0);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
