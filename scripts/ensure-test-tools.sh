#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages, from Debian's packages, only when missing:
#   neovim  (a real third-party LSP client, test/nvim.test.ts)
#   and, through scripts/e2e-setup.sh, Node 24 + code-server + chromium for test/vscode.test.ts
# Idempotent: does nothing when everything is there.
set -euo pipefail
missing=()
command -v nvim >/dev/null 2>&1 || missing+=(neovim)
# the real-VS-Code test: Node 24, code-server, chromium (idempotent, ~4 minutes the first time)
bash "$(dirname "$0")/e2e-setup.sh" >/dev/null
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "ensure-test-tools: need ${missing[*]} (Debian packages); run as root or install them: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
echo "ensure-test-tools: installing ${missing[*]} from Debian's packages" >&2
$SUDO apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
