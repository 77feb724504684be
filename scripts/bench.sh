#!/usr/bin/env bash
# Runs the correlation benchmarks natively (criterion) and as Wasm in headless Chromium, then the
# storage benchmark against real IndexedDB, and prints their figures; README.md records the latest ones. Not part of the test command: the
# figures are measured, never asserted.
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

ensure_build_tools
ensure_browser
cd "$VIGIL_ROOT"
export CHROMEDRIVER=/usr/bin/chromedriver CHROME=/usr/bin/chromium
export WASM_BINDGEN_TEST_DRIVER_TIMEOUT=60 WASM_BINDGEN_TEST_TIMEOUT=900

step "machine"
lscpu | grep -E '^(Model name|CPU\(s\))' || true

step "native (criterion)"
cargo bench --bench correlation
cargo bench --bench storage

step "wasm in headless Chromium (release build)"
cargo test --release --target wasm32-unknown-unknown --test bench_wasm -- --nocapture

step "storage in headless Chromium (release build, real IndexedDB)"
cargo test --release --target wasm32-unknown-unknown --test bench_storage -- --nocapture

step "import in headless Chromium (release build, through the Import page)"
cargo test --release --target wasm32-unknown-unknown --test bench_import -- --nocapture

step "the queue in headless Chromium (release build, about 100,000 incidents)"
cargo test --release --target wasm32-unknown-unknown --test bench_queue -- --nocapture

step "the overview in headless Chromium (release build, about 100,000 incidents)"
cargo test --release --target wasm32-unknown-unknown --test bench_overview -- --nocapture
