#!/usr/bin/env bash
# Makes the Pulumi YAML language host available in <repo>/.tools/bin (next to the CLI
# of scripts/setup-pulumi.sh): YAML programs run the provider plugin end to end
# (test/e2e/plugin-yaml.test.ts). Sources, in this order:
#   1. a `pulumi-language-yaml` already on PATH: linked into .tools/bin;
#   2. a build of github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml with the
#      wrapper module tools/pulumi-yaml (its own module: pulumi-yaml pins its own
#      pulumi/pkg). Cold on 2 cores: about 3 to 4 minutes and 250 MB of modules;
#      stamped (.tools/bin/.pulumi-yaml.stamp), so later runs take a second.
# PULUMI_SETUP_FORCE=1 rebuilds even when the stamp matches.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/.tools/bin"
MOD="$ROOT/tools/pulumi-yaml"
STAMP="$BIN/.pulumi-yaml.stamp"
log() { printf 'setup-pulumi-yaml: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
mkdir -p "$BIN"

path_wo_bin=$(printf '%s' "$PATH" | tr ':' '\n' | { grep -vxF "$BIN" || true; } | paste -sd: -)
found=$(PATH="$path_wo_bin" command -v pulumi-language-yaml || true)
if [ -n "$found" ]; then
  ln -sfn "$found" "$BIN/pulumi-language-yaml"
  rm -f "$STAMP"
  log "pulumi-language-yaml from PATH ($found)"
  exit 0
fi

GO=$(command -v go || true)
[ -z "$GO" ] && [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go
key() {
  { cat "$MOD/go.mod" "$MOD/go.sum"; find "$MOD" -name '*.go' -type f | LC_ALL=C sort | xargs cat; } | sha256sum | cut -d' ' -f1
}
if [ "${PULUMI_SETUP_FORCE:-}" != 1 ] && [ -x "$BIN/pulumi-language-yaml" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "go $(key)" ]; then
  log "pulumi-language-yaml from an earlier Go build (stamp matches tools/pulumi-yaml)"
  exit 0
fi
[ -n "$GO" ] || die "no pulumi-language-yaml on PATH and no 'go' to build it (looked on PATH and in /usr/local/go/bin)"
log "building github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml with $("$GO" version | cut -d' ' -f3) (cold: about 3 to 4 min on 2 cores)..."
start=$(date +%s)
tmpdir=$(mktemp -d "$BIN/.build-yaml.XXXXXX")
trap 'rm -rf "$tmpdir"' EXIT
(cd "$MOD" && GOFLAGS="${GOFLAGS:-} -mod=mod -buildvcs=false" "$GO" build -trimpath -ldflags "-s -w" -o "$tmpdir/" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml) ||
  die "go build failed in $MOD (see above): it needs github.com/pulumi/pulumi-yaml from the Go module proxy"
mv -f "$tmpdir/pulumi-language-yaml" "$BIN/pulumi-language-yaml"
echo "go $(key)" >"$STAMP"
log "pulumi-language-yaml built in $(($(date +%s) - start))s"
