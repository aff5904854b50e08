#!/usr/bin/env bash
# National-scale benchmark of `responsa assess` against the DuckDB peer (§7).
#
#   bash benches/national.sh [RUNS]          (default 3 runs per measurement)
#   RESPONSA_BASELINE=/tmp/base/target/release/responsa bash benches/national.sh 7
#                                            (also against an earlier build, in turn)
#   RESPONSA_STORE_ONLY=1 bash benches/national.sh 5
#                                            (only the store: assess --store against CSV,
#                                            corrections, regularise, the store's size)
#   RESPONSA_BASELINE=… RESPONSA_COMPARE_ONLY=1 RESPONSA_STORE_COMPARE=1 bash benches/national.sh 5
#                                            (CSV and Parquet, then the levy and solidarity
#                                            quarters from CSV and from a store, the
#                                            routine and regularise, each against the
#                                            earlier build, in turn)
#
# An earlier build, for RESPONSA_BASELINE:
#   git worktree add /tmp/base COMMIT && CARGO_TARGET_DIR=/tmp/base/target \
#     cargo build --release --manifest-path /tmp/base/Cargo.toml
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
[ -n "${RESPONSA_STORE_ONLY:-}" ] || { gen national csv "$DATA/national-csv"; gen national parquet "$DATA/national-parquet"; }
if [ -z "${RESPONSA_COMPARE_ONLY:-}${RESPONSA_STORE_ONLY:-}" ]; then
  gen tiny csv "$DATA/tiny-csv"; gen small csv "$DATA/small-csv"
fi
if [ -z "${RESPONSA_COMPARE_ONLY:-}" ]; then
  # 2024Q1..2026Q4: the last levy quarters and the first solidarity quarters (§8), each
  # timed quarter complete (2025Q4 reads 2024Q1..2025Q4, 2026Q1 reads 2025Q1..2025Q4).
  [ -e "$DATA/national24-csv/incapacity.csv" ] || "$BIN" generate --scale national --seed 1 --quarters 2024Q1..2026Q4 --out "$DATA/national24-csv" -q
fi

