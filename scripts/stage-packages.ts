/**
 * Assembles the published packages from the compiled tree: for each manifest
 * in packages/<name>/package.json, the modules its `exports` and `bin` reach
 * (following relative `require`s of the .js and imports of the .d.ts files)
 * are copied from dist/ into packages/<name>/dist/, keeping their paths. So a
 * package holds exactly the code it runs: no tests, no test support, no other
 * package's server code. Run by every build (scripts/run.sh); `npm run pack`
 * then packs the staged folders into tarballs: npm's for the npm packages, and
 * for the provider plugin the self-contained tarball Pulumi installs
 * (scripts/pack-plugin.ts).
 *
 * Usage: node dist/scripts/stage-packages.js [--pack <outDir>]
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import { isPluginPackage, packPlugin } from "./pack-plugin";

export interface StagedPackage {
  name: string;
  dir: string;
  /** Files copied, relative to the package folder. */
  files: string[];
  /** Entry points named in the manifest that the build did not produce (a package not built yet). */
  missing: string[];
  /** Third-party packages the staged code imports, with one importing file each. */
  imports: Map<string, string>;
  /** Imports the manifest declares in neither dependencies nor peerDependencies. */
  undeclared: string[];
}

// Compiled into dist/scripts/, or run from scripts/ by ts-jest.
const repoRoot = path.resolve(__dirname, __dirname.split(path.sep).includes("dist") ? "../.." : "..");
const builtins = new Set(builtinModules);

/** The dist/ files a manifest names: `exports` targets and `bin` scripts. */
function entryPoints(manifest: any): string[] {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === "string") {
      if (v.startsWith("./dist/") || v.startsWith("dist/")) out.add(v.replace(/^\.\//, "").replace(/^dist\//, ""));
    } else if (v && typeof v === "object") for (const x of Object.values(v)) walk(x);
  };
  walk(manifest.exports);
  walk(manifest.bin);
  return [...out];
}

/** A relative specifier from `fromFile` to a file under dist/, or undefined when nothing is there. */
function resolveRelative(distDir: string, fromFile: string, spec: string, dts: boolean): string | undefined {
  const base = path.join(path.dirname(path.join(distDir, fromFile)), spec);
  const candidates = dts ? [`${base}.d.ts`, path.join(base, "index.d.ts"), base] : [base, `${base}.js`, path.join(base, "index.js"), `${base}.json`];
  for (const c of candidates) if (fs.existsSync(c) && fs.statSync(c).isFile()) return path.relative(distDir, c);
  return undefined;
}

function specifiers(text: string, dts: boolean): string[] {
  const re = dts ? /(?:from\s+|import\(\s*|import\s+)["']([^"']+)["']/g : /require\(\s*["']([^"']+)["']\s*\)/g;
  return [...text.matchAll(re)].map((m) => m[1]);
}

function packageName(spec: string): string {
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** Stages one package (`write: false` only works out what it would hold). */
export function stagePackage(pkgDir: string, opts: { distDir?: string; write?: boolean } = {}): StagedPackage {
  const distDir = opts.distDir ?? path.join(repoRoot, "dist");
  const manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
  const staged: StagedPackage = { name: manifest.name, dir: pkgDir, files: [], missing: [], imports: new Map(), undeclared: [] };
  const seen = new Set<string>();
  const queue: string[] = [];
  for (const entry of entryPoints(manifest)) {
    if (fs.existsSync(path.join(distDir, entry))) queue.push(entry);
    else if (!entry.endsWith(".d.ts")) staged.missing.push(entry);
  }
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const isJs = file.endsWith(".js");
    const pair = isJs ? file.replace(/\.js$/, ".d.ts") : undefined;
    if (pair && fs.existsSync(path.join(distDir, pair))) queue.push(pair);
    if (!isJs && !file.endsWith(".d.ts")) continue;
    const text = fs.readFileSync(path.join(distDir, file), "utf8");
    const dts = file.endsWith(".d.ts");
    for (const spec of specifiers(text, dts)) {
      if (spec.startsWith(".")) {
        const target = resolveRelative(distDir, file, spec, dts);
        if (target) queue.push(target);
      } else if (!spec.startsWith("node:") && !builtins.has(spec)) {
        const name = packageName(spec);
        if (!staged.imports.has(name)) staged.imports.set(name, file);
      }
    }
  }
  staged.undeclared = [...staged.imports.keys()].filter((n) => !declared.has(n)).sort();
  const out = path.join(pkgDir, "dist");
  if (opts.write === false) {
    staged.files = [...seen].sort().map((f) => path.join("dist", f));
    return staged;
  }
  fs.rmSync(out, { recursive: true, force: true });
  for (const file of [...seen].sort()) {
    const to = path.join(out, file);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(distDir, file), to);
    staged.files.push(path.join("dist", file));
  }
  // Commands need a shebang and the executable bit to run through npx.
  for (const bin of Object.values<string>(typeof manifest.bin === "string" ? { [manifest.name]: manifest.bin } : (manifest.bin ?? {}))) {
    const file = path.join(pkgDir, bin);
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, "utf8");
    if (!text.startsWith("#!")) fs.writeFileSync(file, `#!/usr/bin/env node\n${text}`);
    fs.chmodSync(file, 0o755);
  }
  return staged;
}

export function packageDirs(): string[] {
  const root = path.join(repoRoot, "packages");
  return fs
    .readdirSync(root)
    .map((d) => path.join(root, d))
    .filter((d) => fs.existsSync(path.join(d, "package.json")));
}

function main(): void {
  const args = process.argv.slice(2);
  const packTo = args[0] === "--pack" ? path.resolve(args[1] ?? ".packages") : undefined;
  let problems = 0;
  for (const dir of packageDirs()) {
    const s = stagePackage(dir);
    if (s.missing.length > 0 && s.files.length === 0) {
      console.error(`stage: ${s.name}: not built yet (no ${s.missing.join(", ")}); skipped`);
      continue;
    }
    for (const m of s.missing) console.error(`stage: ${s.name}: entry dist/${m} was not built`);
    for (const u of s.undeclared) {
      problems++;
      console.error(
        `stage: ${s.name}: ${s.imports.get(u)} imports "${u}", which ${path.relative(repoRoot, dir)}/package.json does not declare: add it to "dependencies"`,
      );
    }
    if (packTo && isPluginPackage(s)) {
      // The provider plugin: the self-contained tarball `pulumi plugin install --file` takes (scripts/pack-plugin.ts).
      console.log(packPlugin(dir, packTo).tarball);
    } else if (packTo) {
      fs.mkdirSync(packTo, { recursive: true });
      const out = execFileSync("npm", ["pack", "--pack-destination", packTo, "--loglevel=error"], { cwd: dir, encoding: "utf8" }).trim().split("\n").pop();
      console.log(path.join(packTo, out!));
    }
  }
  if (packTo && problems > 0) process.exit(1);
}

if (require.main === module) main();
