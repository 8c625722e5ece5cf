#!/usr/bin/env bash
# Makes the Pulumi CLI available in <repo>/.tools/bin:
#   pulumi                          the CLI
#   pulumi-language-nodejs          the Node.js language host
#   pulumi-resource-pulumi-nodejs   the launcher the engine uses for dynamic providers
# Put .tools/bin on PATH afterwards (PATH="$PWD/.tools/bin:$PATH").
#
# Sources, in this order:
#   1. a `pulumi` and `pulumi-language-nodejs` already on PATH: linked into .tools/bin;
#   2. the npm `pulumi` package, only if it works (it downloads the CLI on first use,
#      which needs internet): skipped when CI=true or PULUMI_SETUP_SKIP_NPM=1, and
#      time-limited (PULUMI_SETUP_NPM_TIMEOUT seconds, default 45) otherwise;
#   3. a build from Go modules with the wrapper module in tools/pulumi-cli:
#      the CLI is github.com/pulumi/pulumi/pkg/v3/cmd/pulumi at $PULUMI_CLI_VERSION;
#      the language host is tools/pulumi-cli/cmd/pulumi-language-nodejs, a minimal
#      stand-in, because the upstream module
#      github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 has no tags
#      and the Go module proxy refuses its pseudo-versions.
# A finished Go build is stamped (.tools/bin/.pulumi-setup.stamp); a later run with the
# same inputs only checks `pulumi version` and returns in about a second.
# Cold Go build on 2 cores: about 5 minutes plus about 350 MB of module downloads.
#
# Environment: PULUMI_SETUP_SOURCE=path|npm|go forces one source (no fallback);
# PULUMI_SETUP_FORCE=1 rebuilds even when the stamp matches.
set -euo pipefail

PULUMI_CLI_VERSION=v3.274.1 # must match github.com/pulumi/pulumi/pkg/v3 in tools/pulumi-cli/go.mod

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/.tools/bin"
MOD="$ROOT/tools/pulumi-cli"
STAMP="$BIN/.pulumi-setup.stamp"
FORCED="${PULUMI_SETUP_SOURCE:-}"

log() { printf 'setup-pulumi: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
want() { [ -z "$FORCED" ] || [ "$FORCED" = "$1" ]; }

case "$FORCED" in "" | path | npm | go) ;; *) die "PULUMI_SETUP_SOURCE must be path, npm or go (got '$FORCED')" ;; esac

mkdir -p "$BIN"

# The engine starts the language host and the dynamic-provider launcher, which run
# `node` from PATH: link the Node this repo uses (>= 22, see ensure-node.sh) into
# .tools/bin, so `PATH=.tools/bin:$PATH pulumi ...` runs programs and providers on it.
source "$ROOT/scripts/ensure-node.sh"
node_bin=$(readlink -f "$(command -v node)")
if [ "$node_bin" != "$(readlink -f "$BIN/node" 2>/dev/null || true)" ] || [ ! -e "$BIN/node" ]; then
  [ "$node_bin" = "$BIN/node" ] || ln -sfn "$node_bin" "$BIN/node"
fi
log "node $(node --version) for programs and providers (.tools/bin/node)"

# The launcher: the engine starts it in the program directory; it runs that program's
# @pulumi/pulumi/cmd/dynamic-provider with node. Same job as the copy shipped inside
# @pulumi/pulumi (not on PATH there), with the arguments quoted.
write_launcher() {
  local f="$BIN/pulumi-resource-pulumi-nodejs" tmp
  tmp=$(mktemp "$BIN/.launcher.XXXXXX")
  cat >"$tmp" <<'EOF'
#!/bin/sh
# Launcher for Pulumi Node.js dynamic providers (written by scripts/setup-pulumi.sh).
# The engine starts it in the program directory; it runs that program's
# @pulumi/pulumi/cmd/dynamic-provider with node, passing the arguments through.
script=$(node -e "process.stdout.write(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))") || {
    echo "pulumi-resource-pulumi-nodejs: cannot resolve @pulumi/pulumi/cmd/dynamic-provider from $(pwd) (run npm install)" >&2
    exit 1
}
exec node "$script" "$@"
EOF
  chmod 755 "$tmp"
  if cmp -s "$tmp" "$f"; then rm -f "$tmp"; else mv -f "$tmp" "$f"; fi
}

