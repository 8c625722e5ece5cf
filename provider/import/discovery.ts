import type { Clients } from "../clients";

/**
 * What the bulk import finds in a project, per resource kind (each kind's
 * `discover` in provider/registry.ts). `object` names the project object
 * (`integration/PAGER_DUTY`, `alertConfig/<id>`): an object one kind imports
 * is not reported as skipped by another, so a later kind (an attachment to
 * configurations a routing cannot own) takes over what earlier ones skip.
 */
export interface Found {
  object: string;
  /** The resource name in the program (unique within the project's import). */
  name: string;
  /** The id `pulumi import` takes. */
  id: string;
  /** What to add to the generated program afterwards, if anything (a key the project API never returns). */
  note?: string;
}

export interface Skipped {
  object: string;
  /** What it is, for the person reading the list. */
  description: string;
  reason: string;
}

export interface Discovered {
  found: Found[];
  skipped: Skipped[];
}

export type Discovery = (projectId: string, clients: Clients) => Promise<Discovered>;
