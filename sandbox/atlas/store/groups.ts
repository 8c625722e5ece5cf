import type { Db } from "../../../lib/sqlite";
import { newObjectId } from "../ids";
import { atlasTime } from "../time";

export interface Group {
  id: string;
  orgId: string;
  name: string;
  created: string;
}

interface Row {
  id: string;
  org_id: string;
  name: string;
  created: string;
}

const toGroup = (r: Row): Group => ({ id: r.id, orgId: r.org_id, name: r.name, created: r.created });

/** Projects ("groups" in the API). The sandbox's one org owns them all. */
export class GroupStore {
  constructor(private readonly db: Db) {}

  get(id: string): Group | undefined {
    const r = this.db.prepare("SELECT * FROM atlas_groups WHERE id = ?").get(id) as Row | undefined;
    return r && toGroup(r);
  }

  /** Creates the group unless it exists; `created` tells which. */
  ensure(id: string, name: string | undefined, now: Date): { group: Group; created: boolean } {
    const existing = this.get(id);
    if (existing) return { group: existing, created: false };
    const orgId = this.orgId();
    const group: Group = { id, orgId, name: name ?? `Project ${id.slice(-6)}`, created: atlasTime(now) };
    this.db.prepare("INSERT INTO atlas_groups (id, org_id, name, created) VALUES (?, ?, ?, ?)").run(id, orgId, group.name, group.created);
    return { group, created: true };
  }

  /** The org of the first project, so every project shares one (like one Atlas org). */
  private orgId(): string {
    const r = this.db.prepare("SELECT org_id FROM atlas_groups LIMIT 1").get() as { org_id: string } | undefined;
    return r?.org_id ?? newObjectId();
  }
}
