import * as fs from "node:fs";
import * as path from "node:path";
import { compileProgram, installNodeSdk } from "../support/node-sdk";
import { run, tempDir } from "./support";

// The generated Node.js SDK (`@pagerduty-as-code/pulumi`) as a TypeScript program uses it,
// outside the repository: the SDK compiled with its own tsconfig and packaged as it is published
// (bin/ with its package.json), a strict TypeScript program (test/sdks/nodejs/program.ts)
// compiled against it, then run under pulumi.runtime.setMocks.
jest.setTimeout(300_000);

const work = tempDir("pdac-node-sdk-");

it("a TypeScript program on it compiles and, under setMocks, registers the types, inputs and secrets", () => {
  installNodeSdk(work);
  const program = path.join(work, "program");
  fs.mkdirSync(program);
  fs.copyFileSync(path.join(__dirname, "nodejs/program.ts"), path.join(program, "index.ts"));
  compileProgram(program);
  const output = run(process.execPath, ["index.js"], { cwd: program });
  expect(output).toContain("generated Node.js SDK: 4 resources registered with the expected types, inputs and secrets");
});
