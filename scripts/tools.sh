# Sourced by run.sh and test.sh: installs what Vigil's build and tests need, and only what is
# missing or at the wrong version, so a second run costs seconds. Versions that must agree with
# Cargo.toml are pinned here and named there.

set -euo pipefail

VIGIL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TRUNK_VERSION=0.21.14          # 0.22 needs a newer rustc than this machine has
WASM_BINDGEN_VERSION=0.2.130   # must equal the `wasm-bindgen = "=…"` pin in Cargo.toml
BINARYEN_VERSION=132           # Debian's wasm-opt 108 emits a Wasm that fails at start-up

export PATH="$HOME/.cargo/bin:$VIGIL_ROOT/tools/node_modules/.bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

# ensure_cargo_tool BINARY VERSION CRATE [cargo install flags…]
ensure_cargo_tool() {
  local binary=$1 version=$2 crate=$3
  shift 3
  if command -v "$binary" >/dev/null && "$binary" --version | grep -qF " $version"; then
    return
  fi
  step "installing $crate $version (takes minutes, once per machine)"
  cargo install "$crate" --version "$version" "$@"
}

ensure_trunk() { ensure_cargo_tool trunk "$TRUNK_VERSION" trunk --locked; }

# Without --locked: the CLI's own lock file names a crate version the registry no longer serves.
ensure_wasm_bindgen() { ensure_cargo_tool wasm-bindgen "$WASM_BINDGEN_VERSION" wasm-bindgen-cli; }

ensure_wasm_opt() {
  if ! wasm-opt --version 2>/dev/null | grep -qF "version $BINARYEN_VERSION"; then
    step "installing wasm-opt $BINARYEN_VERSION (npm package binaryen)"
    (cd "$VIGIL_ROOT/tools" && npm ci --no-audit --no-fund)
  fi
}

ensure_build_tools() {
  ensure_wasm_target
  ensure_trunk
  ensure_wasm_bindgen
  ensure_wasm_opt
}

# Chromium and its driver for the browser tests; brotli to report the compressed size.
ensure_browser() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v brotli >/dev/null; then
    step "installing chromium, chromium-driver and brotli (Debian packages)"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver brotli
  fi
}

build_release() {
  step "building the release app into dist/"
  cd "$VIGIL_ROOT"
  cargo fetch --quiet
  TRUNK_OFFLINE=true trunk build --release
}
