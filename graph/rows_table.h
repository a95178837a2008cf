// Rows held in memory, shown to SQLite as an eponymous virtual table: one
// INSERT ... SELECT then writes them all, without a bind/step/reset round trip
// (and a copy of every bound value) per row. Used by the CSV import and by the
// store's bulk writes.
#pragma once

#include <sqlite3.h>

#include <cstddef>

#include "graph/sqlite.h"

namespace kg::graph {

class RowSource {
 public:
  virtual ~RowSource() = default;
  // CREATE TABLE statement declaring the columns (the table name is ignored).
  virtual const char* Declaration() const = 0;
  virtual size_t Rows() const = 0;
  // Sets the result to column `column` of row `row` (< Rows()).
  virtual void Column(size_t row, int column, sqlite3_context* ctx) const = 0;
};

// The declaration of a row source of relationships, the columns the `rels`
// table takes: the node ids of both ends, the type and the JSON properties.
inline constexpr const char* kRelationshipRowsDeclaration =
    "CREATE TABLE x(src INTEGER, dst INTEGER, type TEXT, props TEXT)";

// Registers `source` as table `name` on `db` for the lifetime of this object.
// `name` must outlive it too.
class RowsModule {
 public:
  RowsModule(Database& db, const char* name, const RowSource& source);
  ~RowsModule();
  RowsModule(const RowsModule&) = delete;
  RowsModule& operator=(const RowsModule&) = delete;

 private:
  Database& db_;
  const char* name_;
};

}  // namespace kg::graph
