#!/usr/bin/env bash
# One-step set-up on a fresh Debian machine with Node 20 and npm: pnpm, dependencies, build.
# Idempotent: a second run only re-checks (and rebuilds what changed).
set -euo pipefail
cd "$(dirname "$0")/../.."

PNPM_VERSION=10.34.9
say() { printf '[setup] %s\n' "$*" >&2; }

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  say "Node $(node -v) is too old: Crewship needs Node 20 or newer"
  exit 1
fi

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  say "installing pnpm $PNPM_VERSION"
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION" >&2
fi

# better-sqlite3 builds from source (its prebuilt binaries live outside the npm registry);
# node-gyp must use the installed Node headers instead of downloading them.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_api.h ]; then
  export npm_config_nodedir=/usr
fi
export TURBO_TELEMETRY_DISABLED=1

say "installing dependencies"
pnpm install --frozen-lockfile >&2
say "building"
pnpm build >&2
say "ready: pnpm crewship --help"
