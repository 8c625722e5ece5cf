/**
 * Severity from the alert configuration's `severityOverride`, read through the project API and
 * cached 5 minutes. When the read fails the route's default is used and the failure counted,
 * so a project API outage delays nothing.
 */
import { type PagerDutySeverity, pagerDutySeverityOf } from "../../lib/severity";

export interface AlertConfigReader {
  getAlertConfig(projectId: string, id: string): Promise<{ severityOverride?: string } | undefined>;
}

export class SeverityResolver {
  private readonly cache = new Map<string, { severity: PagerDutySeverity | undefined; at: number }>();

  constructor(
    private readonly atlas: AlertConfigReader,
    private readonly onFailure: (err: unknown) => void,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async severity(projectId: string, alertConfigId: string | null, fallback: PagerDutySeverity): Promise<PagerDutySeverity> {
    if (!alertConfigId) return fallback;
    const key = `${projectId}/${alertConfigId}`;
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.severity ?? fallback;
    try {
      const cfg = await this.atlas.getAlertConfig(projectId, alertConfigId);
      const severity = pagerDutySeverityOf(cfg?.severityOverride);
      this.cache.set(key, { severity, at: this.now() });
      if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
      return severity ?? fallback;
    } catch (err) {
      this.onFailure(err);
      return fallback;
    }
  }
}
