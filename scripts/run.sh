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
build() { ./node_modules/.bin/tsc -p tsconfig.json; }
ensure_pulumi() { bash scripts/setup-pulumi.sh >&2; export PATH="$repo_root/.tools/bin:$PATH"; }

case "$job" in
  test)      ensure_packages; build; exec ./node_modules/.bin/jest --selectProjects unit integration "$@" ;;
  test:e2e)  ensure_packages; build; ensure_pulumi; exec ./node_modules/.bin/jest --selectProjects e2e --runInBand "$@" ;;
  demo)      ensure_packages; build; ensure_pulumi; exec node dist/scripts/demo.js "$@" ;;
  sandbox)   ensure_packages; build; exec node dist/sandbox/cli.js "$@" ;;
  bench)     ensure_packages; build; exec node dist/scripts/bench.js "$@" ;;
  gen:catalog) ensure_packages; build; exec node dist/scripts/gen-atlas-catalog.js "$@" ;;
  # Biome (biome.json): `format` rewrites files; `lint` checks formatting and lint rules, writing nothing.
  format)    ensure_packages; exec ./node_modules/.bin/biome format --write "${@:-.}" ;;
  lint)      ensure_packages; exec ./node_modules/.bin/biome ci "${@:-.}" ;;
  *) echo "unknown job: $job" >&2; exit 2 ;;
esac
