#!/usr/bin/env bash
# Checks formatting and lints, runs every test layer, then reports the compressed size of the
# release build:
#   1. native: unit, property and fixture tests of the pure core (cargo test);
#   2. browser: components mounted in headless Chromium (wasm-bindgen-test);
#   3. end to end: the release dist/ served on 127.0.0.1 and driven through WebDriver.
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

ensure_build_tools
ensure_browser
cd "$VIGIL_ROOT"

export CHROMEDRIVER=/usr/bin/chromedriver CHROME=/usr/bin/chromium
results=$(mktemp)
trap 'rm -f "$results"' EXIT

# Runs one layer, keeping its output for the totals printed at the end.
layer() { "$@" 2>&1 | tee -a "$results"; }
# The runner's defaults are tight for a 2-core machine.
export WASM_BINDGEN_TEST_DRIVER_TIMEOUT=60 WASM_BINDGEN_TEST_TIMEOUT=120

"$VIGIL_ROOT/scripts/lint.sh"

step "native tests"
layer cargo test

step "browser tests (headless Chromium)"
layer cargo test --target wasm32-unknown-unknown --test browser --test storage --test desk --test form --test closing --test queue --test bulk --test incident_page --test overview --test import

build_release

step "end-to-end tests (release build on 127.0.0.1)"
layer cargo test --features e2e --test e2e

step "compressed size of the release build"
"$VIGIL_ROOT/scripts/size.sh"

# One closing line over all layers (a failing layer has stopped the script before this).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) passed += $i; if ($(i+1) ~ /^failed/) failed += $i } }
     END { printf "all layers: %d passed, %d failed\n", passed, failed }' "$results"
