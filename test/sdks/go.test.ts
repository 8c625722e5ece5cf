import * as path from "node:path";
import { goBinary, run } from "./support";

// The generated Go SDK compiled into a Go test (test/sdks/go, its own module requiring the SDK
// through a replace) under pulumi.WithMocks from github.com/pulumi/pulumi/sdk/v3.
jest.setTimeout(600_000);

it("compiles and, under pulumi.WithMocks, registers the types, inputs and secrets", () => {
  const output = run(goBinary(), ["test", "-count=1", "-v", "./..."], { cwd: path.join(__dirname, "go") });
  expect(output).toContain("--- PASS: TestIntegrationAndRoutings");
  expect(output).toContain("--- PASS: TestRequiredInputsAreNamed");
  expect(output).toContain("--- PASS: TestAlertNotification");
  expect(output).toMatch(/^ok\s+pagerduty-as-code\/test\/sdks\/go/m);
});
