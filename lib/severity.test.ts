import { SEVERITIES } from "../catalog/atlas";
import { ATLAS_SEVERITIES, PAGERDUTY_SEVERITIES, pagerDutySeverityOf } from "./severity";

describe("severities", () => {
  it("the Atlas list is the spec's (catalog/atlas.json)", () => {
    expect([...ATLAS_SEVERITIES]).toEqual(SEVERITIES);
  });

  it.each([
    ["CRITICAL", "critical"],
    ["error", "error"],
    ["Warning", "warning"],
    ["INFO", "info"],
    ["LOW", undefined],
    ["", undefined],
    [undefined, undefined],
  ])("Atlas %p is PagerDuty %p", (atlas, pd) => {
    expect(pagerDutySeverityOf(atlas)).toBe(pd);
  });

  it("every Atlas severity has a PagerDuty one", () => {
    expect(ATLAS_SEVERITIES.map(pagerDutySeverityOf).sort()).toEqual([...PAGERDUTY_SEVERITIES].sort());
  });
});
