import { transaction } from "../../../lib/sqlite";
import type { PdContext } from "../deps";
import type { Agent, IncidentRow } from "../store/incidents";
import { resolve, unacknowledge } from "./incident-lifecycle";

/**
 * The service timeouts PagerDuty applies on its own: an acknowledged incident
 * returns to triggered when the acknowledgement timeout passes (that is where
 * `incident.unacknowledged` comes from), and an open incident resolves after
 * the auto-resolve timeout. Driven by the injected clock, so tests can step
 * through them with a ManualClock.
 */
export function applyTimeouts(ctx: PdContext): number {
  const nowMs = ctx.clock.now().getTime();
  const open = ctx.db
    .prepare(
      `SELECT i.*, s.name AS service_name, s.acknowledgement_timeout AS ack_timeout, s.auto_resolve_timeout AS resolve_timeout
       FROM pd_incidents i JOIN pd_services s ON s.id = i.service_id
       WHERE i.region = ? AND i.status != 'resolved'`,
    )
    .all(ctx.region) as unknown as Array<IncidentRow & { service_name: string; ack_timeout: number | null; resolve_timeout: number | null }>;
  let changed = 0;
  for (const inc of open) {
    const agent: Agent = { type: "service_reference", id: inc.service_id, summary: inc.service_name };
    const autoResolveAt = inc.resolve_timeout ? Date.parse(inc.created_at) + inc.resolve_timeout * 1000 : Infinity;
    const unackAt =
      inc.status === "acknowledged" && inc.ack_timeout && inc.acknowledged_at ? Date.parse(inc.acknowledged_at) + inc.ack_timeout * 1000 : Infinity;
    if (autoResolveAt <= nowMs) {
      transaction(ctx.db, () => resolve(ctx, inc, "timeout", agent, null));
      changed++;
    } else if (unackAt <= nowMs) {
      transaction(ctx.db, () => unacknowledge(ctx, inc, "timeout", agent));
      changed++;
    }
  }
  return changed;
}
