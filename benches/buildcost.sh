#!/usr/bin/env bash
# What a newcomer pays to build and test responsa, from an empty target folder (not part of CI).
#
#   bash benches/buildcost.sh [REV ...]        (default: HEAD)
#
# For each revision, in turn and back to back on this machine: a clean checkout in a
# scratch folder, an empty CARGO_TARGET_DIR, then
#   1. the cold release build          (cargo build --release --locked)
#   2. the cold `cargo test`           (a second empty target folder: the dev profile
#                                       shares nothing with the release one)
#   3. the warm `cargo test` after a one-line change in src/ (a comment added to src/lib.rs)
# Wall times come from /usr/bin/time; the crates downloaded beforehand (cargo fetch), so
# the network is not measured. Prints one line per step and writes them to
# $OUT/buildcost.txt (OUT defaults to ~/.cache/responsa-buildcost). The release binary of
# each revision is kept as $OUT/REV/responsa, ready for RESPONSA_BASELINE in national.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
OUT=${OUT:-$HOME/.cache/responsa-buildcost}
mkdir -p "$OUT"
[ $# -gt 0 ] || set -- HEAD
secs() { awk -F': ' '/Elapsed/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$1"; }
for rev in "$@"; do
  sha=$(git -C "$REPO" rev-parse --short "$rev")
  work=$OUT/$sha
  rm -rf "$work"
  mkdir -p "$work"
  git -C "$REPO" worktree add --detach "$work/src" "$sha" > /dev/null 2>&1 \
    || git clone -q "$REPO" "$work/src" && git -C "$work/src" checkout -q "$sha"
  (cd "$work/src" && cargo fetch --locked -q)
  crates=$(cd "$work/src" && cargo tree -e normal --prefix none 2>/dev/null | sed 's/ (\*)//' | sort -u | wc -l)
  step() { # label target-dir command...
    local label=$1 target=$2; shift 2
    (cd "$work/src" && CARGO_TARGET_DIR=$target /usr/bin/time -v "$@" > "$work/$label.log" 2> "$work/$label.time") || {
      echo "$sha $label: failed, see $work/$label.log" >&2
      return 1
    }
    printf '%-8s %-34s %7.0f s\n' "$sha" "$label" "$(secs "$work/$label.time")" | tee -a "$OUT/buildcost.txt"
  }
  echo "$sha: $crates crates in the normal dependency graph" | tee -a "$OUT/buildcost.txt"
  step release-cold "$work/target-release" cargo build --release --locked
  cp "$work/target-release/release/responsa" "$work/responsa"
  step test-cold "$work/target-test" cargo test --locked
  echo "// a one-line change" >> "$work/src/src/lib.rs"
  step test-warm-after-edit "$work/target-test" cargo test --locked
  git -C "$work/src" checkout -q -- src/lib.rs
  rm -rf "$work/target-release" "$work/target-test"
  git -C "$REPO" worktree remove --force "$work/src" > /dev/null 2>&1 || rm -rf "$work/src"
done
