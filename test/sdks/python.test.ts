import * as fs from "node:fs";
import * as path from "node:path";
import { SDK_DIR } from "../../scripts/gen-sdks";
import { run, tempDir, VENV_PYTHON } from "./support";

// The generated Python SDK as a Python user installs it: `pip install` of its folder into a
// virtual environment with PyPI's pulumi (.tools/python, made by scripts/setup-sdk-tools.sh;
// offline here: its dependencies must already be met), then a Python program under
// pulumi.runtime.set_mocks (test/sdks/python/test_sdk.py).
jest.setTimeout(600_000);

const work = tempDir("pdac-python-sdk-");

it("installs with pip into a venv with PyPI's pulumi; a program under set_mocks gets the types, inputs and secrets", () => {
  // A copy: pip builds in the source tree, and the committed folder stays as generated.
  const src = path.join(work, "python");
  fs.cpSync(path.join(SDK_DIR, "python"), src, { recursive: true });
  const pip = (...args: string[]) => run(VENV_PYTHON, ["-m", "pip", "--disable-pip-version-check", ...args], { cwd: src });
  pip("uninstall", "--yes", "pulumi_pagerduty_as_code");
  expect(pip("install", "--no-index", "--no-build-isolation", src)).toMatch(/Successfully installed pulumi[-_]pagerduty[-_]as[-_]code-0\.2\.0/);
  const output = run(VENV_PYTHON, ["-m", "unittest", "-v", "test_sdk"], { cwd: path.join(__dirname, "python") });
  expect(output).toMatch(/Ran 4 tests in .*\n\nOK/);
});
