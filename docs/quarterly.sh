#!/bin/sh
# quarterly.sh [YYYYQn]: ingest, assess and bill a quarter; by default the one that just ended.
RESPONSA=${RESPONSA:-$HOME/.cargo/bin/responsa}
cd "${RESPONSA_HOME:-/srv/responsa}" || exit 1
mkdir -p logs reports || exit 1
fail() { # status message: says what failed, on stderr (cron mails it) and by mail
  echo "responsa $Q: $2" >&2
  if command -v mail > /dev/null; then echo "$2" | mail -s "responsa $Q failed (exit $1)" office; fi
  exit "$1"
}
Q=$1
if [ -z "$Q" ]; then
  y=$(date +%Y)
  case $(date +%m) in
    01) Q=$((y - 1))Q4 ;; 04) Q=${y}Q1 ;; 07) Q=${y}Q2 ;; 10) Q=${y}Q3 ;;
    *) Q=none; fail 2 "run in January, April, July or October, or name the quarter: $0 2026Q2" ;;
  esac
fi
[ -x "$RESPONSA" ] || fail 1 "no responsa at $RESPONSA (cargo install --path . --locked)"
[ -d "extracts/$Q" ] || fail 2 "no folder extracts/$Q: the quarter's extracts have not arrived"
"$RESPONSA" ingest --data "extracts/$Q" --store store -q 2> "logs/$Q.ingest.err" \
  || fail $? "ingest failed: $(cat "logs/$Q.ingest.err")"
# What was billed and is now out of date: the extract corrected a quarter a billed
# assessment reads (late lines, a corrected invalidity or incapacity file). Cron mails the
# list, each with the command that compares the version billed with the latest; the
# office runs it, checks the regularisation, and runs it again with --bill.
"$RESPONSA" history --store store > "logs/$Q.history" 2>&1 \
  || fail $? "history failed: $(cat "logs/$Q.history")"
if grep -q '^Out of date since billed' "logs/$Q.history"; then
  echo "responsa $Q: billed quarters out of date after this extract (regularise each):"
  sed -n '/^Out of date since billed/,/^$/p' "logs/$Q.history" | sed '1d;/^$/d'
fi
# The notices carry the office's lines (letters.toml beside the store, when filled in).
set --
[ -f letters.toml ] && set -- --letters letters.toml
"$RESPONSA" assess --quarter "$Q" --store store --out "reports/$Q" --strict --bill "$@" -q \
  2> "logs/$Q.assess.err"
status=$?
case $status in
  0) ;;
  3) fail 3 "data that did not hold, nothing billed: $(cat "logs/$Q.assess.err") (see $(pwd)/reports/$Q/rejects.csv)" ;;
  *) fail $status "assess failed: $(cat "logs/$Q.assess.err")" ;;
esac
