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

/** The in-doubt mark's contract, the same on every RelayStore. */
export function inDoubtMarkTests(open: () => Promise<RelayStore>): void {
  it("is committed before a send, cleared with its success, and keeps a closed alert in the reconciler's view", async () => {
    const store = await open();
    try {
      await store.observeAlert(observation("1"), 1);
      await store.markAttempt("orders", "1", "trigger", 2);
      expect(await store.getAlert("orders", "1")).toMatchObject({ pdState: "none", pdAttempted: "trigger" });
      await store.observeAlert(observation("1", { event: "alert.close", status: "CLOSED", updatedMs: 2_000 }), 3);
      expect((await store.listAlerts({ activeOnly: true })).map((a) => a.alertId)).toEqual(["1"]);
      await store.markSent({ routeId: "orders", alertId: "1", action: "resolve", at: 4 }, "resolved");
      expect(await store.getAlert("orders", "1")).toMatchObject({ pdState: "resolved", pdAttempted: null });
      expect(await store.listAlerts({ activeOnly: true })).toEqual([]);
    } finally {
      await store.close();
    }
  });
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
