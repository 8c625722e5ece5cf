import type { Clients } from "../clients";
import { RESOURCES } from "../registry";
import { typeToken } from "../schema/schema";
import type { Discovery, Skipped } from "./discovery";

/** One resource of the file `pulumi import --file` takes. */
export interface ImportSpec {
  type: string;
  name: string;
  id: string;
}

/** What the bulk import of a project found: the file's resources, what to do after the import, and what it leaves out. */
export interface ProjectImport {
  /** The content of the file for `pulumi import --file`. */
  file: { resources: ImportSpec[] };
  /** What to add to the generated program afterwards (a key the project API never returns), by resource name. */
  notes: Array<{ name: string; note: string }>;
  /** The project's objects no resource imports, with why. */
  skipped: Skipped[];
}

/**
 * Asks every registered resource kind which of the project's objects it
 * imports (each kind's `discover`, provider/registry.ts) and makes the file
 * `pulumi import --file` takes. An object that one kind skips and another
 * imports is imported, not listed as skipped: a configuration with
 * notifications besides PagerDuty, which an AlertRouting cannot own (its next
 * update would drop them), is skipped by the routing's discovery and left for
 * a kind that imports attachments to existing configurations (AlertNotification
 * imports none today: its first up finds its notifications again). Reads
 * only: nothing is written to the project.
 */
export async function discoverProject(
  projectId: string,
  clients: Clients,
  registrations: readonly { kind: string; discover: Discovery }[] = RESOURCES,
): Promise<ProjectImport> {
  const resources: ImportSpec[] = [];
  const notes: ProjectImport["notes"] = [];
  const skipped: Skipped[] = [];
  const imported = new Set<string>();
  const names = new Set<string>();
  for (const r of registrations) {
    const d = await r.discover(projectId, clients);
    for (const f of d.found) {
      if (imported.has(f.object)) continue; // an earlier kind imports it already
      imported.add(f.object);
      const name = uniqueName(names, f.name);
      resources.push({ type: typeToken(r.kind), name, id: f.id });
      if (f.note) notes.push({ name, note: f.note });
    }
    skipped.push(...d.skipped);
  }
  const reported = new Set<string>();
  const left = skipped.filter((s) => !imported.has(s.object) && !reported.has(s.object) && reported.add(s.object));
  return { file: { resources }, notes, skipped: left };
}

function uniqueName(taken: Set<string>, base: string): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}
