// Thin RAII wrappers over the SQLite C API: Database, Statement, Transaction.
// Values are always bound as parameters; SQL text is built from constants only.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "graph/error.h"

namespace kg::graph {

// Owns one sqlite3 connection. Movable, not copyable. Not thread-safe: use
// one Database per thread.
class Database {
 public:
  enum class Mode { kReadOnly, kReadWrite, kReadWriteCreate };

  // Opens `path`. Throws StorageError naming the path when it cannot.
  Database(const std::string& path, Mode mode);
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // How long a statement waits for another connection's lock before it
  // fails with "database is locked": kBusyTimeoutMs unless set otherwise.
  static constexpr int kBusyTimeoutMs = 5000;
  void SetBusyTimeout(int ms) { sqlite3_busy_timeout(db_, ms); }

  // Runs one or more statements that take no parameters and return no rows.
  void Exec(const char* sql);
  sqlite3* handle() const { return db_; }
  int64_t LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// Owns one prepared statement. Parameters are 1-based, as in SQLite.
// REQUIRES: the Database outlives the Statement.
class Statement {
 public:
  Statement() = default;
  // Prepares `sql`; throws StorageError with SQLite's message and the offset
  // of the error in the SQL text.
  Statement(const Database& db, const char* sql);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view value);  // copied (SQLITE_TRANSIENT)
  Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, const std::string& value) { return Bind(index, std::string_view(value)); }
  Statement& BindBlob(int index, const void* data, int size);
  Statement& BindNull(int index);
  // Binds the value, or NULL when it is empty.
  template <typename T>
  Statement& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }

  // Steps once. Returns true when a row is available, false when done.
  // Throws StorageError on failure (constraint violations included).
  bool Step();
  // Steps to completion, expecting no row.
  void Run();
  // Resets the statement and clears its bindings.
  void Reset();

  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  int64_t ColumnInt(int col) const { return sqlite3_column_int64(stmt_, col); }
  double ColumnDouble(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string ColumnText(int col) const;
  std::string_view ColumnView(int col) const;  // valid until the next Step/Reset
  std::optional<std::string> ColumnOptText(int col) const;
  sqlite3_stmt* handle() const { return stmt_; }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN on construction; ROLLBACK in the destructor unless Commit() ran.
class Transaction {
 public:
  explicit Transaction(Database& db, bool immediate = true);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void Commit();

 private:
  Database* db_;
  bool done_ = false;
};

}  // namespace kg::graph
