#!/usr/bin/env bash
# Times the 100,000-alert ingest (examples/ingest_profile.rs) of two builds run alternately,
# which is how a change is judged on this shared 2-core machine: its timings drift by tens of
# percent from hour to hour, so only runs taken side by side compare.
#   scripts/compare_ingest.sh BEFORE [AFTER] [PAIRS]
# BEFORE and AFTER are commits; AFTER defaults to the working tree as it is, uncommitted
# changes included. Prints each pair (the best of 10 ingests of each build), the medians and
# how often the second build was the faster. Not part of the test command.
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
cd "$VIGIL_ROOT"

before=${1:?usage: scripts/compare_ingest.sh BEFORE [AFTER] [PAIRS]}
after=${2:-}
pairs=${3:-10}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/tree" 2>/dev/null; rm -rf "$work"' EXIT

# build COMMIT BINARY: the example at COMMIT (the working tree when COMMIT is empty), copied to
# BINARY. Each build has a target directory of its own: cargo names Vigil's artifacts alike in
# any checkout and judges them by the sources' times, so a working tree edited before a
# commit's build in a shared directory would look built already, and the commit's binary
# would be timed twice.
build() {
  local source=$VIGIL_ROOT
  if [ -n "$1" ]; then
    git worktree add --quiet --detach "$work/tree" "$1"
    source=$work/tree
  fi
  local target=$VIGIL_ROOT/target/compare/$(basename "$2")
  (cd "$source" && CARGO_TARGET_DIR="$target" \
    cargo build --quiet --profile bench --example ingest_profile)
  cp "$target/release/examples/ingest_profile" "$2"
  if [ -n "$1" ]; then git worktree remove --force "$work/tree"; fi
}

build "$before" "$work/before"
build "$after" "$work/after"
best() { "$1" 10 | grep -oE '[0-9.]+ ms' | cut -d' ' -f1; }
for _ in $(seq "$pairs"); do
  echo "$(best "$work/before") $(best "$work/after")"
done | awk -v before="$before" -v after="${after:-the working tree}" '
  function median(values, count,   i, j, swap) {
    for (i = 2; i <= count; i++)
      for (j = i; j > 1 && values[j - 1] > values[j]; j--) {
        swap = values[j]; values[j] = values[j - 1]; values[j - 1] = swap
      }
    return count % 2 ? values[(count + 1) / 2] : (values[count / 2] + values[count / 2 + 1]) / 2
  }
  { printf "%s ms  %s ms\n", $1, $2; first[NR] = $1; second[NR] = $2; if ($2 < $1) faster++ }
  END {
    printf "median: %s %.1f ms, %s %.1f ms; the second faster in %d of %d pairs\n",
      before, median(first, NR), after, median(second, NR), faster, NR
  }'
