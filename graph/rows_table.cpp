// The virtual table module behind RowsModule: each table reads one RowSource.
#include "graph/rows_table.h"

#include <cstring>
#include <string>

#include "graph/error.h"

namespace kg::graph {

namespace {

struct RowsTable {
  sqlite3_vtab base;  // first member: SQLite casts between the two
  const RowSource* source;
};

struct RowsCursor {
  sqlite3_vtab_cursor base;
  size_t row;
};

int RowsConnect(sqlite3* db, void* aux, int, const char* const*, sqlite3_vtab** out, char**) {
  const auto* source = static_cast<const RowSource*>(aux);
  int rc = sqlite3_declare_vtab(db, source->Declaration());
  if (rc != SQLITE_OK) return rc;
  auto* table = static_cast<RowsTable*>(sqlite3_malloc(sizeof(RowsTable)));
  if (!table) return SQLITE_NOMEM;
  std::memset(table, 0, sizeof(RowsTable));
  table->source = source;
  *out = &table->base;
  return SQLITE_OK;
}

int RowsDisconnect(sqlite3_vtab* table) {
  sqlite3_free(table);
  return SQLITE_OK;
}

int RowsBestIndex(sqlite3_vtab* table, sqlite3_index_info* info) {
  auto* t = reinterpret_cast<RowsTable*>(table);
  info->estimatedCost = static_cast<double>(t->source->Rows());
  return SQLITE_OK;
}

int RowsOpen(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
  auto* cursor = static_cast<RowsCursor*>(sqlite3_malloc(sizeof(RowsCursor)));
  if (!cursor) return SQLITE_NOMEM;
  std::memset(cursor, 0, sizeof(RowsCursor));
  *out = &cursor->base;
  return SQLITE_OK;
}

int RowsClose(sqlite3_vtab_cursor* cursor) {
  sqlite3_free(cursor);
  return SQLITE_OK;
}

int RowsFilter(sqlite3_vtab_cursor* cursor, int, const char*, int, sqlite3_value**) {
  reinterpret_cast<RowsCursor*>(cursor)->row = 0;
  return SQLITE_OK;
}

int RowsNext(sqlite3_vtab_cursor* cursor) {
  ++reinterpret_cast<RowsCursor*>(cursor)->row;
  return SQLITE_OK;
}

int RowsEof(sqlite3_vtab_cursor* cursor) {
  auto* c = reinterpret_cast<RowsCursor*>(cursor);
  return c->row >= reinterpret_cast<RowsTable*>(cursor->pVtab)->source->Rows();
}

int RowsColumn(sqlite3_vtab_cursor* cursor, sqlite3_context* ctx, int column) {
  auto* c = reinterpret_cast<RowsCursor*>(cursor);
  reinterpret_cast<RowsTable*>(cursor->pVtab)->source->Column(c->row, column, ctx);
  return SQLITE_OK;
}

int RowsRowid(sqlite3_vtab_cursor* cursor, sqlite3_int64* rowid) {
  *rowid = static_cast<sqlite3_int64>(reinterpret_cast<RowsCursor*>(cursor)->row + 1);
  return SQLITE_OK;
}

// xConnect (also as xCreate): the table is eponymous, usable by its name without CREATE VIRTUAL TABLE.
const sqlite3_module kRowsModule = {
    0,       RowsConnect, RowsConnect, RowsBestIndex, RowsDisconnect, RowsDisconnect,
    RowsOpen, RowsClose,  RowsFilter,  RowsNext,      RowsEof,        RowsColumn,
    RowsRowid, nullptr,   nullptr,     nullptr,       nullptr,        nullptr,
    nullptr,  nullptr,    nullptr,     nullptr,       nullptr,        nullptr};

}  // namespace

RowsModule::RowsModule(Database& db, const char* name, const RowSource& source) : db_(db), name_(name) {
  if (sqlite3_create_module_v2(db_.handle(), name_, &kRowsModule, const_cast<RowSource*>(&source), nullptr) !=
      SQLITE_OK)
    throw StorageError(std::string("cannot register the table ") + name_ + ": " + sqlite3_errmsg(db_.handle()));
}

RowsModule::~RowsModule() {
  // A null module unregisters the name.
  sqlite3_create_module_v2(db_.handle(), name_, nullptr, nullptr, nullptr);
}

}  // namespace kg::graph
