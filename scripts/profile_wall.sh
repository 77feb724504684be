#!/usr/bin/env bash
# Where the wall-clock time of ingesting 100,000 alerts goes (examples/ingest_profile.rs, best of
# five runs), by sampling: perf's cpu-clock event, stacks unwound from DWARF so that samples in
# the C library keep their callers, counting only samples below `Workspace::ingest` and on the
# thread it places alerts on (shares are of both threads' samples together). The ingest waits on
# memory as much as it computes (a cache miss costs what a hundred instructions do), so a
# function's share here can differ from its share of scripts/profile.sh's instruction count;
# a share that falls here is worth an alternating timing, one that falls only there may not be.
# Prints the first $1 rows (default 30) of time spent in each function itself, then of time
# spent in or below each. Needs perf (Debian's linux-perf); not part of the test command.
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
cd "$VIGIL_ROOT"
command -v perf >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends linux-perf; }

# Line tables name inlined functions; their own target directory keeps the bench build as it is.
target=$VIGIL_ROOT/target/profile-wall
CARGO_PROFILE_BENCH_DEBUG=line-tables-only CARGO_TARGET_DIR="$target" \
  cargo build --profile bench --example ingest_profile
data=$(mktemp)
trap 'rm -f "$data"' EXIT
perf record -q -e cpu-clock -F 2000 --call-graph dwarf,32768 -o "$data" \
  "$target/release/examples/ingest_profile" 5
perf script -i "$data" -F comm,ip,sym 2>/dev/null | awk -v rows="${1:-30}" '
  BEGIN { RS = "" }
  {
    # A sample is its thread, then its frames from the sampled function outwards. perf names a
    # frame with inlined calls first by its function, then by each inlined call from the
    # innermost out, then by its function again: the first name is dropped. Frames above the
    # ingest, or above the placing thread'"'"'s start, are left out.
    lines = split($0, line, "\n"); frames = 0; ingest = 0
    placing = line[1] ~ /^vigil placing/
    for (i = 2; i <= lines; i++) {
      split(line[i], part, " "); address[i] = part[1]
      name = line[i]; sub(/^[ \t]*[0-9a-f]+ /, "", name); named[i] = name
    }
    for (i = 2; i <= lines && !ingest; i++) {
      top = placing ? named[i] ~ /__rust_begin_short_backtrace/ : named[i] ~ /ingest_keying_from( \(inlined\))?$/
      if (!top && i < lines && address[i + 1] == address[i] && (i == 2 || address[i - 1] != address[i])) continue
      frame[++frames] = named[i]
      if (top) ingest = frames
    }
    if (!ingest) next
    if (placing) placed++
    samples++; itself[frame[1]]++
    delete counted
    for (i = 1; i < ingest; i++) if (!(frame[i] in counted)) { counted[frame[i]] = 1; within[frame[i]]++ }
  }
  END {
    sort = "sort -rn | head -" rows
    printf "%d samples below Workspace::ingest, %d of them on the placing thread\n== in the function itself\n", samples, placed
    for (name in itself) printf "%6.2f%%  %s\n", 100 * itself[name] / samples, name | sort
    close(sort)
    print "== in the function or below it"
    for (name in within) printf "%6.2f%%  %s\n", 100 * within[name] / samples, name | sort
    close(sort)
  }'