# measure KEY LABEL CMD...: median wall seconds and median peak RSS (MB) over $RUNS runs,
# after one unmeasured warm-up run (the first run after a pause pays for page cache and,
# on a virtual machine, for memory the host took back: up to 2 s of system time here).
# Each run writes a folder of its own (@RUN@ in the command becomes the run's number) and
# nothing is deleted before the end: ext4 without a journal (this machine's disk) skips
# inodes freed in the last minutes when it creates a file, so a run that creates files
# right after another deleted its outputs measured up to 0.4 s more for its 511 letters,
# a cost of the harness and not of a quarterly run.
measure() {
  local key=$1 label=$2; shift 2
  local walls=() rss=()
  local run args
  for run in w $(seq "$RUNS"); do
    args=()
    for a in "$@"; do args+=("${a//@RUN@/$run}"); done
    if [ "$run" = w ]; then "${args[@]}" > /dev/null 2>&1 || true; continue; fi
    /usr/bin/time -v "${args[@]}" > /dev/null 2> /tmp/responsa-bench.time
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
trap 'rm -rf "$OUT"' EXIT
echo "median over $RUNS runs, $(nproc) cores"
# RESPONSA_COMPARE_ONLY=1 with RESPONSA_BASELINE: only the national quarter against the
# earlier build, from CSV and Parquet.
# RESPONSA_STORE_ONLY=1: the store's measurements alone (§9, §12), from the levy and
# solidarity quarters from CSV on.
SKIP=${RESPONSA_COMPARE_ONLY:-${RESPONSA_STORE_ONLY:-}}
[ -n "$SKIP" ] || for s in tiny small national; do
  lines=$(($(wc -l < "$DATA/$s-csv/employment.csv") - 1))
  measure "$s-csv" "responsa $s csv ($lines lines)" "$BIN" assess --quarter 2023Q4 --data "$DATA/$s-csv" --out "$OUT/$s-@RUN@" -q
done
[ -n "$SKIP" ] || measure national-parquet "responsa national parquet" "$BIN" assess --quarter 2023Q4 --data "$DATA/national-parquet" --out "$OUT/pq-@RUN@" -q
if [ -n "$SKIP" ]; then
  :
elif python3 -c 'import duckdb' 2>/dev/null && [ -f "$PEER" ]; then
  measure peer-csv "peer national csv" python3 "$PEER" "$DATA/national-csv" 2023Q4 "$OUT/peer-csv-@RUN@"
  measure peer-parquet "peer national parquet" python3 "$PEER" "$DATA/national-parquet" 2023Q4 "$OUT/peer-pq-@RUN@"
  awk '{w[$1]=$2; m[$1]=$3}
       END {
         printf "responsa/peer csv:     time %.2f, memory %.2f\n", w["national-csv"]/w["peer-csv"], m["national-csv"]/m["peer-csv"];
         printf "responsa/peer parquet: time %.2f, memory %.2f\n", w["national-parquet"]/w["peer-parquet"], m["national-parquet"]/m["peer-parquet"] }' \
    /tmp/responsa-bench.results
else
  echo "peer skipped: pip install duckdb"
fi
# The routine's inputs (§9): the seven quarters 2024Q1..2025Q3 of national24-csv in $Q7,
# ingested by this build into $OUT/store7, and the new quarter 2025Q4 in $QN.
Q7=$OUT/q7; QN=$OUT/q-new
routine_inputs() {
  [ -e "$OUT/store7" ] && return 0
  mkdir -p "$Q7" "$QN"
  quarter_of='function q(d) { return substr(d,1,4) "Q" int((substr(d,6,2) + 2) / 3) }'
  awk -F, -v dir="$Q7" -v new="$QN" 'FNR == 1 { h = $0; next } { f = ($1 == "2025Q4") ? new : ($1 >= "2024Q1" && $1 <= "2025Q3") ? dir : ""; if (f != "") { if (!(f in head)) { print h > (f "/employers.csv"); head[f] = 1 } print > (f "/employers.csv") } }' "$DATA/national24-csv/employers.csv"
  awk -F, -v dir="$Q7" -v new="$QN" 'FNR == 1 { h = $0; next } { f = ($1 == "2025Q4") ? new : ($1 >= "2024Q1" && $1 <= "2025Q3") ? dir : ""; if (f != "") { if (!(f in head)) { print h > (f "/employment.csv"); head[f] = 1 } print > (f "/employment.csv") } }' "$DATA/national24-csv/employment.csv"
  for t in invalidity:4 incapacity:3; do # the quarter of a row: its invalidity_start, its incapacity_start
    awk -F, -v dir="$Q7" -v new="$QN" -v col="${t#*:}" "$quarter_of"' FNR == 1 { print > (dir "/'"${t%:*}"'.csv"); print > (new "/'"${t%:*}"'.csv"); next } { x = q($col); if (x == "2025Q4") print > (new "/'"${t%:*}"'.csv"); else if (x >= "2024Q1" && x <= "2025Q3") print > (dir "/'"${t%:*}"'.csv") }' "$DATA/national24-csv/${t%:*}.csv"
  done
  "$BIN" ingest --data "$Q7" --store "$OUT/store7" -q
}
# The corrected store (§12), by this build: 20 quarters and five corrections in $H.
H=$OUT/history
history_store() {
  [ -e "$H" ] && return 0
  [ -e "$DATA/national20-csv/incapacity.csv" ] || "$BIN" generate --scale national --seed 1 --quarters 2022Q1..2026Q4 --out "$DATA/national20-csv" -q
  "$BIN" ingest --data "$DATA/national20-csv" --store "$H" -q
  correct() { # n table awk-program: a correction folder holding one edited input
    mkdir -p "$OUT/corr-$1"
    awk -F, -v OFS=, "$3" "$DATA/national20-csv/$2.csv" > "$OUT/corr-$1/$2.csv"
  }
  correct 1 incapacity 'NR > 1 && NR % 500 == 0 { $10 = "99.99" } { print }'
  correct 2 invalidity 'NR > 1 && NR % 200 == 0 { $7 = ($7 == "true" ? "false" : "true") } { print }'
  correct 3 incapacity 'NR > 1 && NR % 777 == 0 { $10 = "88.88" } { print }'
  mkdir -p "$OUT/corr-4"
  awk -F, 'NR == 1 || $1 == "2025Q2"' "$DATA/national20-csv/employers.csv" > "$OUT/corr-4/employers.csv"
  awk -F, -v OFS=, 'NR == 1 { print; next } $1 == "2025Q2" { if (NR % 100 == 0) $7 = "9999.99"; print }' \
    "$DATA/national20-csv/employment.csv" > "$OUT/corr-4/employment.csv"
  correct 5 invalidity 'NR > 1 && NR % 333 == 0 { $7 = ($7 == "true" ? "false" : "true") } { print }'
  for n in 1 2 3 4 5; do "$BIN" ingest --data "$OUT/corr-$n" --store "$H" -q; done
}
# Against an earlier build (RESPONSA_BASELINE=path/to/its/binary), the national quarter
# from CSV and from Parquet, the two binaries run in turn so that both see the same
# machine: each measured run of the one is followed by a run of the other.
compare() { # key label args...
  local key=$1 label=$2; shift 2
  local wb=() wc=() mb=() mc=() run args t
  for run in w $(seq "$RUNS"); do
    for who in base cur; do
      local bin=$BIN; [ $who = base ] && bin=$RESPONSA_BASELINE
      args=()
      for a in "$@"; do args+=("${a//@RUN@/$who-$run}"); done
      /usr/bin/time -f '%e %M' "$bin" "${args[@]}" > /dev/null 2> /tmp/responsa-bench.time || true
      [ "$run" = w ] && continue
      t=$(tail -1 /tmp/responsa-bench.time)
      if [ $who = base ]; then wb+=("${t% *}"); mb+=("${t#* }"); else wc+=("${t% *}"); mc+=("${t#* }"); fi
    done
  done
  med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  local b c
  b=$(med "${wb[@]}"); c=$(med "${wc[@]}")
  printf '%-34s %8.2f s %8d MB   (runs: %s)\n' "baseline $label" "$b" "$(($(med "${mb[@]}") / 1024))" "${wb[*]}"
  printf '%-34s %8.2f s %8d MB   (runs: %s)\n' "this build $label" "$c" "$(($(med "${mc[@]}") / 1024))" "${wc[*]}"
  awk -v b="$b" -v c="$c" -v l="$label" 'BEGIN { printf "this build/baseline %s: time %.3f\n", l, c / b }'
  echo "$key-base $b" >> /tmp/responsa-bench.results
  echo "$key-cur $c" >> /tmp/responsa-bench.results
}
if [ -n "${RESPONSA_BASELINE:-}" ]; then
  [ -n "${RESPONSA_PARQUET_ONLY:-}" ] || compare base-csv "national csv" assess --quarter 2023Q4 --data "$DATA/national-csv" --out "$OUT/cmp-csv-@RUN@" -q
  compare base-parquet "national parquet" assess --quarter 2023Q4 --data "$DATA/national-parquet" --out "$OUT/cmp-pq-@RUN@" -q
fi
# RESPONSA_STORE_COMPARE=1 with RESPONSA_BASELINE: the levy quarter 2025Q4 from CSV, and
# the levy and solidarity quarters from one store of 2024Q1..2026Q4 (ingested once, by this
# build; both builds read it), the routine (one quarter into a store of seven) and the
# corrections (assess --store and regularise on a store with five corrections), each
# against the earlier build, in turn.
if [ -n "${RESPONSA_STORE_COMPARE:-}" ] && [ -n "${RESPONSA_BASELINE:-}" ]; then
  "$BIN" ingest --data "$DATA/national24-csv" --store "$OUT/store-cmp" -q
  compare base-levy-csv "levy 2025Q4 (csv)" assess --quarter 2025Q4 --data "$DATA/national24-csv" --out "$OUT/cl-@RUN@" -q
  compare base-levy-store "levy 2025Q4 (store)" assess --quarter 2025Q4 --store "$OUT/store-cmp" --out "$OUT/csl-@RUN@" -q
  compare base-sol-csv "solidarity 2026Q1 (csv)" assess --quarter 2026Q1 --data "$DATA/national24-csv" --out "$OUT/cs-@RUN@" -q
  compare base-sol-store "solidarity 2026Q1 (store)" assess --quarter 2026Q1 --store "$OUT/store-cmp" --out "$OUT/css-@RUN@" -q
  awk '{w[$1]=$2} END { split("base cur", who, " ");
       for (i = 1; i <= 2; i++) printf "store/csv (%s): levy quarter %.1fx as fast, solidarity quarter %.1fx\n", who[i] == "cur" ? "this build" : "baseline",
         w["base-levy-csv-" who[i]] / w["base-levy-store-" who[i]], w["base-sol-csv-" who[i]] / w["base-sol-store-" who[i]] }' /tmp/responsa-bench.results
  # The routine and the corrections, against the earlier build too: one quarter ingested
  # into a hard-linked copy of the seven quarters' store per run and build; assess --store
  # and regularise on the corrected store (both written by this build).
  routine_inputs
  for run in w $(seq "$RUNS"); do for who in base cur; do cp -al "$OUT/store7" "$OUT/store7-$who-$run"; done; done
  compare base-routine "one quarter into seven" ingest --data "$QN" --store "$OUT/store7-@RUN@" -q
  history_store
  compare base-h-levy "levy 2025Q3 (corrected store)" assess --quarter 2025Q3 --store "$H" --out "$OUT/ch-@RUN@" -q
  compare base-h-reg "regularise 2025Q3" regularise --quarter 2025Q3 --from 1 --store "$H" --out "$OUT/cr-@RUN@" -q
  compare base-h-sol "solidarity 2026Q1 (corrected store)" assess --quarter 2026Q1 --store "$H" --out "$OUT/chs-@RUN@" -q
  compare base-h-regs "regularise 2026Q1" regularise --quarter 2026Q1 --from 1 --store "$H" --out "$OUT/crs-@RUN@" -q
  awk '{w[$1]=$2} END { split("base cur", who, " ");
       for (i = 1; i <= 2; i++) printf "%s: routine %.2f of the levy CSV run; regularise/assess --store: levy %.2f, solidarity %.2f\n", who[i] == "cur" ? "this build" : "baseline",
         w["base-routine-" who[i]] / w["base-levy-csv-" who[i]], w["base-h-reg-" who[i]] / w["base-h-levy-" who[i]], w["base-h-regs-" who[i]] / w["base-h-sol-" who[i]] }' /tmp/responsa-bench.results
