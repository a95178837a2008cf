// WriteSortedIndex: records in order into a WITHOUT ROWID table, whose
// sqlite_schema entry then becomes the index's.
#include "graph/sorted_index.h"

#include <string>

#include "graph/error.h"

namespace kg::graph {

namespace {

// The helper table, and the name its primary key index has in the pragmas.
constexpr const char* kHelper = "kg_sorted_index";
constexpr const char* kHelperKey = "sqlite_autoindex_kg_sorted_index_1";

constexpr const char* kToIndex =
    "UPDATE sqlite_schema SET type='index', name=?1, tbl_name=?2, sql=?3 "
    "WHERE type='table' AND name='kg_sorted_index'";

// What pragma_index_xinfo says of each column of an index's records.
struct RecordColumn {
  std::string name;  // empty for the rowid
  int64_t desc = 0;
  std::string coll;
  bool operator==(const RecordColumn&) const = default;
};

std::vector<RecordColumn> RecordColumns(Database& db, const char* index) {
  Statement st(db, "SELECT name, desc, coll FROM pragma_index_xinfo(?1) ORDER BY seqno");
  st.Bind(1, index);
  std::vector<RecordColumn> out;
  while (st.Step()) out.push_back({st.IsNull(0) ? "" : st.ColumnText(0), st.ColumnInt(1), st.ColumnText(2)});
  return out;
}

// Back to an ordinary schema (reloaded from the file) on every path.
class WritableSchema {
 public:
  explicit WritableSchema(Database& db) : db_(db) { db_.Exec("PRAGMA writable_schema=ON"); }
  ~WritableSchema() { sqlite3_exec(db_.handle(), "PRAGMA writable_schema=RESET", nullptr, nullptr, nullptr); }
  WritableSchema(const WritableSchema&) = delete;
  WritableSchema& operator=(const WritableSchema&) = delete;

 private:
  Database& db_;
};

bool SchemaWritable(Database& db) {
  int defensive = 0;
  if (sqlite3_db_config(db.handle(), SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive) != SQLITE_OK || defensive)
    return false;
  // SQLite refuses to prepare a write to sqlite_schema it does not allow.
  WritableSchema writable(db);
  try {
    Statement probe(db, kToIndex);
  } catch (const StorageError&) {
    return false;
  }
  return true;
}

}  // namespace

bool WriteSortedIndex(Database& db, const SortedIndexDef& def, const RowSource& records) {
  if (!SchemaWritable(db)) return false;
  // The names and types are the caller's constants, not user text.
  db.Exec((std::string("CREATE TABLE ") + kHelper + "(" + def.columns + ", PRIMARY KEY(" + def.names +
           ")) WITHOUT ROWID")
              .c_str());
  const std::vector<RecordColumn> layout = RecordColumns(db, kHelperKey);
  {
    RowsModule module(db, "kg_sorted_index_rows", records);
    // OR FAIL: no statement journal (a failure rolls back the caller's transaction).
    db.Exec((std::string("INSERT OR FAIL INTO ") + kHelper + "(" + def.names + ") SELECT " + def.names +
             " FROM kg_sorted_index_rows")
                .c_str());
  }
  {
    WritableSchema writable(db);
    Statement st(db, kToIndex);
    st.Bind(1, def.name);
    st.Bind(2, def.table);
    st.Bind(3, def.sql);
    st.Step();
    if (db.Changes() != 1)
      throw StorageError(std::string("could not turn the sorted records into index ") + def.name);
  }
  // The helper's CREATE TABLE changed the schema cookie, so other
  // connections reload the schema after the commit; this one reloaded it
  // (RESET). Its index must have the records' layout: the same columns in
  // the same order and collations (the rowid has no name).
  std::vector<RecordColumn> read_back = RecordColumns(db, def.name);
  for (size_t i = 0; i < read_back.size() && i < layout.size(); ++i)
    if (read_back[i].name.empty()) read_back[i].name = layout[i].name;
  if (read_back != layout)
    throw StorageError(std::string("index ") + def.name +
                       " written from sorted records does not match its definition");
  return true;
}

}  // namespace kg::graph
