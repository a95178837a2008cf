#!/usr/bin/env bash
# Ingests the seed article and checks the answers to the questions in tests/data/seed/.
# Usage: seed_queries_test.sh KG_BINARY SOURCE_DIR
set -euo pipefail
kg=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$kg" --db "$tmp/kg.db" ingest "$src/corpus/articles/000_22b4ab4ff6bbdb2f.txt" >/dev/null
failed=0
passed=0
for query in "$src"/tests/data/seed/*.cypher; do
  name=$(basename "$query" .cypher)
  if ! "$kg" --db "$tmp/kg.db" query --format csv -f "$query" >"$tmp/$name.out" 2>"$tmp/$name.err"; then
    echo "FAIL $name: kg query exited non-zero"; cat "$tmp/$name.err"; failed=$((failed + 1)); continue
  fi
  if diff -u "${query%.cypher}.expected" "$tmp/$name.out"; then
    passed=$((passed + 1))
  else
    echo "FAIL $name: output differs (above)"; failed=$((failed + 1))
  fi
done
"$kg" --db "$tmp/kg.db" check >/dev/null
echo "seed queries: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
