#!/usr/bin/env bash
# National-scale benchmark of the DmfA reader (§13), not a test.
#
#   bash benches/dmfa.sh [RUNS]        (default 3 runs per measurement)
#
# 1. One national quarter (2023Q4, seed 1) written as DmfA and as CSV: ingested into a
#    new store, RUNS times each in turn; median wall time, peak memory, and the DmfA
#    read's throughput (MB of XML per second of the whole ingest).
# 2. The same generated quarters 2025Q1..2026Q1 as CSV and as DmfA: the solidarity
#    quarter 2026Q1 (complete: it reads 2025Q1..2025Q4) and the levy quarter 2025Q4
#    (incomplete here, compared, not timed) assessed from both folders, then from stores
#    ingested from both: every output but summary.json (which names the files read)
#    must be byte-identical.
# Data go to $RESPONSA_BENCH_DATA (default ~/.cache/responsa-bench): about 15 GB of XML.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/responsa-target}
DATA=${RESPONSA_BENCH_DATA:-$HOME/.cache/responsa-bench}
cargo build --release -q
BIN=$CARGO_TARGET_DIR/release/responsa
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
gen() { # format quarters dir
  [ -e "$3/employers.csv" ] || "$BIN" generate --scale national --seed 1 --format "$1" --quarters "$2" --out "$3" -q
}
gen dmfa 2023Q4..2023Q4 "$DATA/national-q-dmfa"
gen csv 2023Q4..2023Q4 "$DATA/national-q-csv"
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
xml_mb=$(du -sm "$DATA/national-q-dmfa/dmfa" | cut -f1)
csv_mb=$(du -sm "$DATA/national-q-csv/employment.csv" | cut -f1)
lines=$(($(wc -l < "$DATA/national-q-csv/employment.csv") - 1))
echo "one national quarter: $lines lines; DmfA $xml_mb MB in $(ls "$DATA/national-q-dmfa/dmfa" | wc -l) files, CSV $csv_mb MB; $(nproc) cores"
wd=(); md=(); wc=(); mc=()
for run in w $(seq "$RUNS"); do
  for f in dmfa csv; do
    /usr/bin/time -f '%e %M' "$BIN" ingest --data "$DATA/national-q-$f" --store "$OUT/store-$f-$run" -q 2> "$OUT/time"
    [ "$run" = w ] && continue
    t=$(tail -1 "$OUT/time")
    if [ $f = dmfa ]; then wd+=("${t% *}"); md+=("${t#* }"); else wc+=("${t% *}"); mc+=("${t#* }"); fi
  done
done
d=$(med "${wd[@]}"); c=$(med "${wc[@]}")
printf 'ingest one quarter from DmfA: %6.2f s %6d MB   (runs: %s)  %.0f MB/s of XML\n' "$d" "$(($(med "${md[@]}") / 1024))" "${wd[*]}" "$(echo "$xml_mb / $d" | bc -l)"
printf 'ingest one quarter from CSV:  %6.2f s %6d MB   (runs: %s)  %.0f MB/s of CSV\n' "$c" "$(($(med "${mc[@]}") / 1024))" "${wc[*]}" "$(echo "$csv_mb / $c" | bc -l)"
# What the lines make in the store (the per-employer aggregates and the committees' wages)
# is the same file from both; the other stored tables name the folder they came from.
for f in occupation committees register; do
  cmp -s "$OUT"/store-dmfa-1/quarters/2023Q4-*/$f.parquet "$OUT"/store-csv-1/quarters/2023Q4-*/$f.parquet \
    && echo "stored $f.parquet: identical from DmfA and CSV" || echo "stored $f.parquet: DIFFERS"
done

# 2. Byte identity on the same national data as CSV and as DmfA.
gen dmfa 2025Q1..2026Q1 "$DATA/national5-dmfa"
gen csv 2025Q1..2026Q1 "$DATA/national5-csv"
same() { # a b: every file but summary.json
  local a=$1 b=$2 n=0
  while IFS= read -r f; do
    cmp -s "$a/$f" "$b/$f" || { echo "DIFFERS: $f between $a and $b"; return 1; }
    n=$((n + 1))
  done < <(cd "$a" && find . -type f ! -name summary.json | sort)
  echo "identical: $n files ($(basename "$a") and $(basename "$b"))"
}
for f in csv dmfa; do
  /usr/bin/time -f "assess 2026Q1 from $f: %e s %M KB" "$BIN" assess --quarter 2026Q1 --data "$DATA/national5-$f" --out "$OUT/s-$f" -q
  "$BIN" assess --quarter 2025Q4 --data "$DATA/national5-$f" --out "$OUT/l-$f" -q --allow-incomplete-data
  "$BIN" ingest --data "$DATA/national5-$f" --store "$OUT/st5-$f" -q
  "$BIN" assess --quarter 2026Q1 --store "$OUT/st5-$f" --out "$OUT/ss-$f" -q
done
same "$OUT/s-csv" "$OUT/s-dmfa"
same "$OUT/l-csv" "$OUT/l-dmfa"
same "$OUT/ss-csv" "$OUT/ss-dmfa"
same "$OUT/ss-csv" "$OUT/s-csv"
