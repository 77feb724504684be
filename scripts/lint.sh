#!/usr/bin/env bash
# Formatting and clippy, on the host and for the browser target, warnings as errors.
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
cd "$VIGIL_ROOT"

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (host: core, fixtures, end-to-end test)"
cargo clippy --all-targets --features e2e -- -D warnings

step "clippy (wasm32: app and browser tests)"
cargo clippy --target wasm32-unknown-unknown --lib --bins --test browser --test storage --test desk --test form --test closing --test queue --test bulk --test incident_page --test overview --test import --test bench_wasm --test bench_storage --test bench_import --test bench_queue --test bench_overview -- -D warnings
