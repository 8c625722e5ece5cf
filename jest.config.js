// The suites: `unit` (fast, next to the code), `integration` (real servers and
// the real dynamic-provider host over gRPC), `e2e` (the real Pulumi CLI), `pg`
// (a real PostgreSQL started by the tests), `sdks` (the generated SDKs in their
// languages), `browser` (a real headless chromium).
const tsJest = ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: { warnOnly: false } }];
// The environment closes whatever servers and child processes a failed test left open (test/support/cleanup.ts).
const common = {
  testEnvironment: "<rootDir>/test/support/jest-environment.ts",
  transform: { "^.+\\.ts$": tsJest },
  modulePathIgnorePatterns: ["<rootDir>/dist/", "<rootDir>/.tools/", "<rootDir>/packages/", "<rootDir>/.packages/", "<rootDir>/plugin-sdks/"],
};
module.exports = {
  // 20 s per test (a global option): real servers on a loaded 2-core machine; a test that needs more says so itself.
  testTimeout: 20_000,
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: ["<rootDir>/{catalog,lib,clients,sdk,provider,sandbox,relay}/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "\\.pg\\.test\\.ts$"],
    },
    { ...common, displayName: "integration", testMatch: ["<rootDir>/test/integration/**/*.test.ts"] },
    { ...common, displayName: "e2e", testMatch: ["<rootDir>/test/e2e/**/*.test.ts"] },
    // A real PostgreSQL started by each test file (test/support/postgres.ts): `npm run test:pg`.
    { ...common, displayName: "pg", testMatch: ["<rootDir>/{lib,relay}/**/*.pg.test.ts", "<rootDir>/test/pg/**/*.test.ts"] },
    // The generated SDKs (plugin-sdks/): current, and each under its language's Pulumi mocks (npm run test:sdks: Go, Python).
    { ...common, displayName: "sdks", testMatch: ["<rootDir>/test/sdks/**/*.test.ts"] },
    // A real headless chromium (npm run test:browser).
    { ...common, displayName: "browser", testMatch: ["<rootDir>/test/browser/**/*.test.ts"] },
  ],
};
