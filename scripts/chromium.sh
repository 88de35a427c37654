#!/usr/bin/env bash
# Provides Debian's Chromium for the test that opens the HTML timeline in a real browser. Idempotent: a second run
# finds it on PATH. Prints its path.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then command -v chromium; exit 0; fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "chromium.sh: installing Debian's chromium" >&2
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >&2
command -v chromium
