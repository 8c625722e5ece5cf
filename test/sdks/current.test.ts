import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { generateSdks, SCHEMA_FILE, SDK_DIR, SDK_LANGUAGES } from "../../scripts/gen-sdks";
import { repoRoot, tempDir } from "./support";

// The committed SDKs are exactly what the generator makes of the committed schema (which
// provider/schema/schema.test.ts keeps equal to the registry's): a stale SDK, a file edited by
// hand, one missing or left over fails here. The fix is `npm run gen:sdks` and a commit.
jest.setTimeout(600_000);

/** The files of `dir` a commit would hold (tracked, or untracked and not ignored), relative to it. */
function committable(dir: string): string[] {
  const rel = path.relative(repoRoot, dir);
  const listed = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "--", rel], { cwd: repoRoot, encoding: "utf8" });
  return [...new Set(listed.split("\n").filter(Boolean))]
    .filter((f) => fs.existsSync(path.join(repoRoot, f)))
    .map((f) => path.relative(rel, f))
    .sort();
}

function generated(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

const out = tempDir("pdac-sdkgen-");
beforeAll(() => generateSdks(SCHEMA_FILE, out));

it.each(SDK_LANGUAGES.map((l) => [l]))("plugin-sdks/%s is what the generator makes of plugin-sdks/schema.json (else run npm run gen:sdks)", (lang) => {
  const fresh = path.join(out, lang);
  const committed = path.join(SDK_DIR, lang);
  const files = generated(fresh);
  expect(files.length).toBeGreaterThan(5);
  expect(committable(committed)).toEqual(files);
  const differing = files.filter((f) => !fs.readFileSync(path.join(fresh, f)).equals(fs.readFileSync(path.join(committed, f))));
  expect(differing).toEqual([]);
});

it("every resource of the schema has its class in each SDK", () => {
  const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8"));
  const kinds = Object.keys(schema.resources).map((t) => t.split(":")[2]);
  for (const kind of kinds) {
    const snake = kind.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
    const camel = kind[0].toLowerCase() + kind.slice(1);
    expect(fs.readFileSync(path.join(SDK_DIR, `python/pulumi_pagerduty_as_code/${snake}.py`), "utf8")).toContain(`class ${kind}(pulumi.CustomResource)`);
    expect(fs.readFileSync(path.join(SDK_DIR, `go/pagerdutyascode/${camel}.go`), "utf8")).toContain(`func New${kind}(`);
    expect(fs.readFileSync(path.join(SDK_DIR, `nodejs/${camel}.ts`), "utf8")).toContain(`export class ${kind} extends pulumi.CustomResource`);
  }
});
