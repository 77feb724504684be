#!/usr/bin/env bash
# Builds the release app and serves it on http://127.0.0.1:8080 (Ctrl-C stops it).
# The server is a plain static file server, as an offline demo deployment would use.
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

ensure_build_tools
build_release
step "serving dist/ on http://127.0.0.1:${VIGIL_PORT:-8080}/"
exec python3 -m http.server "${VIGIL_PORT:-8080}" --bind 127.0.0.1 --directory "$VIGIL_ROOT/dist"
