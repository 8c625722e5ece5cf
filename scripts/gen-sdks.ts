/**
 * Regenerates the plugin's SDKs: writes plugin-sdks/schema.json from the
 * resource registry (provider/schema/schema.ts), then runs the generator
 * (.tools/bin/pulumi-sdkgen, built by scripts/setup-sdk-tools.sh from
 * tools/pulumi-cli/cmd/pulumi-sdkgen) over it into plugin-sdks/{python,go,nodejs}.
 * A new resource in the registry reaches every SDK by running this and
 * committing the result; `npm test` fails while schema.json is stale
 * (provider/schema/schema.test.ts), `npm run test:sdks` while an SDK is
 * (test/sdks/current.test.ts).
 *
 * Run: `npm run gen:sdks`.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { schemaText } from "../provider/schema/schema";

// Compiled into dist/scripts/, or run from scripts/ by ts-jest.
const repoRoot = path.resolve(__dirname, __dirname.split(path.sep).includes("dist") ? "../.." : "..");

/** Where the SDKs and the schema they are made from are committed. */
export const SDK_DIR = path.join(repoRoot, "plugin-sdks");
export const SCHEMA_FILE = path.join(SDK_DIR, "schema.json");
/** The languages the generator writes, one folder each. */
export const SDK_LANGUAGES = ["python", "go", "nodejs"] as const;
export const SDKGEN = path.join(repoRoot, ".tools/bin/pulumi-sdkgen");

/** Runs the generator over `schemaFile` into `outDir`/<language>. */
export function generateSdks(schemaFile: string, outDir: string): void {
  if (!fs.existsSync(SDKGEN)) throw new Error(`${SDKGEN} is missing: run bash scripts/setup-sdk-tools.sh (npm run gen:sdks does)`);
  execFileSync(SDKGEN, [schemaFile, outDir], { stdio: ["ignore", "inherit", "inherit"] });
}

function main(): void {
  fs.mkdirSync(SDK_DIR, { recursive: true });
  fs.writeFileSync(SCHEMA_FILE, schemaText());
  console.log(`gen-sdks: ${path.relative(repoRoot, SCHEMA_FILE)} from the resource registry`);
  generateSdks(SCHEMA_FILE, SDK_DIR);
}

if (require.main === module) main();
