import { dedupKeyFor, isNewer, nextAction, type Level, type Observed, type PdState } from "./state";

const o = (status: Observed["status"], updatedMs: number, rank: number): Observed => ({ status, updatedMs, rank });

describe("isNewer (state moves only forward)", () => {
  it.each<[string, Observed, Observed, boolean]>([
    ["later updated wins", o("OPEN", 1, 1), o("OPEN", 2, 2), true],
    ["earlier updated loses", o("OPEN", 2, 2), o("OPEN", 1, 2), false],
    ["same updated: acknowledge after open", o("OPEN", 1, 1), o("OPEN", 1, 3), true],
    ["same updated: open after update is stale", o("OPEN", 1, 2), o("OPEN", 1, 1), false],
    ["a duplicate is not newer", o("OPEN", 1, 1), o("OPEN", 1, 1), false],
    ["close beats open whatever the clocks say", o("OPEN", 5, 1), o("CLOSED", 1, 4), true],
    ["closed never reopens", o("CLOSED", 1, 4), o("OPEN", 9, 1), false],
    ["cancelled never reopens", o("CANCELLED", 1, 4), o("OPEN", 9, 2), false],
  ])("%s", (_n, stored, incoming, want) => {
    expect(isNewer(stored, incoming)).toBe(want);
  });
});

describe("nextAction (level-triggered delivery)", () => {
  const L = (status: Level["status"], acknowledged = false, inform = false): Level => ({ status, acknowledged, inform });
  it.each<[string, Level, PdState, string | undefined]>([
    ["open, nothing sent: trigger", L("OPEN"), "none", "trigger"],
    ["open, triggered: nothing", L("OPEN"), "triggered", undefined],
    ["tracking: nobody is paged yet", L("TRACKING"), "none", undefined],
    ["acknowledged, nothing sent: trigger first", L("OPEN", true), "none", "trigger"],
    ["acknowledged, triggered: acknowledge", L("OPEN", true), "triggered", "acknowledge"],
    ["acknowledged in PagerDuty already: nothing (no echo)", L("OPEN", true), "acknowledged", undefined],
    ["closed, triggered: resolve", L("CLOSED"), "triggered", "resolve"],
    ["cancelled, acknowledged: resolve", L("CANCELLED"), "acknowledged", "resolve"],
    ["closed before any trigger: pages no one", L("CLOSED"), "none", undefined],
    ["closed, resolved: nothing", L("CLOSED"), "resolved", undefined],
    ["open but PagerDuty resolved it: never re-trigger", L("OPEN"), "resolved", undefined],
    ["inform: trigger", L("OPEN", false, true), "none", "trigger"],
    ["inform: then resolve", L("OPEN", false, true), "triggered", "resolve"],
    ["inform: done", L("OPEN", false, true), "resolved", undefined],
  ])("%s", (_n, level, pd, want) => {
    expect(nextAction(level, pd)).toBe(want);
  });
});

it("dedup keys differ across projects for the same alert id", () => {
  expect(dedupKeyFor("a".repeat(24), "1".repeat(24))).not.toBe(dedupKeyFor("b".repeat(24), "1".repeat(24)));
});
