#!/usr/bin/env bash
# score_corpus.sh KG REPO [MIN_OTHERS]: runs tools/score on every
# corpus/gold/*.json whose "article" field names a file of corpus/articles/ (by
# its base name); the seed must reach relation F1 0.9, the others MIN_OTHERS
# (default 0.8). Exits non-zero on any failure.
set -uo pipefail
kg=$1
repo=$2
min_others=${3:-0.8}
status=0
for gold in "$repo"/corpus/gold/*.json; do
  base=$(python3 -c 'import json,os,sys; print(os.path.basename(json.load(open(sys.argv[1]))["article"]))' "$gold")
  article=$(ls "$repo"/corpus/articles/"$base" "$repo"/corpus/articles/"${base%.*}".* 2>/dev/null | head -1)
  if [ -z "$article" ]; then
    echo "skip $(basename "$gold"): no article $base"
    continue
  fi
  min=$min_others
  case "$(basename "$gold")" in seed-*) min=0.9 ;; esac
  echo "== $(basename "$article") (min relation F1 $min)"
  if ! "$repo"/tools/score --kg "$kg" --gold "$gold" --article "$article" --min-f1 "$min"; then
    status=1
  fi
done
exit $status
