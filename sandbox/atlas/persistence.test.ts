import { request } from "../../test/support/fetch";
import * as fs from "node:fs";
import { ManualClock } from "../../lib/clock";
import { EVENT_ACCEPTED, FakeServer } from "../../test/support/fake-server";
import { PD_KEY, startAtlas, tempDir, V1 } from "../../test/support/atlas/harness";

describe("persistence across restart", () => {
  const dir = tempDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("keeps integrations, configurations, alerts, tokens and the pending outbox", async () => {
    const capture = await FakeServer.start({ fallback: { status: 503 } });
    const clock = new ManualClock("2026-03-01T10:00:00Z");
    const errors: string[] = [];

    const first = await startAtlas({ dataDir: dir, capture, clock });
    const token = await first.token();
    await first.api("POST", `/api/atlas/v2/groups/${first.groupId}/integrations/WEBHOOK`, { url: "https://hooks.example.com/p/1234", secret: "abc123-secret" });
    const cfg = (
      await first.api("POST", `/api/atlas/v2/groups/${first.groupId}/alertConfigs`, {
        eventTypeName: "NO_PRIMARY",
        enabled: true,
        notifications: [
          { typeName: "PAGER_DUTY", serviceKey: PD_KEY, delayMin: 0 },
          { typeName: "WEBHOOK", webhookUrl: `${capture.url}/hook/late`, delayMin: 5 },
        ],
      })
    ).body;
    const json = { accept: "application/json", "content-type": "application/json" };
    const alert = (await first.api("POST", `/sandbox/groups/${first.groupId}/alerts`, { alertConfigId: cfg.id, clusterName: "Cluster9" }, json)).body;
    await capture.waitFor(1);
    await first.api("POST", "/sandbox/tick", undefined, json);
    const before = (await first.api("GET", `/sandbox/groups/${first.groupId}/notifications`, undefined, json)).body.results;
    expect(before).toMatchObject([{ kind: "pagerduty", status: "pending", attempts: 1, lastStatus: 503 }]);
    errors.push(...first.conformance());
    await first.close();

    // Restart on the same data directory, after the retry became due, with PagerDuty healthy again.
    capture.fallback = EVENT_ACCEPTED;
    clock.advance(5 * 60_000);
    const second = await startAtlas({ dataDir: dir, capture, clock });
    const old = await request(`${second.url}/api/atlas/v2/groups/${second.groupId}/alertConfigs/${cfg.id}`, {
      headers: { accept: V1, authorization: `Bearer ${token}` },
    });
    expect(old.status).toBe(200);
    expect(old.body.notifications[0].serviceKey).toBe("****************************0022");
    expect((await second.api("GET", `/api/atlas/v2/groups/${second.groupId}/integrations/WEBHOOK`)).body.url).toBe("https://hooks.example.com/****1234");
    expect((await second.api("GET", `/api/atlas/v2/groups/${second.groupId}/alerts/${alert.id}`)).body.status).toBe("OPEN");

    await second.api("POST", "/sandbox/tick", undefined, json);
    await capture.waitFor(2, (c) => c.path.endsWith("/v2/enqueue"));
    await capture.waitFor(1, (c) => c.path === "/hook/late");
    const after = (await second.api("GET", `/sandbox/groups/${second.groupId}/notifications`, undefined, json)).body.results;
    expect(after.map((r: any) => `${r.kind}:${r.status}:${r.attempts}`)).toEqual(["pagerduty:sent:2", "webhook:sent:1"]);
    errors.push(...second.conformance());
    await second.close();
    await capture.close();
    expect(errors).toEqual([]);
  }, 60_000); // seconds when idle; generous for a loaded 2-core machine
});
