// Three suites: `unit` (fast, next to the code), `integration` (real servers and
// the real dynamic-provider host over gRPC), `e2e` (the real Pulumi CLI).
const tsJest = ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: { warnOnly: false } }];
const common = { testEnvironment: "node", transform: { "^.+\\.ts$": tsJest }, modulePathIgnorePatterns: ["<rootDir>/dist/", "<rootDir>/.tools/", "<rootDir>/packages/", "<rootDir>/.packages/"] };
module.exports = {
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/{catalog,lib,clients,sdk,provider,sandbox,relay}/**/*.test.ts"] },
    { ...common, displayName: "integration", testMatch: ["<rootDir>/test/integration/**/*.test.ts"] },
    { ...common, displayName: "e2e", testMatch: ["<rootDir>/test/e2e/**/*.test.ts"] },
  ],
};