fi
[ -z "${RESPONSA_COMPARE_ONLY:-}" ] || exit 0
# The solidarity quarter against the levy quarter, on the same national data (§8). No timed
# run uses --allow-incomplete-data: every quarter timed has all the quarters it reads.
measure levy-2025q4 "responsa levy 2025Q4 (csv)" "$BIN" assess --quarter 2025Q4 --data "$DATA/national24-csv" --out "$OUT/l25-@RUN@" -q
measure solidarity-2026q1 "responsa solidarity 2026Q1 (csv)" "$BIN" assess --quarter 2026Q1 --data "$DATA/national24-csv" --out "$OUT/s26-@RUN@" -q
awk '{w[$1]=$2; m[$1]=$3} END { printf "solidarity/levy quarter: time %.2f, memory %.2f\n", w["solidarity-2026q1"]/w["levy-2025q4"], m["solidarity-2026q1"]/m["levy-2025q4"] }' /tmp/responsa-bench.results
# The quarterly store (§9): ingest of 8 quarters from CSV, one quarter assessed from
# the store against the same quarter from CSV, the size of the store against the CSV's,
# and every quarter from 2022Q4 to 2026Q4 in one run from a store of 20 quarters.
[ -e "$DATA/national20-csv/incapacity.csv" ] || "$BIN" generate --scale national --seed 1 --quarters 2022Q1..2026Q4 --out "$DATA/national20-csv" -q
measure ingest-12 "responsa ingest 12 quarters (csv)" "$BIN" ingest --data "$DATA/national24-csv" --store "$OUT/store-@RUN@" -q
measure store-2025q4 "responsa levy 2025Q4 (store)" "$BIN" assess --quarter 2025Q4 --store "$OUT/store-1" --out "$OUT/sl-@RUN@" -q
measure store-2026q1 "responsa solidarity 2026Q1 (store)" "$BIN" assess --quarter 2026Q1 --store "$OUT/store-1" --out "$OUT/ss-@RUN@" -q
awk '{w[$1]=$2} END { printf "store/csv: levy quarter %.1fx as fast, solidarity quarter %.1fx\n", w["levy-2025q4"]/w["store-2025q4"], w["solidarity-2026q1"]/w["store-2026q1"] }' /tmp/responsa-bench.results
echo "store: $(du -sh "$OUT/store-1" | cut -f1) for $(du -sh "$DATA/national24-csv" | cut -f1) of CSV (12 quarters)"
# The routine: one new quarter's extract (2025Q4) ingested into a store of the seven
# quarters before it, each run into its own hard-linked copy of that store (an ingest
# writes new files and never rewrites one).
routine_inputs
for run in w $(seq "$RUNS"); do cp -al "$OUT/store7" "$OUT/store7-$run"; done
measure ingest-1-into-7 "responsa ingest 1 quarter into 7" "$BIN" ingest --data "$QN" --store "$OUT/store7-@RUN@" -q
awk '{w[$1]=$2} END { printf "routine: one quarter into a store of seven %.2f of the CSV run of the same quarter\n", w["ingest-1-into-7"]/w["levy-2025q4"] }' /tmp/responsa-bench.results
[ -e "$DATA/store20/versions" ] || [ -e "$DATA/store20/manifest.json" ] || "$BIN" ingest --data "$DATA/national20-csv" --store "$DATA/store20" -q
measure store-all "responsa 2023Q4..2026Q4 (store, one run)" "$BIN" assess --quarters 2023Q4..2026Q4 --store "$DATA/store20" --out "$OUT/all-@RUN@" -q
# Corrections (§12): the 20-quarter store with five corrections — incapacity files alone
# (daily benefits corrected), invalidity files alone (resumptions corrected), and one
# quarter's register and lines again (wages corrected) — against the same store without
# history; then regularise of a national quarter against one assess --store of it.
history_store
echo "store with history: $(du -sh "$H" | cut -f1) for 20 quarters and 5 corrections (6 versions);" \
  "without history: $(du -sh "$DATA/store20" | cut -f1)"
