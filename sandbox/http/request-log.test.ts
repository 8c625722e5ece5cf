import * as fs from "node:fs";
import * as https from "node:https";
import { REGION_NAMES } from "../../lib/regions";
import { captureStdout } from "../../test/support/log-capture";
import { startSandbox, type Sandbox } from "../index";

/** GET over https trusting the sandbox's self-signed certificate. */
function getTls(url: string, ca: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      })
      .on("error", reject);
  });
}

/**
 * With the project API and every PagerDuty region (plain and TLS) in one
 * process, each request's log lines say which server answered and on which
 * listener (the URL the sandbox printed), so a `--log` reader can tell US from
 * EU and http from https.
 */
test("request log lines name the server and the listener: project API, PagerDuty US/EU, plain and TLS", async () => {
  const log = captureStdout();
  let sb: Sandbox | undefined;
  try {
    sb = await startSandbox({ logger: true, pagerdutyTlsPorts: Object.fromEntries(REGION_NAMES.map((r) => [r, 0])) });
    const ca = fs.readFileSync(sb.pagerdutyTls!.certPath);
    const probes: Array<{ probe: string; url: string; server: string; listener: string }> = [
      { probe: "atlas", url: sb.atlasUrl, server: "project API", listener: sb.atlasUrl },
      ...REGION_NAMES.flatMap((r) => [
        { probe: `${r}-plain`, url: sb!.pagerdutyUrl[r], server: `PagerDuty ${r}`, listener: sb!.pagerdutyUrl[r] },
        { probe: `${r}-tls`, url: sb!.pagerdutyTls![r]!, server: `PagerDuty ${r}`, listener: sb!.pagerdutyTls![r]! },
      ]),
    ];
    for (const p of probes) {
      const url = `${p.url}/services?probe=${p.probe}`;
      const status = url.startsWith("https:") ? await getTls(url, ca) : (await fetch(url)).status;
      expect(status).toBeGreaterThanOrEqual(400); // no credentials: refused, and still logged
    }
    await sb.close();
    sb = undefined;
    const lines = log.lines();
    for (const p of probes) {
      const incoming = lines.filter((l) => l.msg === "incoming request" && String(l.req?.url).endsWith(`probe=${p.probe}`));
      expect(incoming).toEqual([expect.objectContaining({ server: p.server, listener: p.listener })]);
      const { reqId } = incoming[0];
      // Request ids repeat across servers (each counts from 1): server and listener tell the lines apart.
      const completed = lines.filter((l) => l.msg === "request completed" && l.reqId === reqId && l.server === p.server && l.listener === p.listener);
      expect({ probe: p.probe, completed: completed.map((l) => l.res.statusCode) }).toEqual({ probe: p.probe, completed: [expect.any(Number)] });
    }
  } finally {
    log.restore();
    await sb?.close();
  }
});
