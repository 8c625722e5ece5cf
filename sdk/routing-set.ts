import * as pulumi from "@pulumi/pulumi";
import { PagerDutyIntegration, type PagerDutyIntegrationArgs } from "./integration";
import { AlertNotification, type AlertNotificationArgs } from "./notification";
import { AlertRouting, type AlertRoutingArgs } from "./routing";

/** One project of the set: its PagerDutyIntegration's arguments (project id, key or service, region). */
export type RoutingSetProject = PagerDutyIntegrationArgs;

export interface AlertRoutingSetArgs {
  /** The projects, by a short stable key (letters, digits, `-`, `_`) that names their resources: renaming a key replaces that project's resources. */
  projects: Record<string, RoutingSetProject>;
  /** AlertRoutings every project gets, by name; the project's integration is passed to each. */
  routings?: Record<string, Omit<AlertRoutingArgs, "integration" | "projectId">>;
  /** AlertNotifications every project gets, by name; the project's integration is passed to each. */
  notifications?: Record<string, Omit<AlertNotificationArgs, "integration" | "projectId">>;
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * One set of routings and attachments applied to many projects. Each project gets its own
 * PagerDutyIntegration and its own copy of every routing and notification, named
 * `<set>-<project key>[-<name>]`, so each project's resources are previewed, updated and
 * refreshed separately, and a change to the set previews as the same change in every project.
 */
export class AlertRoutingSet extends pulumi.ComponentResource {
  static readonly typeToken = "pdac:index:AlertRoutingSet";

  /** Per project key: its integration. */
  readonly integrations: Record<string, PagerDutyIntegration> = {};
  /** Per project key, per routing name. */
  readonly routings: Record<string, Record<string, AlertRouting>> = {};
  /** Per project key, per notification name. */
  readonly notifications: Record<string, Record<string, AlertNotification>> = {};

  constructor(name: string, args: AlertRoutingSetArgs, opts?: pulumi.ComponentResourceOptions) {
    super(AlertRoutingSet.typeToken, name, {}, opts);
    for (const key of [...Object.keys(args.projects), ...Object.keys(args.routings ?? {}), ...Object.keys(args.notifications ?? {})]) {
      if (!KEY.test(key)) throw new Error(`AlertRoutingSet ${name}: ${JSON.stringify(key)} cannot name resources: use letters, digits, "-" and "_"`);
    }
    const child = { parent: this };
    for (const [key, project] of Object.entries(args.projects)) {
      const integration = new PagerDutyIntegration(`${name}-${key}`, project, child);
      this.integrations[key] = integration;
      this.routings[key] = Object.fromEntries(
        Object.entries(args.routings ?? {}).map(([r, routing]) => [r, new AlertRouting(`${name}-${key}-${r}`, { ...routing, integration }, child)]),
      );
      // After the project's routings: a routing's own configuration then exists when a selector is
      // first evaluated, and is skipped (it already notifies the integration) from the start.
      const after = { ...child, dependsOn: Object.values(this.routings[key]) };
      this.notifications[key] = Object.fromEntries(
        Object.entries(args.notifications ?? {}).map(([n, note]) => [n, new AlertNotification(`${name}-${key}-${n}`, { ...note, integration }, after)]),
      );
    }
    this.registerOutputs({
      integrationIds: Object.fromEntries(Object.entries(this.integrations).map(([k, i]) => [k, i.integrationId])),
    });
  }
}
