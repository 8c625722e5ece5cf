import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { RESOURCES } from "../registry";

// The README's argument tables say what the schema's descriptions say (provider/*/schema.ts):
// one row per described input (nested fields dotted), the row's text equal to the description.
const readme = fs.readFileSync(path.join(__dirname, "../../README.md").replace(`${path.sep}dist${path.sep}`, path.sep), "utf8");

/** Every described input, dotted for nested objects, with its description (internal fields left out). */
function describedInputs(schema: z.ZodType): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (js: any, prefix: string) => {
    for (const [name, p] of Object.entries<any>(js.properties ?? {})) {
      if (p.internal) continue;
      const key = prefix + name;
      if (p.type === "object" && p.properties && prefix === "" && ["initialAlert", "selector"].includes(name)) walk(p, `${key}.`);
      else out[key] = p.description;
    }
  };
  walk(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }), "");
  return out;
}

function table(kind: string): Record<string, string> {
  const section = readme.split(`\n### \`${kind}\` arguments\n`)[1]?.split("\n### ")[0] ?? "";
  const rows: Record<string, string> = {};
  for (const line of section.split("\n")) {
    const m = /^\| `([\w.]+)`\s*\|[^|]*\|\s*(.*?)\s*\|$/.exec(line);
    if (m) rows[m[1]] = m[2];
  }
  return rows;
}

describe.each(RESOURCES.map((r) => [r.kind, r] as const))("the README's %s arguments", (kind, r) => {
  it("one row per input, its text the schema's description", () => {
    const rows = table(kind);
    const described = describedInputs(r.inputs);
    // `integration`: the Node SDK's argument that sets integrationInstanceId, projectId and region.
    const sdkOnly = kind === "AlertRouting" || kind === "AlertNotification" ? ["integration"] : [];
    expect(
      Object.keys(rows)
        .filter((k) => !sdkOnly.includes(k))
        .sort(),
    ).toEqual(Object.keys(described).sort());
    for (const [name, text] of Object.entries(described)) expect([name, rows[name]]).toEqual([name, text]);
  });
});
