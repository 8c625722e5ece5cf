import type { AlertObservation, RelayStore } from "../../relay/store/types";

/** An observation of alert `alertId` on route "orders" (an open, unless `over` says otherwise). */
export function observation(alertId: string, over: Partial<AlertObservation> = {}): AlertObservation {
  return {
    routeId: "orders",
    projectId: "a".repeat(24),
    alertId,
    alertConfigId: null,
    event: "alert.open",
    status: "OPEN",
    acknowledged: false,
    acknowledgedUntil: null,
    inform: false,
    updatedMs: 1_000,
    facts: { eventTypeName: "NO_PRIMARY" },
    ...over,
  };
}

/** Runs `fn` on a store `open` makes, closing it after, whatever happens. */
async function withStore(open: () => Promise<RelayStore>, fn: (store: RelayStore) => Promise<void>): Promise<void> {
  const store = await open();
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

/** The in-doubt mark's contract, the same on every RelayStore. */
export function inDoubtMarkTests(open: () => Promise<RelayStore>): void {
  it("is committed before a send, cleared with its success, and keeps a closed alert in the reconciler's view", () =>
    withStore(open, async (store) => {
      await store.observeAlert(observation("1"), 1);
      await store.markAttempt("orders", "1", "trigger", 2);
      expect(await store.getAlert("orders", "1")).toMatchObject({ pdState: "none", pdAttempted: "trigger" });
      await store.observeAlert(observation("1", { event: "alert.close", status: "CLOSED", updatedMs: 2_000 }), 3);
      expect((await store.listAlerts({ activeOnly: true })).map((a) => a.alertId)).toEqual(["1"]);
      await store.markSent({ routeId: "orders", alertId: "1", action: "resolve", at: 4 }, "resolved");
      expect(await store.getAlert("orders", "1")).toMatchObject({ pdState: "resolved", pdAttempted: null });
      expect(await store.listAlerts({ activeOnly: true })).toEqual([]);
    }));
}

/** A 400's refusal (AlertRecord.pdRefused): kept for the state it was made in, the same on every RelayStore. */
export function refusalTests(open: () => Promise<RelayStore>): void {
  it("keeps a refusal while the alert's state stays, and clears it when the status or acknowledgement changes, or a send succeeds", () =>
    withStore(open, async (store) => {
      await store.observeAlert(observation("1"), 1);
      await store.markRefused("orders", "1", "trigger", 2);
      expect((await store.getAlert("orders", "1"))?.pdRefused).toBe("trigger");
      // A newer read of the same state (Atlas's `updated` moved, the alert is still open) keeps it.
      await store.observeAlert(observation("1", { event: "alert.update", updatedMs: 2_000 }), 3);
      expect((await store.getAlert("orders", "1"))?.pdRefused).toBe("trigger");
      // Acknowledged in the project: another state.
      await store.observeAlert(observation("1", { event: "alert.acknowledge", acknowledged: true, updatedMs: 3_000 }), 4);
      expect((await store.getAlert("orders", "1"))?.pdRefused).toBeNull();
      await store.markRefused("orders", "1", "trigger", 5);
      await store.markSent({ routeId: "orders", alertId: "1", action: "trigger", at: 6 }, "triggered");
      expect(await store.getAlert("orders", "1")).toMatchObject({ pdRefused: null, pdState: "triggered" });
      await store.markRefused("orders", "1", "resolve", 7);
      await store.observeAlert(observation("1", { event: "alert.close", status: "CLOSED", updatedMs: 4_000 }), 8);
      expect((await store.getAlert("orders", "1"))?.pdRefused).toBeNull();
    }));
}

/** PagerDuty's acknowledgement timing out (AlertRecord.ackTimedOut), the same on every RelayStore. */
export function ackTimeoutTests(open: () => Promise<RelayStore>): void {
  it("incident.unacknowledged marks the alert, and PagerDuty's next acknowledgement clears the mark", () =>
    withStore(open, async (store) => {
      await store.observeAlert(observation("1", { acknowledged: true }), 1);
      await store.markSent({ routeId: "orders", alertId: "1", action: "trigger", at: 2 }, "triggered");
      await store.markSent({ routeId: "orders", alertId: "1", action: "acknowledge", at: 3 }, "acknowledged");
      expect(await store.getAlert("orders", "1")).toMatchObject({ pdState: "acknowledged", ackTimedOut: false });
      await store.notePdState("orders", "1", "triggered", 4);
      expect(await store.getAlert("orders", "1")).toMatchObject({ pdState: "triggered", ackTimedOut: true });
      // A repeated unacknowledged changes nothing; the project's state does not clear it.
      await store.notePdState("orders", "1", "triggered", 5);
      await store.observeAlert(observation("1", { event: "alert.update", acknowledged: true, updatedMs: 2_000 }), 6);
      expect(await store.getAlert("orders", "1")).toMatchObject({ pdState: "triggered", ackTimedOut: true });
      await store.notePdState("orders", "1", "acknowledged", 7);
      expect(await store.getAlert("orders", "1")).toMatchObject({ pdState: "acknowledged", ackTimedOut: false });
    }));
}

/** Retention (pruneRetained), the same on every RelayStore. */
export function retentionTests(open: () => Promise<RelayStore>): void {
  it("prunes closed alerts, quiet served configurations and old intake dead letters; never an alert PagerDuty may show open", async () => {
    const store = await open();
    const DAY = 86_400_000;
    const old = 1_000;
    const recent = old + 40 * DAY;
    const before = old + 30 * DAY;
    try {
      // Old and closed, nothing in PagerDuty: pruned. Old but triggered (PagerDuty may show it open): kept.
      await store.observeAlert(observation("closed", { status: "CLOSED", alertConfigId: "c-old" }), old);
      await store.observeAlert(observation("open", { alertConfigId: "c-old" }), old);
      await store.markSent({ routeId: "orders", alertId: "open", action: "trigger", at: old }, "triggered");
      await store.observeAlert(observation("closed-in-doubt", { status: "CLOSED" }), old);
      await store.markAttempt("orders", "closed-in-doubt", "trigger", old);
      await store.observeAlert(observation("closed-recently", { status: "CLOSED", alertConfigId: "c-new" }), recent);
      // A configuration named again later is kept; one named only long ago is not.
      await store.observeAlert(observation("again", { status: "CLOSED", alertConfigId: "c-again", updatedMs: 1 }), old);
      await store.observeAlert(observation("again2", { status: "CLOSED", alertConfigId: "c-again" }), recent);
      await store.recordIntakeDeadLetter({ routeId: "orders", reason: "old", event: "alert.open", projectId: null, alertId: null, receivedAt: old });
      await store.recordIntakeDeadLetter({ routeId: "orders", reason: "new", event: "alert.open", projectId: null, alertId: null, receivedAt: recent });

      expect(await store.pruneRetained(before)).toEqual({ alerts: 2, servedConfigs: 1, intakeDeadLetters: 1 });
      const left = (await store.listAlerts({ limit: 100 })).map((a) => a.alertId).sort();
      expect(left).toEqual(["again2", "closed-in-doubt", "closed-recently", "open"]);
      expect(await store.servedConfigs("orders")).toEqual(["c-again", "c-new"]);
      expect((await store.listIntakeDeadLetters(10)).map((d) => d.reason)).toEqual(["new"]);
      expect(await store.pruneRetained(before)).toEqual({ alerts: 0, servedConfigs: 0, intakeDeadLetters: 0 });
    } finally {
      await store.close();
    }
  });
}

/** listActiveAlerts: a route's alerts PagerDuty may show open, in alert id order, a page at a time. */
export function activeAlertPagesTests(open: () => Promise<RelayStore>): void {
  it("lists a route's active alerts in id order after a cursor, leaving out closed ones with nothing open in PagerDuty", () =>
    withStore(open, async (store) => {
      for (const id of ["c", "a", "d", "b"]) await store.observeAlert(observation(id), 1);
      await store.observeAlert(observation("e", { status: "CLOSED" }), 1);
      await store.observeAlert(observation("x", { routeId: "other" }), 1);
      const ids = async (after: string | undefined, limit: number) => (await store.listActiveAlerts("orders", { after, limit })).map((a) => a.alertId);
      expect(await ids(undefined, 10)).toEqual(["a", "b", "c", "d"]);
      expect(await ids(undefined, 2)).toEqual(["a", "b"]);
      expect(await ids("b", 2)).toEqual(["c", "d"]);
      expect(await ids("d", 2)).toEqual([]);
    }));
}

/** A store opened on a database an older relay made, holding alert "1" (open, triggered), reads it with nothing in doubt and can mark it. Closes the store. */
export async function expectUpgraded(store: RelayStore): Promise<void> {
  try {
    expect(await store.getAlert("orders", "1")).toMatchObject({ status: "OPEN", pdState: "triggered", pdAttempted: null });
    await store.markAttempt("orders", "1", "resolve", 2);
    expect((await store.getAlert("orders", "1"))?.pdAttempted).toBe("resolve");
  } finally {
    await store.close();
  }
}
