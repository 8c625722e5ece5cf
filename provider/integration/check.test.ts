import { readProviderConfig } from "../config";
import { UNKNOWN } from "../inputs";
import { checkIntegration, DEFAULT_INITIAL_SUMMARY } from "./check";

const PROJECT = "5f1e2d3c4b5a69788796a5b4";
const KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const configured = readProviderConfig(
  { get: (k: string) => (({ "pdac:atlasClientId": "id", "pdac:atlasClientSecret": "secret" }) as Record<string, string>)[k] },
  {},
);

describe("checkIntegration", () => {
  it("applies defaults", () => {
    expect(checkIntegration({ projectId: PROJECT, integrationKey: KEY }, configured)).toEqual({
      inputs: { projectId: PROJECT, integrationKey: KEY, region: "US", initialAlert: { summary: DEFAULT_INITIAL_SUMMARY, severity: "info", keepOpen: false } },
    });
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ["missing project", { integrationKey: KEY }, "projectId", /24-character hexadecimal/],
    ["short project", { projectId: "abc", integrationKey: KEY }, "projectId", /24-character lowercase hexadecimal/],
    ["upper-case project", { projectId: PROJECT.toUpperCase(), integrationKey: KEY }, "projectId", /lowercase/],
    ["no key or service", { projectId: PROJECT }, "integrationKey", /set integrationKey .* or pagerdutyServiceId/],
    ["both key and service", { projectId: PROJECT, integrationKey: KEY, pagerdutyServiceId: "PABC123" }, "integrationKey", /not both/],
    ["short key", { projectId: PROJECT, integrationKey: "abc" }, "integrationKey", /exactly 32 characters/],
    ["redacted key", { projectId: PROJECT, integrationKey: `${"*".repeat(28)}8f90` }, "integrationKey", /looks redacted/],
    ["key with symbols", { projectId: PROJECT, integrationKey: "a1b2c3d4e5f60718293a4b5c6d7e8f9-" }, "integrationKey", /32 hexadecimal digits/],
    ["31-character key", { projectId: PROJECT, integrationKey: KEY.slice(1) }, "integrationKey", /exactly 32 characters/],
    ["33-character key", { projectId: PROJECT, integrationKey: `${KEY}0` }, "integrationKey", /exactly 32 characters/],
    [
      "32 letters and digits, not hexadecimal (the project API refuses it)",
      { projectId: PROJECT, integrationKey: "g1b2c3d4e5f60718293a4b5c6d7e8f90" },
      "integrationKey",
      /32 hexadecimal digits .* project API refuses/,
    ],
    ["ruleset key", { projectId: PROJECT, integrationKey: `R${KEY.slice(1)}` }, "integrationKey", /32 hexadecimal digits/],
    ["key of the wrong type", { projectId: PROJECT, integrationKey: 12345 }, "integrationKey", /must be a string/],
    ["project id of the wrong type", { projectId: 5, integrationKey: KEY }, "projectId", /projectId must be a string/],
    ["service id of the wrong type", { projectId: PROJECT, pagerdutyServiceId: 7 }, "pagerdutyServiceId", /must be a string: a PagerDuty service id/],
    ["initialAlert of the wrong type", { projectId: PROJECT, integrationKey: KEY, initialAlert: "open" }, "initialAlert", /initialAlert must be an object/],
    ["empty summary", { projectId: PROJECT, integrationKey: KEY, initialAlert: { summary: "" } }, "initialAlert.summary", /must not be blank/],
    ["blank summary", { projectId: PROJECT, integrationKey: KEY, initialAlert: { summary: "   \t" } }, "initialAlert.summary", /must not be blank/],
    ["summary of the wrong type", { projectId: PROJECT, integrationKey: KEY, initialAlert: { summary: 3 } }, "initialAlert.summary", /must be a string/],
    ["keepOpen of the wrong type", { projectId: PROJECT, integrationKey: KEY, initialAlert: { keepOpen: "yes" } }, "initialAlert.keepOpen", /true or false/],
    ["bad region", { projectId: PROJECT, integrationKey: KEY, region: "APAC" }, "region", /"US" or "EU"/],
    ["lower-case region", { projectId: PROJECT, integrationKey: KEY, region: "eu" }, "region", /"US" or "EU"/],
    ["bad service id", { projectId: PROJECT, pagerdutyServiceId: "my service" }, "pagerdutyServiceId", /service id such as PXXXXXX/],
    [
      "bad severity",
      { projectId: PROJECT, integrationKey: KEY, initialAlert: { severity: "fatal" } },
      "initialAlert.severity",
      /critical, error, warning, info/,
    ],
    ["long summary", { projectId: PROJECT, integrationKey: KEY, initialAlert: { summary: "x".repeat(1025) } }, "initialAlert.summary", /1024/],
    ["unknown property", { projectId: PROJECT, integrationKey: KEY, serviceKey: KEY }, "serviceKey", /unknown property serviceKey/],
    [
      "unknown nested property",
      { projectId: PROJECT, integrationKey: KEY, initialAlert: { open: true } },
      "initialAlert.open",
      /unknown property initialAlert.open/,
    ],
  ])("%s: fails on %s", (_name, news, property, reason) => {
    const { failures } = checkIntegration(news, configured);
    expect(failures).toEqual(expect.arrayContaining([expect.objectContaining({ property, reason: expect.stringMatching(reason) })]));
  });

  it.each<[string, Record<string, unknown>]>([
    ["lower-case hexadecimal key", { integrationKey: KEY }],
    ["upper-case hexadecimal key", { integrationKey: KEY.toUpperCase() }],
    ["one-character summary", { integrationKey: KEY, initialAlert: { summary: "x" } }],
    ["summary of exactly 1024 characters", { integrationKey: KEY, initialAlert: { summary: "x".repeat(1024) } }],
  ])("accepts the other side of each boundary: %s", (_name, news) => {
    expect(checkIntegration({ projectId: PROJECT, ...news }, configured).failures).toBeUndefined();
  });

  it("reports a bad key only once, against integrationKey", () => {
    const { failures } = checkIntegration({ projectId: PROJECT, integrationKey: "x".repeat(31) }, configured);
    expect(failures).toEqual([{ property: "integrationKey", reason: expect.stringMatching(/exactly 32 characters/) }]);
  });

  it("never echoes the key in a failure", () => {
    const bad = "a1b2c3d4e5f60718293a4b5c6d7e8f9-";
    const { failures } = checkIntegration({ projectId: "x", integrationKey: bad, region: "??" }, configured);
    expect(JSON.stringify(failures)).not.toContain(bad);
  });

  it("passes unknown values (outputs of other resources) through unchecked", () => {
    const { inputs, failures } = checkIntegration({ projectId: UNKNOWN, integrationKey: UNKNOWN }, configured);
    expect(failures).toBeUndefined();
    expect(inputs).toMatchObject({ projectId: UNKNOWN, integrationKey: UNKNOWN, region: "US" });
  });

  it("names the missing provider configuration", () => {
    const { failures } = checkIntegration({ projectId: PROJECT, integrationKey: KEY }, readProviderConfig({ get: () => undefined }, {}));
    expect(failures).toEqual([expect.objectContaining({ property: "pdac:atlasClientId", reason: expect.stringMatching(/MONGODB_ATLAS_CLIENT_ID/) })]);
  });

  it("needs a REST token for the service form", () => {
    const { failures } = checkIntegration({ projectId: PROJECT, pagerdutyServiceId: "PABC123" }, configured);
    expect(failures).toEqual([expect.objectContaining({ property: "pagerdutyServiceId", reason: expect.stringMatching(/pdac:pagerdutyToken/) })]);
  });
});
