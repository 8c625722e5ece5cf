import * as fs from "node:fs";
import * as path from "node:path";
import { SDK_DIR } from "../../scripts/gen-sdks";
import { repoRoot, run, tempDir } from "./support";

// The generated Node.js SDK (`@pagerduty-as-code/pulumi`) as a TypeScript program uses it,
// outside the repository: the SDK compiled with its own tsconfig and packaged as it is published
// (bin/ with its package.json), a strict TypeScript program (test/sdks/nodejs/program.ts)
// compiled against it, then run under pulumi.runtime.setMocks.
jest.setTimeout(300_000);

const tsc = path.join(repoRoot, "node_modules/typescript/bin/tsc");

function link(from: string, to: string): void {
  fs.mkdirSync(path.dirname(from), { recursive: true });
  fs.symlinkSync(to, from, "dir");
}

const work = tempDir("pdac-node-sdk-");

it("a TypeScript program on it compiles and, under setMocks, registers the types, inputs and secrets", () => {
  // What the SDK and the program import, as installed packages (the one @pulumi/pulumi of both).
  for (const pkg of ["@pulumi/pulumi", "@types/node"]) link(path.join(work, "node_modules", pkg), path.join(repoRoot, "node_modules", pkg));

  const sdk = path.join(work, "sdk");
  fs.cpSync(path.join(SDK_DIR, "nodejs"), sdk, { recursive: true });
  run(process.execPath, [tsc, "-p", sdk], { cwd: sdk });
  fs.copyFileSync(path.join(sdk, "package.json"), path.join(sdk, "bin/package.json"));

  const program = path.join(work, "program");
  fs.mkdirSync(program);
  fs.copyFileSync(path.join(__dirname, "nodejs/program.ts"), path.join(program, "index.ts"));
  fs.writeFileSync(
    path.join(program, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, target: "ES2022", module: "nodenext", moduleResolution: "nodenext", types: ["node"] },
      files: ["index.ts"],
    }),
  );
  link(path.join(program, "node_modules/@pagerduty-as-code/pulumi"), path.join(sdk, "bin"));
  run(process.execPath, [tsc, "-p", program], { cwd: program });
  const output = run(process.execPath, ["index.js"], { cwd: program });
  expect(output).toContain("generated Node.js SDK: 3 resources registered with the expected types, inputs and secrets");
});
