import * as fs from "node:fs";
import * as path from "node:path";
import { RESOURCES } from "../registry";
import { PACKAGE_VERSION, packageSchema, schemaText, typeToken } from "./schema";

// The committed schema the SDKs are generated from (plugin-sdks/schema.json) is the registry's:
// a resource added to provider/registry.ts fails here until `npm run gen:sdks` regenerates the
// schema and the SDKs (`npm run test:sdks` then checks the SDKs match it).
const repoRoot = path.join(__dirname, "../..").replace(`${path.sep}dist`, "");

it("plugin-sdks/schema.json is the registry's schema (regenerate it and the SDKs with npm run gen:sdks)", () => {
  expect(fs.readFileSync(path.join(repoRoot, "plugin-sdks/schema.json"), "utf8")).toBe(schemaText());
});

it("has every registered resource, and the plugin package's version", () => {
  const schema = packageSchema();
  expect(Object.keys(schema.resources).sort()).toEqual(RESOURCES.map((r) => typeToken(r.kind)).sort());
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "packages/pulumi-resource-pagerduty-as-code/package.json"), "utf8"));
  expect(PACKAGE_VERSION).toBe(manifest.version);
  expect(schema.version).toBe(manifest.version);
});
