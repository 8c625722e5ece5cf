#!/usr/bin/env bash
# Sourced by the other scripts: puts Node >= 22 first on PATH. Machines that
# still ship Node 20 get Node 24 from the npm registry's `node` package,
# installed once under .tools/node.
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 22 ]; then
  local_node="$repo_root/.tools/node/node_modules/.bin"
  if [ ! -x "$local_node/node" ]; then
    echo "setup: system Node $(node --version 2>/dev/null || echo none) is older than 22; installing Node 24 into .tools/node" >&2
    mkdir -p "$repo_root/.tools/node"
    (cd "$repo_root/.tools/node" && echo '{"private":true}' > package.json &&
      npm install --no-audit --no-fund --loglevel=error node@24 >&2)
  fi
  export PATH="$local_node:$PATH"
fi
if [ "$(node_major)" -lt 22 ]; then
  echo "setup: could not put Node >= 22 on PATH" >&2
  exit 1
fi
