import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

// The event type table is generated from the spec; regenerating must change nothing.
it("provider/routing/event-types.ts matches ../shared/specs", () => {
  const file = path.join(__dirname, "event-types.ts");
  const before = fs.readFileSync(file, "utf8");
  try {
    execFileSync("python3", [path.join(__dirname, "../../scripts/gen-event-types.py")]);
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  } finally {
    fs.writeFileSync(file, before);
  }
});
