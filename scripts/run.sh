#!/usr/bin/env bash
# One entry point for every npm script: it makes the toolchain right (Node 24,
# packages, build, the Pulumi CLI where needed) and then runs the job, so a
# fresh clone needs nothing but `npm run <job>`.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
source scripts/ensure-node.sh
job="${1:?job}"; shift || true

ensure_packages() {
  # Reinstall when the lock file changed since the last install.
  local stamp=node_modules/.install-stamp
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
}
# Compile, then assemble the published packages in packages/*/dist (scripts/stage-packages.ts).
build() { ./node_modules/.bin/tsc -p tsconfig.json; node dist/scripts/stage-packages.js; }
ensure_chromium() {
  # The status page is tested in Debian's chromium: install it when missing and we may.
  if command -v chromium >/dev/null 2>&1 || [ -n "${CHROMIUM_PATH:-}" ]; then return; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing chromium for the browser tests" >&2
    (apt-get install -y chromium || (apt-get update && apt-get install -y chromium)) >&2
  else
    echo "setup: chromium is missing; install it (apt-get install -y chromium) or set CHROMIUM_PATH" >&2
    exit 1
  fi
}
# The SDK generator (Go) and a Python venv with PyPI's pulumi, for the generated SDKs (plugin-sdks/).
ensure_sdk_tools() { bash scripts/setup-sdk-tools.sh >&2; }
ensure_pulumi() { bash scripts/setup-pulumi.sh >&2; bash scripts/setup-pulumi-yaml.sh >&2; export PATH="$repo_root/.tools/bin:$PATH"; }

# pg-boss is an ES module: jest loads it through require(esm), which needs the VM modules flag.
jest_node_options="--experimental-vm-modules --disable-warning=ExperimentalWarning ${NODE_OPTIONS:-}"

case "$job" in
  test)      ensure_packages; build; NODE_OPTIONS="$jest_node_options" exec ./node_modules/.bin/jest --selectProjects unit integration "$@" ;;
  test:e2e)  ensure_packages; build; ensure_pulumi; NODE_OPTIONS="$jest_node_options" exec ./node_modules/.bin/jest --selectProjects e2e --runInBand "$@" ;;
  # A real PostgreSQL per test file (test/support/postgres.ts), started and stopped by the tests.
  # Then the relay's behaviour tests again, on the PostgreSQL store (RELAY_TEST_STORE=postgres).
  test:pg)   ensure_packages; build; export NODE_OPTIONS="$jest_node_options"; status=0
             ./node_modules/.bin/jest --selectProjects pg --maxWorkers=2 --passWithNoTests "$@" || status=$?
             RELAY_TEST_STORE=postgres ./node_modules/.bin/jest --selectProjects integration --runInBand --passWithNoTests test/integration/relay "$@" || status=$?
             exit $status ;;
  demo)      ensure_packages; build; ensure_pulumi; exec node dist/scripts/demo.js "$@" ;;
  sandbox)   ensure_packages; build; exec node dist/sandbox/cli.js "$@" ;;
  bench)     ensure_packages; build; ensure_pulumi; exec node dist/scripts/bench.js "$@" ;;
  # The relay alone, on SQLite and on 1-3 PostgreSQL replicas (also the last part of `bench`); bench:relay-pg is its old name.
  bench:relay|bench:relay-pg) ensure_packages; build; exec node dist/scripts/bench-relay.js "$@" ;;
  pack)      ensure_packages; build; exec node dist/scripts/stage-packages.js --pack .packages "$@" ;;
  relay)     ensure_packages; build; exec node dist/relay/cli.js "$@" ;;
  test:relay-slow) ensure_packages; build; NODE_OPTIONS="$jest_node_options" RELAY_OUTAGE_SECONDS=60 exec ./node_modules/.bin/jest --selectProjects integration --runInBand --runTestsByPath test/integration/relay/faults.test.ts -t outage "$@" ;;
  test:browser) ensure_packages; build; ensure_chromium; NODE_OPTIONS="$jest_node_options" exec ./node_modules/.bin/jest --selectProjects browser --runInBand "$@" ;;
  gen:catalog) ensure_packages; build; exec node dist/scripts/gen-atlas-catalog.js "$@" ;;
  # plugin-sdks/: schema.json from the registry, then the Python, Go and Node.js SDKs from it.
  gen:sdks)  ensure_packages; build; ensure_sdk_tools; exec node dist/scripts/gen-sdks.js "$@" ;;
  # The committed SDKs are current, and each works in its language under Pulumi's mocks (needs Go and Python 3).
  test:sdks) ensure_packages; build; ensure_sdk_tools; NODE_OPTIONS="$jest_node_options" exec ./node_modules/.bin/jest --selectProjects sdks --runInBand "$@" ;;
  # Biome (biome.json): `format` rewrites files; `lint` checks formatting and lint rules, writing nothing.
  format)    ensure_packages; exec ./node_modules/.bin/biome format --write "${@:-.}" ;;
  lint)      ensure_packages; exec ./node_modules/.bin/biome ci "${@:-.}" ;;
  *) echo "unknown job: $job" >&2; exit 2 ;;
esac
