#!/usr/bin/env bash
# Regenerates docs/screenshots/*.png for the README (rapportage.png and vergelijking.png, the --compare chart, among
# them): runs the web app's browser test (a dev server, the worker, the gateway and Debian's Chromium, all started and
# stopped by the test) with its screenshots written there.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/temporal.sh >/dev/null
TIDW_SCREENSHOTS_DIR=docs/screenshots npx jest test/web/web.devserver.test.ts
ls docs/screenshots/*.png
