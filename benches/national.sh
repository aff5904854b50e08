#!/usr/bin/env bash
# National-scale benchmark of `responsa assess` against the DuckDB peer (SPEC §7).
#
#   bash benches/national.sh [RUNS]          (default 3 runs per measurement)
#
# Generates the data once (seed 1) under $RESPONSA_BENCH_DATA (default
# ~/.cache/responsa-bench, outside the repository): national CSV and Parquet, plus tiny
# and small CSV for the scaling table. Each measurement runs RUNS times under
# /usr/bin/time -v and reports the median wall time and the median peak RSS. The peer is
# ../shared/peer/peer.py (pip install duckdb); it is skipped when duckdb is missing.
# Each measurement starts with one unmeasured warm-up run.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/responsa-target}
DATA=${RESPONSA_BENCH_DATA:-$HOME/.cache/responsa-bench}
PEER=${RESPONSA_PEER:-../shared/peer/peer.py}
cargo build --release -q
BIN=$CARGO_TARGET_DIR/release/responsa
mkdir -p "$DATA"
gen() { # scale format dir
  [ -e "$3/invalidity.$2" ] || "$BIN" generate --scale "$1" --seed 1 --format "$2" --out "$3" -q
}
gen tiny csv "$DATA/tiny-csv"; gen small csv "$DATA/small-csv"
gen national csv "$DATA/national-csv"; gen national parquet "$DATA/national-parquet"
# 2025Q1..2026Q4: the last levy quarters and the first solidarity quarters (SPEC §8).
[ -e "$DATA/national26-csv/incapacity.csv" ] || "$BIN" generate --scale national --seed 1 --quarters 2025Q1..2026Q4 --out "$DATA/national26-csv" -q

# measure KEY LABEL CMD...: median wall seconds and median peak RSS (MB) over $RUNS runs,
# after one unmeasured warm-up run (the first run after a pause pays for page cache and,
# on a virtual machine, for memory the host took back: up to 2 s of system time here).
measure() {
  local key=$1 label=$2; shift 2
  local walls=() rss=()
  "$@" > /dev/null 2>&1 || true
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -v "$@" > /dev/null 2> /tmp/responsa-bench.time
    walls+=("$(awk -F': ' '/Elapsed/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' /tmp/responsa-bench.time)")
    rss+=("$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' /tmp/responsa-bench.time)")
  done
  local w r
  w=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  r=$(printf '%s\n' "${rss[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-34s %8.2f s %8d MB   (runs: %s)\n' "$label" "$w" "$r" "${walls[*]}"
  echo "$key $w $r" >> /tmp/responsa-bench.results
}
rm -f /tmp/responsa-bench.results
OUT=$(mktemp -d)
echo "median over $RUNS runs, $(nproc) cores"
for s in tiny small national; do
  lines=$(($(wc -l < "$DATA/$s-csv/employment.csv") - 1))
  measure "$s-csv" "responsa $s csv ($lines lines)" "$BIN" assess --quarter 2023Q4 --data "$DATA/$s-csv" --out "$OUT/$s" -q
done
measure national-parquet "responsa national parquet" "$BIN" assess --quarter 2023Q4 --data "$DATA/national-parquet" --out "$OUT/pq" -q
if python3 -c 'import duckdb' 2>/dev/null && [ -f "$PEER" ]; then
  measure peer-csv "peer national csv" python3 "$PEER" "$DATA/national-csv" 2023Q4 "$OUT/peer-csv"
  measure peer-parquet "peer national parquet" python3 "$PEER" "$DATA/national-parquet" 2023Q4 "$OUT/peer-pq"
  awk '{w[$1]=$2; m[$1]=$3}
       END {
         printf "responsa/peer csv:     time %.2f, memory %.2f\n", w["national-csv"]/w["peer-csv"], m["national-csv"]/m["peer-csv"];
         printf "responsa/peer parquet: time %.2f, memory %.2f\n", w["national-parquet"]/w["peer-parquet"], m["national-parquet"]/m["peer-parquet"] }' \
    /tmp/responsa-bench.results
else
  echo "peer skipped: pip install duckdb"
fi
# The solidarity quarter against the levy quarter, on the same national data (SPEC §8).
measure levy-2025q4 "responsa levy 2025Q4 (csv)" "$BIN" assess --quarter 2025Q4 --data "$DATA/national26-csv" --out "$OUT/l25" -q
measure solidarity-2026q1 "responsa solidarity 2026Q1 (csv)" "$BIN" assess --quarter 2026Q1 --data "$DATA/national26-csv" --out "$OUT/s26" -q
awk '{w[$1]=$2; m[$1]=$3} END { printf "solidarity/levy quarter: time %.2f, memory %.2f\n", w["solidarity-2026q1"]/w["levy-2025q4"], m["solidarity-2026q1"]/m["levy-2025q4"] }' /tmp/responsa-bench.results
# The quarterly store (SPEC §9): ingest of 8 quarters from CSV, one quarter assessed from
# the store against the same quarter from CSV, the size of the store against the CSV's,
# and every quarter from 2022Q4 to 2026Q4 in one run from a store of 20 quarters.
[ -e "$DATA/national20-csv/incapacity.csv" ] || "$BIN" generate --scale national --seed 1 --quarters 2022Q1..2026Q4 --out "$DATA/national20-csv" -q
measure ingest-8 "responsa ingest 8 quarters (csv)" bash -c "rm -rf '$OUT/store' && '$BIN' ingest --data '$DATA/national26-csv' --store '$OUT/store' -q"
measure store-2025q4 "responsa levy 2025Q4 (store)" "$BIN" assess --quarter 2025Q4 --store "$OUT/store" --out "$OUT/sl" -q
measure store-2026q1 "responsa solidarity 2026Q1 (store)" "$BIN" assess --quarter 2026Q1 --store "$OUT/store" --out "$OUT/ss" -q
awk '{w[$1]=$2} END { printf "store/csv: levy quarter %.1fx as fast, solidarity quarter %.1fx\n", w["levy-2025q4"]/w["store-2025q4"], w["solidarity-2026q1"]/w["store-2026q1"] }' /tmp/responsa-bench.results
echo "store: $(du -sh "$OUT/store" | cut -f1) for $(du -sh "$DATA/national26-csv" | cut -f1) of CSV (8 quarters)"
[ -e "$DATA/store20/manifest.json" ] || "$BIN" ingest --data "$DATA/national20-csv" --store "$DATA/store20" -q
measure store-all "responsa 2022Q4..2026Q4 (store, one run)" "$BIN" assess --quarters 2022Q4..2026Q4 --store "$DATA/store20" --out "$OUT/all" -q
# Five quarters: one run sharing the read, against five separate runs.
measure five-one-run "responsa 5 quarters, one run" "$BIN" assess --quarters 2022Q4..2023Q4 --data "$DATA/national-csv" --out "$OUT/multi" -q
five() { for q in 2022Q4 2023Q1 2023Q2 2023Q3 2023Q4; do "$BIN" assess --quarter $q --data "$DATA/national-csv" --out "$OUT/one-$q" -q; done; }
export -f five; export BIN DATA OUT
measure five-runs "responsa 5 quarters, 5 runs" bash -c five
rm -rf "$OUT"