"$BIN" history --store "$H" | tail -6
measure store-2025q3 "responsa levy 2025Q3 (store)" "$BIN" assess --quarter 2025Q3 --store "$H" --out "$OUT/h-@RUN@" -q
measure regularise-2025q3 "responsa regularise 2025Q3" "$BIN" regularise --quarter 2025Q3 --from 1 --store "$H" --out "$OUT/r-@RUN@" -q
measure store-2026q1h "responsa solidarity 2026Q1 (store)" "$BIN" assess --quarter 2026Q1 --store "$H" --out "$OUT/hs-@RUN@" -q
measure regularise-2026q1 "responsa regularise 2026Q1" "$BIN" regularise --quarter 2026Q1 --from 1 --store "$H" --out "$OUT/rs-@RUN@" -q
awk '{w[$1]=$2} END { printf "regularise/assess --store: levy quarter %.2f, solidarity quarter %.2f\n", w["regularise-2025q3"]/w["store-2025q3"], w["regularise-2026q1"]/w["store-2026q1h"] }' /tmp/responsa-bench.results
[ -n "${RESPONSA_STORE_ONLY:-}" ] && exit 0
# Five quarters: one run sharing the read, against five separate runs.
measure five-one-run "responsa 5 quarters, one run" "$BIN" assess --quarters 2023Q4..2024Q4 --data "$DATA/national20-csv" --out "$OUT/multi-@RUN@" -q
five() { for q in 2023Q4 2024Q1 2024Q2 2024Q3 2024Q4; do "$BIN" assess --quarter $q --data "$DATA/national20-csv" --out "$OUT/one-$1-$q" -q; done; }
export -f five; export BIN DATA OUT
measure five-runs "responsa 5 quarters, 5 runs" bash -c 'five "$0"' @RUN@
