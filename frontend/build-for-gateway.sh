#!/bin/sh
# Builds the frontend into the gateway's static resources; gateway-service's Maven build runs it
# (exec-maven-plugin, phase process-resources) with the output folder as its argument.
# Needs Node.js >= 20 and npm on the PATH. Fast the second time: `npm ci` runs only when node_modules is missing or
# older than package-lock.json, and the build only when a source changed since the last build into that folder.
set -eu
out=${1:?usage: build-for-gateway.sh OUTPUT_DIR}
cd "$(dirname "$0")"

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "error: the gateway's browser frontend (frontend/) is built with Node.js >= 20 and npm, and npm is not on" >&2
  echo "the PATH. Install them (Debian: apt-get install nodejs npm), or build the gateway without its frontend" >&2
  echo "with -Dfrontend.skip=true." >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "error: the frontend needs Node.js >= 20 (Vite 7); this is $(node --version)." >&2
  exit 1
fi

stamp=node_modules/.installed-from-lock
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "frontend: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

built=$out/index.html
if [ -f "$built" ] && [ -z "$(find index.html public src vite.config.ts package-lock.json -newer "$built" 2>/dev/null | head -n 1)" ]; then
  echo "frontend: $out is up to date"
  exit 0
fi
echo "frontend: vite build into $out"
npm run --silent build -- --outDir "$out" --emptyOutDir --logLevel warn
