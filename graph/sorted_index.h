// Writing a secondary index from its records already sorted, without CREATE
// INDEX's table scan and sort: used by the CSV import and Store::RestoreIndexes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "graph/rows_table.h"
#include "graph/sqlite.h"

namespace kg::graph {

// An index to write. An index b-tree holds one record per entry: its indexed
// columns, then the rowid (or, on a WITHOUT ROWID table, the primary key
// columns it does not index). A WITHOUT ROWID table whose primary key is all
// its columns holds the same records in the same kind of b-tree.
struct SortedIndexDef {
  const char* name;   // "rels_dst_type"
  const char* table;  // the table it indexes: "rels"
  // Its definition exactly as sqlite_schema stores it (no IF NOT EXISTS).
  const char* sql;
  // The record's columns with their types in `table` (the rowid INTEGER), in
  // the record's order: "dst INTEGER, type TEXT, id INTEGER".
  const char* columns;
  // Their names, in the same order: "dst, type, id".
  const char* names;
};

// Writes index `def`, which must not exist yet, from `records`: a row source
// declaring the columns `def.names`, whose rows are the index's records in
// its order (ascending, default BINARY collation: the definitions of this
// store), each once, and for a partial index only those its WHERE clause
// keeps. The records go in that order into a WITHOUT ROWID table (SQLite
// appends each at the end of its b-tree), whose schema entry then becomes the
// index's. REQUIRES: an open write transaction (a failure leaves its changes
// for the caller to roll back). Returns false, having changed nothing, when
// SQLite does not allow writing the schema (SQLITE_DBCONFIG_DEFENSIVE, or a
// build without writable_schema): the caller then runs CREATE INDEX. Throws
// StorageError when the index SQLite reads back does not have the records'
// layout (a wrong `def`).
bool WriteSortedIndex(Database& db, const SortedIndexDef& def, const RowSource& records);

// Sorts `keys` by their bits [low, high) (none are set above `high`),
// stably: an LSD radix sort with digits of up to 11 bits, each pass writing
// to at most 2048 places at a time. `Keys` is a vector of uint64_t.
template <typename Keys>
void RadixSortBits(Keys& keys, int low, int high) {
  const int bits = high - low;
  if (bits <= 0 || keys.size() < 2) return;
  const int passes = (bits + 10) / 11;
  const int digit_bits = (bits + passes - 1) / passes;
  const uint64_t mask = (uint64_t{1} << digit_bits) - 1;  // digit_bits <= 11
  std::vector<std::vector<size_t>> next(static_cast<size_t>(passes),
                                        std::vector<size_t>(size_t{1} << digit_bits));
  for (uint64_t key : keys)
    for (int pass = 0; pass < passes; ++pass)
      ++next[static_cast<size_t>(pass)][(key >> (low + pass * digit_bits)) & mask];
  Keys buffer(keys.size());
  for (int pass = 0; pass < passes; ++pass) {
    const int shift = low + pass * digit_bits;
    auto& slot = next[static_cast<size_t>(pass)];
    size_t sum = 0;
    for (auto& c : slot) sum += std::exchange(c, sum);
    for (uint64_t key : keys) buffer[slot[(key >> shift) & mask]++] = key;
    keys.swap(buffer);
  }
}

}  // namespace kg::graph
