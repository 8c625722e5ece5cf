import {
  type AlertStatus,
  type AtlasEvent,
  dedupKeyFor,
  eventContradicts,
  isNewer,
  mayHaveIncident,
  nextAction,
  type Level,
  type Observed,
  type PdAction,
  type PdState,
} from "./state";

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

  // A send was started and its outcome never recorded (a crash between PagerDuty's 202 and the
  // commit, a timeout): the close must still resolve whatever PagerDuty may have opened.
  it.each<[string, Level, PdState, PdAction | null, string | undefined]>([
    ["closed, trigger in doubt: resolve", L("CLOSED"), "none", "trigger", "resolve"],
    ["cancelled, trigger in doubt: resolve", L("CANCELLED"), "none", "trigger", "resolve"],
    ["closed, the in-doubt resolve itself in doubt: resolve again", L("CLOSED"), "none", "resolve", "resolve"],
    ["closed, nothing ever attempted: pages no one", L("CLOSED"), "none", null, undefined],
    ["closed, resolved: the old doubt is settled", L("CLOSED"), "resolved", "trigger", undefined],
    ["open, trigger in doubt: trigger again (PagerDuty dedupes)", L("OPEN"), "none", "trigger", "trigger"],
    ["acknowledged, trigger in doubt: trigger first", L("OPEN", true), "none", "trigger", "trigger"],
    ["tracking, trigger in doubt: nothing until it is open or closed", L("TRACKING"), "none", "trigger", undefined],
    ["inform, trigger in doubt: trigger again, then resolve", L("OPEN", false, true), "none", "trigger", "trigger"],
    ["closed, acknowledge in doubt: resolve", L("CLOSED"), "triggered", "acknowledge", "resolve"],
  ])("%s", (_n, level, pd, attempted, want) => {
    expect(nextAction(level, pd, attempted)).toBe(want);
  });

  it.each<[string, PdState, boolean, string | undefined]>([
    ["acknowledged in the project, PagerDuty's acknowledgement timed out: not again", "triggered", true, undefined],
    ["acknowledged in the project, PagerDuty never acknowledged: acknowledge", "triggered", false, "acknowledge"],
  ])("%s", (_n, pd, ackTimedOut, want) => {
    expect(nextAction({ status: "OPEN", acknowledged: true, inform: false }, pd, null, ackTimedOut)).toBe(want);
  });
});

describe("mayHaveIncident", () => {
  it.each<[PdState, PdAction | null, boolean]>([
    ["none", null, false],
    ["none", "trigger", true],
    ["none", "resolve", true],
    ["triggered", null, true],
    ["acknowledged", null, true],
    ["resolved", "trigger", false],
  ])("PagerDuty %s, attempted %s: %s", (pd, attempted, want) => {
    expect(mayHaveIncident(pd, attempted)).toBe(want);
  });
});

it("dedup keys differ across projects for the same alert id", () => {
  expect(dedupKeyFor("a".repeat(24), "1".repeat(24))).not.toBe(dedupKeyFor("b".repeat(24), "1".repeat(24)));
});

describe("eventContradicts (the state is the signed body's; the header may only mark an inform)", () => {
  it.each<[AtlasEvent, AlertStatus, boolean]>([
    ["alert.open", "OPEN", false],
    ["alert.open", "TRACKING", false],
    ["alert.open", "CLOSED", true],
    ["alert.open", "CANCELLED", true],
    ["alert.acknowledge", "OPEN", false],
    ["alert.acknowledge", "CLOSED", true],
    ["alert.close", "CLOSED", false],
    ["alert.close", "OPEN", true],
    ["alert.close", "CANCELLED", true],
    ["alert.cancel", "CANCELLED", false],
    ["alert.cancel", "CLOSED", true],
    ["alert.update", "CLOSED", false],
    ["alert.update", "OPEN", false],
    ["alert.inform", "OPEN", false],
  ])("%s with a %s body: %s", (event, status, want) => {
    expect(eventContradicts(event, status)).toBe(want);
  });
});
