#!/usr/bin/env bash
# Counts the instructions of ingesting 100,000 alerts (examples/ingest_profile.rs) under
# callgrind and lists where they go, inclusive, below Workspace::ingest. Instruction counts are
# repeatable on this shared 2-core machine where timings are not, so they show what a change to
# the core saves. Needs valgrind (Debian's package); not part of the test command.
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
cd "$VIGIL_ROOT"
command -v valgrind >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends valgrind; }

cargo build --profile bench --example ingest_profile
out=$(mktemp)
trap 'rm -f "$out"' EXIT
valgrind --tool=callgrind --toggle-collect='*Workspace*ingest*' --callgrind-out-file="$out" \
  target/release/examples/ingest_profile 1 2>&1 | grep -E 'refs|alerts ingested'
# The total, then what ingesting spends below itself (the frames above it all show the total),
# the first $1 rows (default 40); sed reads to the end, so no pipe is cut short.
callgrind_annotate --inclusive=yes "$out" | grep -E '^ *[0-9,]+ \(' | grep -v '(100.0%)  [^P]' |
  sed -E 's/ \[[^]]*\]$//' | sed -n "1,${1:-40}p"
