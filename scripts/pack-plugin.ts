/**
 * The provider plugin as Pulumi installs it: one self-contained tarball,
 * `pulumi-resource-pagerduty-as-code-v<version>.tar.gz`, for
 * `pulumi plugin install resource pagerduty-as-code <version> --file <tarball>`.
 * Pulumi unpacks it into its plugin folder and starts the launcher at its top,
 * so the tarball holds, at its top level, the plugin package as staged
 * (packages/pulumi-resource-pagerduty-as-code: the launcher, package.json,
 * README.md, dist/) and a node_modules/ with the third-party code the plugin
 * runs: the files its modules reach through `require`, followed from the
 * staged code into the repository's installed packages (with each package's
 * package.json files and licence), not the packages' whole dependency trees.
 * The plugin needs gRPC and @pulumi/pulumi's protocol stubs, which the Node.js
 * package `pagerduty-as-code` must not bring into programs: they live here
 * only. Nothing is fetched: the tarball is made from what `npm ci` installed.
 *
 * `npm run pack` writes it beside the npm tarballs (scripts/stage-packages.ts);
 * test/e2e/plugin-install.test.ts installs it and runs a YAML program on it.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as os from "node:os";
import * as path from "node:path";

const builtins = new Set(builtinModules);

/** A manifest of packages/ is a Pulumi provider plugin (packed as such, not for npm) when it is named as Pulumi's plugins are. */
export function isPluginPackage(manifest: { name: string }): boolean {
  return manifest.name.startsWith("pulumi-resource-");
}

export interface Vendored {
  /** Files copied under node_modules/, relative to the plugin's root. */
  files: string[];
  /** The packages they belong to, `name@version`. */
  packages: string[];
}

/** The folder of the installed package holding `file` (the nearest `node_modules/<name>` or `node_modules/@scope/<name>` above it). */
function packageRoot(file: string): string {
  const parts = file.split(path.sep);
  const i = parts.lastIndexOf("node_modules");
  if (i < 0) throw new Error(`${file} is not in an installed package`);
  return parts.slice(0, i + (parts[i + 1]?.startsWith("@") ? 3 : 2)).join(path.sep);
}

/**
 * Copies into `root`/node_modules the installed files the JavaScript under
 * `root` reaches through `require` (string specifiers, followed transitively),
 * resolved from `resolveFrom` (where the same code sits in the repository, so
 * it resolves exactly as it does there), keeping each file's path below the
 * node_modules folder it was found in, plus every package.json on the way up
 * to its package's folder (they say how Node loads the files) and the
 * package's licence files.
 */
export function vendorModules(root: string, resolveFrom: string): Vendored {
  const copied = new Map<string, string>(); // source -> destination
  const sources = new Map<string, string>(); // destination -> source
  const packages = new Map<string, string>();
  const queue: Array<{ file: string; from: string }> = [];
  const walkJs = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      return e.isDirectory() ? (e.name === "node_modules" ? [] : walkJs(p)) : /\.c?js$/.test(e.name) ? [p] : [];
    });
  for (const f of walkJs(root)) queue.push({ file: f, from: path.join(resolveFrom, path.relative(root, f)) });

  // A file keeps its path from the outermost node_modules folder (nested node_modules stay nested).
  const destination = (source: string): string => {
    const parts = source.split(path.sep);
    return path.join(root, ...parts.slice(parts.indexOf("node_modules")));
  };
  const copy = (source: string) => {
    if (copied.has(source)) return false;
    const to = destination(source);
    const other = sources.get(to);
    if (other) throw new Error(`${source} and ${other} would both be ${path.relative(root, to)}: two installs of one package`);
    copied.set(source, to);
    sources.set(to, source);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(source, to);
    return true;
  };

  while (queue.length > 0) {
    const { file, from } = queue.shift()!;
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(/require\(\s*(["'])([^"'\n]+)\1\s*\)/g)) {
      const spec = m[2];
      if (spec.startsWith("node:") || builtins.has(spec)) continue;
      if (spec.startsWith(".") && !from.includes(`${path.sep}node_modules${path.sep}`)) continue; // our own code: staged already
      let target: string;
      try {
        target = require.resolve(spec, { paths: [path.dirname(from)] });
      } catch {
        continue; // not installed here either (optional, or a require in a comment): the plugin runs as it does in the repository
      }
      if (!target.includes(`${path.sep}node_modules${path.sep}`) || !copy(target)) continue;
      const pkg = packageRoot(target);
      const manifest = JSON.parse(fs.readFileSync(path.join(pkg, "package.json"), "utf8"));
      packages.set(pkg, `${manifest.name}@${manifest.version}`);
      for (let dir = path.dirname(target); dir.startsWith(pkg); dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "package.json"))) copy(path.join(dir, "package.json"));
        if (dir === pkg) break;
      }
      for (const f of fs.readdirSync(pkg)) if (/^(licen[cs]e|notice|copying)/i.test(f)) copy(path.join(pkg, f));
      if (/\.c?js$/.test(target)) queue.push({ file: target, from: target });
    }
  }
  return {
    files: [...copied.values()].map((f) => path.relative(root, f)).sort(),
    packages: [...new Set(packages.values())].sort(),
  };
}

/** Packs the staged plugin package `pkgDir` into `outDir`; returns the tarball's path and what it vendored. */
export function packPlugin(pkgDir: string, outDir: string): { tarball: string } & Vendored {
  const manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  if (!isPluginPackage(manifest)) throw new Error(`${manifest.name} is not a provider plugin package`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pdac-plugin-pack-"));
  try {
    const top = ["package.json", ...manifest.files];
    for (const entry of top) fs.cpSync(path.join(pkgDir, entry), path.join(tmp, entry), { recursive: true });
    const vendored = vendorModules(tmp, pkgDir);
    fs.mkdirSync(outDir, { recursive: true });
    const tarball = path.join(outDir, `${manifest.name}-v${manifest.version}.tar.gz`);
    // Reproducible: entries sorted, no owner, npm's fixed date.
    execFileSync("tar", [
      "-cf",
      tarball,
      "--use-compress-program=gzip -n",
      "--sort=name",
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      "--mtime=1985-10-26 08:15:00Z",
      "-C",
      tmp,
      ...top,
      "node_modules",
    ]);
    return { tarball, ...vendored };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