cli_version() { "$1" version 2>/dev/null | head -n1 | tr -d '[:space:]'; }

report() { # source, detail
  local v
  v=$(PULUMI_SKIP_UPDATE_CHECK=true cli_version "$BIN/pulumi")
  [ -n "$v" ] || die "$BIN/pulumi does not run"
  log "pulumi $v from $1 ($2)"
  log "ready in $BIN: pulumi, pulumi-language-nodejs, pulumi-resource-pulumi-nodejs"
}

link_pair() { # dir-of-pulumi dir-of-language-host
  ln -sfn "$1/pulumi" "$BIN/pulumi"
  ln -sfn "$2/pulumi-language-nodejs" "$BIN/pulumi-language-nodejs"
}

write_launcher

# --- 1. already on PATH (ignoring .tools/bin itself) ---------------------------------
if want path; then
  path_wo_bin=$(printf '%s' "$PATH" | tr ':' '\n' | { grep -vxF "$BIN" || true; } | paste -sd: -)
  p=$(PATH="$path_wo_bin" command -v pulumi || true)
  l=$(PATH="$path_wo_bin" command -v pulumi-language-nodejs || true)
  if [ -n "$p" ] && [ -n "$l" ]; then
    link_pair "$(dirname "$p")" "$(dirname "$l")"
    rm -f "$STAMP"
    report "PATH" "$p"
    exit 0
  fi
  if [ -n "$p" ]; then
    log "PATH has $p but no pulumi-language-nodejs next to it: not using it"
  else
    log "no pulumi on PATH"
  fi
  [ "$FORCED" = path ] && die "PULUMI_SETUP_SOURCE=path but PATH has no pulumi + pulumi-language-nodejs"
fi

# --- already set up by an earlier run? -------------------------------------------------
GO=$(command -v go || true)
[ -z "$GO" ] && [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go

# The module's other command (cmd/pulumi-sdkgen, scripts/setup-sdk-tools.sh) is not part of the CLI's build.
go_key() {
  { printf '%s\n' "$PULUMI_CLI_VERSION"
    cat "$MOD/go.mod" "$MOD/go.sum"
    find "$MOD" -name '*.go' -type f -not -path "$MOD/cmd/pulumi-sdkgen/*" | LC_ALL=C sort | xargs cat
  } | sha256sum | cut -d' ' -f1
}

if [ "${PULUMI_SETUP_FORCE:-}" != 1 ] && [ -f "$STAMP" ] && [ -x "$BIN/pulumi" ] &&
  [ -x "$BIN/pulumi-language-nodejs" ]; then
  read -r s_source s_version s_key <"$STAMP" || true
  if want "$s_source"; then
    case "$s_source" in
      go)
        if [ "$s_version" = "$PULUMI_CLI_VERSION" ] && [ -d "$MOD" ] && [ "$s_key" = "$(go_key)" ] &&
          [ "$(PULUMI_SKIP_UPDATE_CHECK=true cli_version "$BIN/pulumi")" = "$PULUMI_CLI_VERSION" ]; then
          report "an earlier Go build" "stamp $STAMP matches tools/pulumi-cli"
          exit 0
        fi ;;
      npm)
        if [ "$(PULUMI_SKIP_UPDATE_CHECK=true cli_version "$BIN/pulumi")" = "$s_version" ]; then
          report "an earlier npm 'pulumi' install" "$(readlink -f "$BIN/pulumi")"
          exit 0
        fi ;;
    esac
  fi
fi

