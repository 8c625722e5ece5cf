import { diffIntegration } from "./diff";
import type { IntegrationInputs, IntegrationOutputs } from "./types";

const KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const OTHER = "ffffffffffffffffffffffffffff1234";
const alert = { summary: "s", severity: "info" as const, keepOpen: false };
const inputs: IntegrationInputs = { projectId: "5f1e2d3c4b5a69788796a5b4", integrationKey: KEY, region: "US", initialAlert: alert };
const state: IntegrationOutputs = {
  ...inputs,
  integrationKey: KEY,
  integrationId: "6f1e2d3c4b5a69788796a5b4",
  keyLast4: "8f90",
  keyLength: 32,
  keyConfirmed: true,
  initialDedupKey: "d",
  initialIncidentOpen: false,
  createdPagerdutyIntegration: false,
};
const serviceState: IntegrationOutputs = {
  ...state,
  integrationKey: OTHER,
  keyLast4: "1234",
  pagerdutyServiceId: "PABC123",
  pagerdutyIntegrationId: "PINT123",
  createdPagerdutyIntegration: true,
};
const serviceInputs: IntegrationInputs = { projectId: inputs.projectId, pagerdutyServiceId: "PABC123", region: "US", initialAlert: alert };

describe("diffIntegration", () => {
  it.each<[string, IntegrationOutputs, IntegrationInputs, { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean; diffs: string[] }]>([
    ["nothing changed", state, inputs, { changes: false, replaces: [], deleteBeforeReplace: false, diffs: [] }],
    [
      "another project replaces, deleting first",
      state,
      { ...inputs, projectId: "0123456789abcdef01234567" },
      { changes: true, replaces: ["projectId"], deleteBeforeReplace: true, diffs: ["projectId"] },
    ],
    [
      "new key updates in place",
      state,
      { ...inputs, integrationKey: OTHER },
      { changes: true, replaces: [], deleteBeforeReplace: false, diffs: ["integrationKey"] },
    ],
    ["region updates in place", state, { ...inputs, region: "EU" }, { changes: true, replaces: [], deleteBeforeReplace: false, diffs: ["region"] }],
    [
      "key changed by hand (refresh saw other last 4)",
      { ...state, keyLast4: "1234" },
      inputs,
      { changes: true, replaces: [], deleteBeforeReplace: false, diffs: ["integrationKey"] },
    ],
    [
      "key changed by hand to another length",
      { ...state, keyLength: 31 },
      inputs,
      { changes: true, replaces: [], deleteBeforeReplace: false, diffs: ["integrationKey"] },
    ],
    [
      "imported: redacted key that matches (adopted: a state-only update)",
      { ...state, integrationKey: `${"*".repeat(28)}8f90` },
      inputs,
      { changes: true, replaces: [], deleteBeforeReplace: false, diffs: ["integrationKey"] },
    ],
    [
      "imported: redacted key that does not match",
      { ...state, integrationKey: `${"*".repeat(28)}0000`, keyLast4: "0000" },
      inputs,
      { changes: true, replaces: [], deleteBeforeReplace: false, diffs: ["integrationKey"] },
    ],
    [
      "initial alert options only",
      state,
      { ...inputs, initialAlert: { ...alert, keepOpen: true } },
      { changes: true, replaces: [], deleteBeforeReplace: false, diffs: ["initialAlert"] },
    ],
    ["service form unchanged", serviceState, serviceInputs, { changes: false, replaces: [], deleteBeforeReplace: false, diffs: [] }],
    [
      "service form: key changed by hand",
      { ...serviceState, keyLast4: "8f90" },
      serviceInputs,
      { changes: true, replaces: [], deleteBeforeReplace: false, diffs: ["integrationKey"] },
    ],
    [
      "service form: other service",
      serviceState,
      { ...serviceInputs, pagerdutyServiceId: "PXYZ789" },
      { changes: true, replaces: [], deleteBeforeReplace: false, diffs: ["pagerdutyServiceId"] },
    ],
    [
      "service form to key form",
      serviceState,
      { ...inputs, integrationKey: OTHER },
      { changes: true, replaces: [], deleteBeforeReplace: false, diffs: ["pagerdutyServiceId"] },
    ],
    [
      "pending clean-up is a change",
      { ...state, pendingCleanup: [{ action: "resolveInitialAlert", region: "US", dedupKey: "d", keyLast4: "8f90" }] },
      inputs,
      { changes: true, replaces: [], deleteBeforeReplace: false, diffs: ["pendingCleanup"] },
    ],
    ["no pending clean-up left", { ...state, pendingCleanup: [] }, inputs, { changes: false, replaces: [], deleteBeforeReplace: false, diffs: [] }],
  ])("%s", (_name, olds, news, expected) => {
    expect(diffIntegration(olds, news)).toEqual(expected);
  });
});
