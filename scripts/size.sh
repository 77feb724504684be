#!/usr/bin/env bash
# Prints the size of what a browser downloads to start Vigil (Wasm + JS + CSS in dist/), raw and
# compressed the way a static server would send it.
set -euo pipefail
dist="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/dist"
total_raw=0 total_gzip=0 total_brotli=0
printf '%-40s %10s %10s %10s\n' file bytes gzip-9 brotli-11
for file in "$dist"/*.wasm "$dist"/*.js "$dist"/*.css; do
  raw=$(wc -c <"$file")
  gzipped=$(gzip -9 -c "$file" | wc -c)
  brotlied=$(brotli -q 11 -c "$file" | wc -c)
  printf '%-40s %10d %10d %10d\n' "$(basename "$file")" "$raw" "$gzipped" "$brotlied"
  total_raw=$((total_raw + raw)) total_gzip=$((total_gzip + gzipped)) total_brotli=$((total_brotli + brotlied))
done
printf '%-40s %10d %10d %10d\n' total "$total_raw" "$total_gzip" "$total_brotli"
