import type { Clients } from "../clients";
import { discoverProject } from "./bulk";
import type { Discovered } from "./discovery";

// The bulk import's merge of what each resource kind finds, in registry order: the file's
// resources, the notes for after the import, and what is left out. Each kind's own discovery
// is tested against the sandbox (test/integration/bulk-import.test.ts).
const clients = {} as Clients;
const PROJECT = "5f1e2d3c4b5a69788796a5b4";
const kind = (name: string, d: Discovered) => ({ kind: name, discover: async () => d });

describe("discoverProject", () => {
  it("lists each kind's finds with its type token, in registry order, and keeps the notes by resource name", async () => {
    const got = await discoverProject(PROJECT, clients, [
      kind("PagerDutyIntegration", {
        found: [{ object: "integration/PAGER_DUTY", name: "pagerduty", id: `${PROJECT}/PAGER_DUTY`, note: "set the key" }],
        skipped: [],
      }),
      kind("AlertRouting", { found: [{ object: "alertConfig/a", name: "no-primary-aaaaaa", id: `${PROJECT}/a` }], skipped: [] }),
    ]);
    expect(got.file).toEqual({
      resources: [
        { type: "pagerduty-as-code:index:PagerDutyIntegration", name: "pagerduty", id: `${PROJECT}/PAGER_DUTY` },
        { type: "pagerduty-as-code:index:AlertRouting", name: "no-primary-aaaaaa", id: `${PROJECT}/a` },
      ],
    });
    expect(got.notes).toEqual([{ name: "pagerduty", note: "set the key" }]);
    expect(got.skipped).toEqual([]);
  });

  it("an object one kind skips and a later kind imports (an attachment to a configuration with other notifications) is imported, not skipped", async () => {
    const mixed = { object: "alertConfig/b", description: "HOST_DOWN (b)", reason: "notifications besides PagerDuty" };
    const other = { object: "alertConfig/c", description: "CLUSTER_MONGOS_IS_MISSING (c)", reason: "not routed to PagerDuty" };
    const got = await discoverProject(PROJECT, clients, [
      kind("AlertRouting", { found: [], skipped: [mixed, other] }),
      kind("AlertNotification", { found: [{ object: "alertConfig/b", name: "host-down", id: `${PROJECT}/b/PAGER_DUTY` }], skipped: [other] }),
    ]);
    expect(got.file.resources).toEqual([{ type: "pagerduty-as-code:index:AlertNotification", name: "host-down", id: `${PROJECT}/b/PAGER_DUTY` }]);
    // Listed once, though both kinds skip it.
    expect(got.skipped).toEqual([other]);
  });

  it("an object two kinds find is imported once, by the first; names stay unique across kinds", async () => {
    const got = await discoverProject(PROJECT, clients, [
      kind("AlertRouting", { found: [{ object: "alertConfig/a", name: "x", id: `${PROJECT}/a` }], skipped: [] }),
      kind("AlertNotification", {
        found: [
          { object: "alertConfig/a", name: "y", id: `${PROJECT}/a/PAGER_DUTY` },
          { object: "alertConfig/d", name: "x", id: `${PROJECT}/d/PAGER_DUTY` },
        ],
        skipped: [],
      }),
    ]);
    expect(got.file.resources.map((r) => [r.name, r.id])).toEqual([
      ["x", `${PROJECT}/a`],
      ["x-2", `${PROJECT}/d/PAGER_DUTY`],
    ]);
  });
});