# --- 2. npm `pulumi` package (downloads the CLI at first use) ---------------------------
if want npm; then
  npm_reason=""
  if [ "${CI:-}" = true ] && [ "$FORCED" != npm ]; then
    npm_reason="CI=true (the npm package downloads the CLI from the internet at first use)"
  elif [ "${PULUMI_SETUP_SKIP_NPM:-}" = 1 ]; then
    npm_reason="PULUMI_SETUP_SKIP_NPM=1"
  elif ! command -v npx >/dev/null 2>&1; then
    npm_reason="npx not found"
  elif ! command -v timeout >/dev/null 2>&1; then
    npm_reason="no 'timeout' command to limit the attempt"
  fi
  if [ -n "$npm_reason" ]; then
    log "skipping the npm 'pulumi' package: $npm_reason"
  else
    spec="pulumi@${PULUMI_NPM_VERSION:-latest}"
    secs="${PULUMI_SETUP_NPM_TIMEOUT:-45}"
    log "trying the npm '$spec' package (at most ${secs}s)..."
    npm_log=$(mktemp)
    if out=$(PULUMI_SKIP_UPDATE_CHECK=true timeout "$secs" npx --yes "$spec" version 2>"$npm_log"); then
      v=$(printf '%s' "$out" | head -n1 | tr -d '[:space:]')
      vdir="${PULUMI_HOME:-$HOME/.pulumi}/versions/${v#v}/bin"
      if [ -x "$vdir/pulumi" ] && [ -x "$vdir/pulumi-language-nodejs" ]; then
        link_pair "$vdir" "$vdir"
        echo "npm $v -" >"$STAMP"
        rm -f "$npm_log"
        report "the npm '$spec' package" "$vdir"
        exit 0
      fi
      log "npm '$spec' reported '$v' but $vdir lacks pulumi/pulumi-language-nodejs: not using it"
    else
      rc=$?
      [ "$rc" = 124 ] && why="timed out after ${secs}s" || why="failed (exit $rc): $(tail -n 3 "$npm_log" | tr '\n' ' ')"
      log "npm '$spec' $why"
    fi
    rm -f "$npm_log"
  fi
  [ "$FORCED" = npm ] && die "PULUMI_SETUP_SOURCE=npm but the npm 'pulumi' package did not work"
fi

# --- 3. build from Go modules ------------------------------------------------------------
[ -n "$GO" ] || die "no pulumi on PATH, the npm 'pulumi' package was not usable, and no 'go' to build it (looked on PATH and in /usr/local/go/bin)"
[ -f "$MOD/go.mod" ] || die "missing $MOD/go.mod"

log "building github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$PULUMI_CLI_VERSION and the Node.js language host with $("$GO" version | cut -d' ' -f3) (cold: about 5 min on 2 cores; cached: seconds)..."
start=$(date +%s)
tmpdir=$(mktemp -d "$BIN/.build.XXXXXX")
trap 'rm -rf "$tmpdir"' EXIT
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_CLI_VERSION"
if ! (cd "$MOD" && GOFLAGS="${GOFLAGS:-} -mod=mod -buildvcs=false" "$GO" build -trimpath -ldflags "$ldflags" \
  -o "$tmpdir/" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ./cmd/pulumi-language-nodejs); then
  die "go build failed in $MOD (see above). The CLI needs github.com/pulumi/pulumi/pkg/v3@$PULUMI_CLI_VERSION from the Go module proxy."
fi
[ -x "$tmpdir/pulumi" ] || die "go build produced no pulumi binary"
[ -x "$tmpdir/pulumi-language-nodejs" ] ||
  die "go build produced no pulumi-language-nodejs: the CLI alone cannot run Node.js programs"
rm -f "$BIN/pulumi" "$BIN/pulumi-language-nodejs"
mv -f "$tmpdir/pulumi" "$tmpdir/pulumi-language-nodejs" "$BIN/"
echo "go $PULUMI_CLI_VERSION $(go_key)" >"$STAMP"
report "a Go build of tools/pulumi-cli" "$(($(date +%s) - start))s"
