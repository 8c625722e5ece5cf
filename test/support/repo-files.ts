import * as fs from "node:fs";
import * as path from "node:path";

/** Every .ts file below `dir` (node_modules skipped); `tests: false` leaves out *.test.ts, `"only"` keeps only them. */
export function tsFiles(dir: string, tests: boolean | "only" = true): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : tsFiles(p, tests);
    if (!/\.ts$/.test(e.name)) return [];
    const isTest = /\.test\.ts$/.test(e.name);
    return (tests === "only" ? isTest : tests || !isTest) ? [p] : [];
  });
}
