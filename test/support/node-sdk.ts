import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./provider-host";

/**
 * The generated Node.js SDK (plugin-sdks/nodejs, `@pagerduty-as-code/pulumi`)
 * as a program outside the repository installs it: compiled with its own
 * tsconfig and packaged as it is published (bin/ with its package.json), in
 * `work`/node_modules beside the packages such a program also has
 * (@pulumi/pulumi, @types/node and, for a program still on the dynamic
 * classes, `pagerduty-as-code`), linked from the repository's installs.
 * Programs in folders below `work` resolve them all.
 */
export const TSC = path.join(repoRoot, "node_modules/typescript/bin/tsc");

export function installNodeSdk(work: string): void {
  const link = (name: string, to: string) => {
    const from = path.join(work, "node_modules", name);
    fs.mkdirSync(path.dirname(from), { recursive: true });
    fs.symlinkSync(to, from, "dir");
  };
  for (const pkg of ["@pulumi/pulumi", "@types/node"]) link(pkg, path.join(repoRoot, "node_modules", pkg));
  link("pagerduty-as-code", path.join(repoRoot, "packages/pagerduty-as-code"));
  const sdk = path.join(work, "node-sdk");
  fs.cpSync(path.join(repoRoot, "plugin-sdks/nodejs"), sdk, { recursive: true });
  execFileSync(process.execPath, [TSC, "-p", sdk], { cwd: sdk, stdio: "pipe" });
  fs.copyFileSync(path.join(sdk, "package.json"), path.join(sdk, "bin/package.json"));
  link("@pagerduty-as-code/pulumi", path.join(sdk, "bin"));
}

/** Compiles the TypeScript program `index.ts` in `dir` (strict, CommonJS output) to `index.js`. */
export function compileProgram(dir: string): void {
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, target: "ES2022", module: "nodenext", moduleResolution: "nodenext", types: ["node"] },
      files: ["index.ts"],
    }),
  );
  try {
    execFileSync(process.execPath, [TSC, "-p", dir], { cwd: dir, stdio: "pipe", encoding: "utf8" });
  } catch (err) {
    throw new Error(`tsc -p ${dir} failed:\n${(err as { stdout?: string }).stdout ?? ""}${(err as { stderr?: string }).stderr ?? ""}`);
  }
}
