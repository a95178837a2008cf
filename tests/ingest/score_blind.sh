#!/usr/bin/env bash
# score_blind.sh KG REPO MIN [MIN_MEAN [DIR]]: scores kg on the articles of tests/ingest/blind/ (or of DIR, a folder
# of the repository such as tests/ingest/unseen), written blind (their gold
# files before kg ever read them, 2026-11-30) to measure extraction on news the rules were not written
# from; since then they are a development set (rules were improved while looking at their misses), so a
# fresh blind set is the honest measure of generalisation. Each
# *.json names its article by base name in the same folder. Prints each article's scores and the mean
# relation F1; exits non-zero when an article's relation F1 is below MIN or the mean below MIN_MEAN
# (regression floors, not targets: see tests/ingest/blind/README.md).
set -uo pipefail
kg=$1
repo=$2
min=$3
min_mean=${4:-0}
dir="$repo/${5:-tests/ingest/blind}"
status=0
sum=0
n=0
for gold in "$dir"/*.json; do
  base=$(python3 -c 'import json,os,sys; print(os.path.basename(json.load(open(sys.argv[1]))["article"]))' "$gold")
  article="$dir/$base"
  if [ ! -f "$article" ]; then
    echo "score_blind: $(basename "$gold") names $base, which is not in $dir" >&2
    status=1
    continue
  fi
  out=$("$repo"/tools/score --kg "$kg" --gold "$gold" --article "$article" --min-f1 "$min")
  rc=$?
  echo "== $base"
  echo "$out" | tail -1
  [ $rc -ne 0 ] && status=1
  f1=$(echo "$out" | sed -nE 's/.*relations F1 ([0-9.]+).*/\1/p' | tail -1)
  sum=$(python3 -c "print($sum + ${f1:-0})")
  n=$((n + 1))
done
if [ $n -gt 0 ]; then
  mean=$(python3 -c "print('%.3f' % ($sum / $n))")
  echo "mean relation F1 over $n blind articles: $mean"
  python3 -c "import sys; sys.exit(0 if $mean >= $min_mean else 1)" || { echo "score_blind: mean below $min_mean" >&2; status=1; }
fi
exit $status
