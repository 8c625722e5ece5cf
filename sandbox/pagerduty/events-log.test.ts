import { ManualClock } from "../../lib/clock";
import { ConformanceRecorder } from "../../test/support/openapi";
import { restClient, sendEvent, serviceWithKey, startPagerDuty, trigger, type PagerDutyHarness } from "../../test/support/pagerduty/harness";
import { DEFAULT_EVENTS_RETENTION } from "./store/events-log";

/** The events log: indexed for the sequence read on every event, pruned by age and by count. */
const recorder = new ConformanceRecorder();
let pd: PagerDutyHarness;
const clock = new ManualClock("2026-03-01T10:00:00Z");

beforeAll(async () => {
  pd = await startPagerDuty(recorder, { clock, eventsRetention: { maxEvents: 5, maxAgeDays: 1 } });
});

afterAll(async () => {
  await pd.close();
  expect(recorder.errors()).toEqual([]);
});

const logged = () => pd.db.prepare("SELECT dedup_key, received_at FROM pd_events ORDER BY seq").all() as Array<{ dedup_key: string; received_at: string }>;

test("keeps 7 days and at most 200,000 events by default", () => {
  expect(DEFAULT_EVENTS_RETENTION).toEqual({ maxAgeDays: 7, maxEvents: 200_000 });
});

test("the sequence read and both prunes use indexes, not a scan of the log", () => {
  const plan = (sql: string) => (pd.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join("; ");
  expect(plan("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM pd_events")).toMatch(/pd_events_seq/);
  expect(plan("DELETE FROM pd_events WHERE seq <= 10")).toMatch(/pd_events_seq/);
  expect(plan("DELETE FROM pd_events WHERE received_at < '2026-01-01T00:00:00Z'")).toMatch(/pd_events_received/);
});

test("keeps only the newest maxEvents, and drops events older than maxAgeDays", async () => {
  const { key } = await serviceWithKey(restClient(pd.url));
  for (let i = 1; i <= 8; i++) expect((await sendEvent(pd.url, trigger(key, `event ${i}`, { dedup_key: `k${i}` }))).status).toBe(202);
  expect(logged().map((e) => e.dedup_key)).toEqual(["k4", "k5", "k6", "k7", "k8"]);

  clock.advance(25 * 3600_000);
  await sendEvent(pd.url, trigger(key, "a day later", { dedup_key: "later" }));
  expect(logged()).toEqual([{ dedup_key: "later", received_at: "2026-03-02T11:00:00Z" }]);
  // Pruning the log never touches incidents.
  expect((await restClient(pd.url).get("/incidents?incident_key=k1")).body.incidents).toHaveLength(1);
});
