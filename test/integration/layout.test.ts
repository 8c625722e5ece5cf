import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../support/provider-host";
import { tsFiles } from "../support/repo-files";

// Source modules never import test code (it is not shipped); tests next to the code may import test/support.
const SOURCE_DIRS = ["catalog", "lib", "clients", "sdk", "provider", "sandbox", "relay", "scripts", "examples"];

it("no source module imports test/", () => {
  const testDir = path.join(repoRoot, "test");
  const offenders: string[] = [];
  for (const file of SOURCE_DIRS.flatMap((d) => tsFiles(path.join(repoRoot, d), false))) {
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from|import|require)\s*\(?\s*["']([^"']+)["']/g)) {
      const target = path.resolve(path.dirname(file), m[1]);
      if (m[1].startsWith(".") && (target === testDir || target.startsWith(testDir + path.sep)))
        offenders.push(`${path.relative(repoRoot, file)} imports ${m[1]}`);
    }
  }
  expect(offenders).toEqual([]);
});

// One recording/scripted fake server for all tests (test/support/fake-server.ts), one fetch helper (test/support/fetch.ts).
it("tests have one fake HTTP server", () => {
  const testFiles = [...tsFiles(path.join(repoRoot, "test")), ...SOURCE_DIRS.flatMap((d) => tsFiles(path.join(repoRoot, d), "only"))];
  // The PostgreSQL replica fixture is a relay process under test, not a fake.
  const allowed = new Set(["test/support/fake-server.ts", "test/pg/fixtures/replica.ts"]);
  const offenders = testFiles
    .map((f) => path.relative(repoRoot, f))
    .filter((f) => !allowed.has(f) && /\bhttps?\.createServer\(/.test(fs.readFileSync(path.join(repoRoot, f), "utf8")));
  expect(offenders).toEqual([]);
});

it("every path in the README's architecture table exists", () => {
  const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
  const section = readme.split("\n## Architecture: where each concept lives\n")[1]?.split("\n## ")[0];
  expect(section).toBeDefined();
  const rows = section!.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| concept") && !l.startsWith("| ---"));
  expect(rows.length).toBeGreaterThan(20);
  // Backticked repository paths: a top-level folder, then more; npm names and identifiers are not paths.
  const paths = [...section!.matchAll(/`((?:lib|clients|catalog|provider|sdk|sandbox|relay|scripts|specs|test|packages)\/[^`\s]*)`/g)].map((m) => m[1]);
  expect(paths.length).toBeGreaterThan(30);
  // Bare file names after a folder (`lib/outbox/` ... `sqlite.ts`) are not checked; the folder is.
  expect(paths.filter((p) => !fs.existsSync(path.join(repoRoot, p)))).toEqual([]);
});
