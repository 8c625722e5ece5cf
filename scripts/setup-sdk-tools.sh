#!/usr/bin/env bash
# Makes what `npm run gen:sdks` and `npm run test:sdks` need, in <repo>/.tools:
#   bin/pulumi-sdkgen   the SDK generator (tools/pulumi-cli/cmd/pulumi-sdkgen: Pulumi's
#                       codegen for Python, Go and Node.js), built with Go in the CLI's
#                       wrapper module, so it reuses that module's go.sum and build cache;
#   python/             a Python virtual environment with PyPI's `pulumi` (and setuptools,
#                       to install the generated Python SDK offline), for the Python
#                       SDK's tests under pulumi.runtime.set_mocks.
# Each is stamped with its inputs (.tools/bin/.pulumi-sdkgen.stamp, .tools/python/.stamp):
# a later run with the same inputs returns in about a second. Cold on 2 cores: the
# generator about 1 minute with the CLI's Go build cache warm (5 without), the venv
# about 40 seconds (PyPI downloads).
# PULUMI_SETUP_FORCE=1 rebuilds both.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/.tools/bin"
MOD="$ROOT/tools/pulumi-cli"
VENV="$ROOT/.tools/python"
# PyPI's pulumi: the newest release served (the CLI is v3.274.1; the SDK's protocol is compatible across 3.x).
PYTHON_REQUIREMENTS="pulumi==3.272.0 setuptools==84.2.1"
log() { printf 'setup-sdk-tools: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
mkdir -p "$BIN"

# --- the generator --------------------------------------------------------------------
GO=$(command -v go || true)
[ -z "$GO" ] && [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go
gen_stamp="$BIN/.pulumi-sdkgen.stamp"
gen_key() {
  { cat "$MOD/go.mod" "$MOD/go.sum"; find "$MOD/cmd/pulumi-sdkgen" -name '*.go' -type f | LC_ALL=C sort | xargs cat; } | sha256sum | cut -d' ' -f1
}
if [ "${PULUMI_SETUP_FORCE:-}" != 1 ] && [ -x "$BIN/pulumi-sdkgen" ] && [ -f "$gen_stamp" ] && [ "$(cat "$gen_stamp")" = "go $(gen_key)" ]; then
  log "pulumi-sdkgen from an earlier Go build (stamp matches tools/pulumi-cli)"
else
  [ -n "$GO" ] || die "no 'go' to build the SDK generator (looked on PATH and in /usr/local/go/bin)"
  log "building tools/pulumi-cli/cmd/pulumi-sdkgen with $("$GO" version | cut -d' ' -f3)..."
  start=$(date +%s)
  tmpdir=$(mktemp -d "$BIN/.build-sdkgen.XXXXXX")
  trap 'rm -rf "$tmpdir"' EXIT
  (cd "$MOD" && GOFLAGS="${GOFLAGS:-} -mod=mod -buildvcs=false" "$GO" build -trimpath -ldflags "-s -w" -o "$tmpdir/" ./cmd/pulumi-sdkgen) ||
    die "go build failed in $MOD (see above): it needs github.com/pulumi/pulumi/pkg/v3 from the Go module proxy"
  mv -f "$tmpdir/pulumi-sdkgen" "$BIN/pulumi-sdkgen"
  echo "go $(gen_key)" >"$gen_stamp"
  log "pulumi-sdkgen built in $(($(date +%s) - start))s"
fi

# --- the Python virtual environment ---------------------------------------------------------
PYTHON=$(command -v python3 || true)
[ -n "$PYTHON" ] || die "no python3 on PATH: the Python SDK's tests need Python 3.9 or newer (apt-get install -y python3 python3-venv)"
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' || die "$("$PYTHON" --version) is older than 3.9"
py_key="$("$PYTHON" --version 2>&1) $PYTHON_REQUIREMENTS"
if [ "${PULUMI_SETUP_FORCE:-}" != 1 ] && [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.stamp" 2>/dev/null)" = "$py_key" ]; then
  log "Python venv .tools/python from an earlier run ($py_key)"
else
  log "creating the Python venv .tools/python with $PYTHON_REQUIREMENTS..."
  start=$(date +%s)
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV" || die "python3 -m venv failed: install the venv module (apt-get install -y python3-venv)"
  # shellcheck disable=SC2086
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check $PYTHON_REQUIREMENTS >&2 ||
    die "pip could not install $PYTHON_REQUIREMENTS (it needs the Python package index)"
  echo "$py_key" >"$VENV/.stamp"
  log "Python venv ready in $(($(date +%s) - start))s"
fi
