// CSV and JSON bulk import. Every row is read and checked before anything is
// written. A second thread reads the relationship files while this one
// parses the nodes (which fixes their ids); it then maps the relationships'
// ends to node ids and sorts them while this one writes the nodes. Rows are
// written by INSERT ... SELECT from virtual tables over them (much cheaper
// than a bind/step per row). A bad row stops the writes; later rows are
// still checked so the report lists every problem (up to a cap), then the
// transaction rolls back. For big loads the indexes are dropped first and
// rebuilt from their own definitions inside the same transaction (one sort
// per index instead of millions of B-tree inserts), except rels_src_type:
// the relationships arrive in its order, so SQLite appends to it. When they
// are all of rels, rels_dst_type is written from keys sorted here too (see
// CsvLoader::BuildEndIndex).
#include "graph/csv_import.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <chrono>
#include <ctime>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <new>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>

#include "graph/csv.h"
#include "graph/rows_table.h"
#include "graph/sorted_index.h"

namespace kg::graph {

namespace {

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    out += lines[i];
  }
  return out;
}

}  // namespace

ImportError::ImportError(std::vector<std::string> problems)
    : Error(JoinLines(problems)), problems_(std::move(problems)) {}

namespace {

enum class ColumnKind { kId, kLabel, kStartId, kEndId, kType, kIgnore, kProperty };
enum class ScalarType { kString, kInt, kFloat, kBool };

struct Column {
  ColumnKind kind = ColumnKind::kProperty;
  std::string name;   // property name ("" for pure id / label / type columns)
  std::string space;  // id space of ID / START_ID / END_ID columns
  ScalarType type = ScalarType::kString;
  bool array = false;
  bool plain_id = false;  // plain format: keep the id as property `id`, int when it is one
};

struct Header {
  bool neo4j = false;
  std::vector<Column> columns;
  int id = -1, label = -1, start = -1, end = -1, type = -1;
  bool has_properties = false;
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Parses "KIND" or "KIND(space)"; returns false when `spec` is not `kind`.
bool MatchSpecial(std::string_view spec, std::string_view kind, std::string* space) {
  std::string upper = Lower(spec);
  std::string want = Lower(kind);
  if (upper == want) return true;
  if (upper.size() > want.size() + 1 && upper.compare(0, want.size(), want) == 0 &&
      spec[want.size()] == '(' && spec.back() == ')') {
    *space = std::string(spec.substr(want.size() + 1, spec.size() - want.size() - 2));
    return true;
  }
  return false;
}

// Tries to read `cell` as a neo4j-admin header field. Returns nullopt for a
// cell with no recognised `:type` suffix.
std::optional<Column> ParseNeo4jCell(std::string_view cell) {
  auto colon = cell.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  Column col;
  col.name = std::string(cell.substr(0, colon));
  std::string_view spec = cell.substr(colon + 1);
  if (MatchSpecial(spec, "ID", &col.space)) {
    col.kind = ColumnKind::kId;
  } else if (MatchSpecial(spec, "START_ID", &col.space)) {
    col.kind = ColumnKind::kStartId;
  } else if (MatchSpecial(spec, "END_ID", &col.space)) {
    col.kind = ColumnKind::kEndId;
  } else if (Lower(spec) == "label") {
    col.kind = ColumnKind::kLabel;
  } else if (Lower(spec) == "type") {
    col.kind = ColumnKind::kType;
  } else if (Lower(spec) == "ignore") {
    col.kind = ColumnKind::kIgnore;
  } else {
    std::string t = Lower(spec);
    if (t.size() > 2 && t.compare(t.size() - 2, 2, "[]") == 0) {
      col.array = true;
      t.resize(t.size() - 2);
    }
    if (t == "int" || t == "long" || t == "short" || t == "byte") {
      col.type = ScalarType::kInt;
    } else if (t == "float" || t == "double") {
      col.type = ScalarType::kFloat;
    } else if (t == "boolean") {
      col.type = ScalarType::kBool;
    } else if (t == "string" || t == "char" || t == "date" || t == "datetime" ||
               t == "localdatetime" || t == "time" || t == "localtime" || t == "duration" ||
               t == "point") {
      col.type = ScalarType::kString;
    } else {
      return std::nullopt;
    }
    if (col.name.empty()) return std::nullopt;
  }
  return col;
}

Header ParseHeader(CsvReader& reader, bool nodes) {
  if (!reader.Next()) throw ImportError({reader.path() + ":1: empty file (no header line)"});
  const auto& cells = reader.fields();
  std::vector<std::optional<Column>> neo(cells.size());
  for (size_t i = 0; i < cells.size(); ++i) neo[i] = ParseNeo4jCell(cells[i].text);
  // One special column (:ID, :LABEL, ...) makes the whole header neo4j-admin's.
  Header h;
  for (const auto& c : neo)
    if (c && c->kind != ColumnKind::kProperty) h.neo4j = true;
  std::string where = reader.Where();
  for (size_t i = 0; i < cells.size(); ++i) {
    std::string cell(cells[i].text);
    Column col;
    if (h.neo4j) {
      if (neo[i]) {
        col = *neo[i];
      } else if (cell.find(':') != std::string::npos) {
        throw ImportError({where + ": unknown type in header column '" + cell + "'"});
      } else {
        col.name = cell;  // untyped: string
      }
    } else {
      std::string lower = Lower(cell);
      col.name = cell;
      if (nodes && lower == "id") {
        col.kind = ColumnKind::kId;
        col.plain_id = true;
      } else if (nodes && (lower == "label" || lower == "labels")) {
        col.kind = ColumnKind::kLabel;
      } else if (!nodes && (lower == "src" || lower == "start" || lower == "source")) {
        col.kind = ColumnKind::kStartId;
      } else if (!nodes && (lower == "dst" || lower == "end" || lower == "target")) {
        col.kind = ColumnKind::kEndId;
      } else if (!nodes && lower == "type") {
        col.kind = ColumnKind::kType;
      }
    }
    if (col.kind != ColumnKind::kProperty && col.kind != ColumnKind::kId) col.name.clear();
    if (col.kind == ColumnKind::kProperty && col.name.empty())
      throw ImportError({where + ": header column " + std::to_string(i + 1) + " has no name"});
    // The special columns: which slot they fill, and in which kind of file.
    int* slot = nullptr;
    const char* what = "";
    bool nodes_only = true;
    switch (col.kind) {
      case ColumnKind::kId: slot = &h.id, what = ":ID"; break;
      case ColumnKind::kLabel: slot = &h.label, what = ":LABEL"; break;
      case ColumnKind::kStartId: slot = &h.start, what = ":START_ID", nodes_only = false; break;
      case ColumnKind::kEndId: slot = &h.end, what = ":END_ID", nodes_only = false; break;
      case ColumnKind::kType: slot = &h.type, what = ":TYPE", nodes_only = false; break;
      case ColumnKind::kIgnore: break;
      case ColumnKind::kProperty: h.has_properties = true; break;
    }
    if (slot) {
      if (nodes_only != nodes)
        throw ImportError({where + ": column '" + cell + "' does not belong in a " +
                           (nodes ? "nodes" : "relationships") + " file"});
      if (*slot >= 0) throw ImportError({where + ": more than one " + what + " column"});
      *slot = static_cast<int>(i);
    }
    if (col.kind == ColumnKind::kId && !col.name.empty()) h.has_properties = true;
    h.columns.push_back(std::move(col));
  }
  if (nodes && !h.neo4j && h.id < 0)
    throw ImportError({where + ": a nodes file needs an 'id' column (plain format: id,label,name) "
                       "or neo4j-admin headers (:ID, :LABEL, ...)"});
  if (!nodes && (h.start < 0 || h.end < 0 || h.type < 0))
    throw ImportError({where + ": a relationships file needs start, end and type columns " +
                       (h.neo4j ? "(:START_ID, :END_ID, :TYPE)" : "(src,dst,type)")});
  return h;
}

// A canonical decimal integer ("0", "42", "-7"; no sign "+", no leading zero).
std::optional<int64_t> CanonicalInt(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size() || (s[i] == '0' && s.size() > i + 1) || (i == 1 && s == "-0"))
    return std::nullopt;
  int64_t v = 0;
  for (size_t k = i; k < s.size(); ++k) {
    char c = s[k];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return i ? -v : v;
}

// Maps one id space's file ids to node ids. Canonical integers are keyed by
// value (a dense vector for small ones), other ids by text.
class IdSpace {
 public:
  // Returns false when `id` is already mapped.
  bool Insert(std::string_view id, NodeId node) {
    if (auto v = CanonicalInt(id)) {
      int64_t k = *v;
      // Still a run? (node = k + offset for every id so far; the ids then
      // are run_first_, run_first_ + 1, ... as node ids are given in order.)
      if (count_ == 0) {
        run_first_ = k;
        run_offset_ = node - k;
      } else if (run_ && (k != run_first_ + count_ || node - k != run_offset_)) {
        run_ = false;
      }
      if (k >= 0 && static_cast<uint64_t>(k) < DenseLimit()) {
        if (static_cast<size_t>(k) >= dense_.size()) dense_.resize(static_cast<size_t>(k) + 1, 0);
        if (dense_[static_cast<size_t>(k)] != 0) return false;
        dense_[static_cast<size_t>(k)] = node;
        ++count_;
        return true;
      }
      if (k >= 0 && static_cast<size_t>(k) < dense_.size() && dense_[static_cast<size_t>(k)] != 0)
        return false;
      bool added = sparse_.emplace(k, node).second;
      count_ += added;
      return added;
    }
    bool added = strings_.emplace(std::string(id), node).second;
    count_ += added;
    run_ = false;
    return added;
  }

  // The node of `id`, 0 when there is none.
  NodeId Find(std::string_view id) const {
    if (auto v = CanonicalInt(id)) return FindInt(*v);
    auto it = strings_.find(std::string(id));
    return it == strings_.end() ? 0 : it->second;
  }

  // The node of the id whose text is the canonical integer `k`.
  NodeId FindInt(int64_t k) const {
    // Ids 0..n-1 in file order (the common case) map without a memory
    // lookup; the dense vector is megabytes and read in random order.
    if (run_) return k >= run_first_ && k - run_first_ < count_ ? k + run_offset_ : 0;
    if (k >= 0 && static_cast<size_t>(k) < dense_.size() && dense_[static_cast<size_t>(k)] != 0)
      return dense_[static_cast<size_t>(k)];
    auto it = sparse_.find(k);
    return it == sparse_.end() ? 0 : it->second;
  }

 private:
  uint64_t DenseLimit() const { return 4 * static_cast<uint64_t>(count_) + (uint64_t{1} << 20); }

  std::vector<NodeId> dense_;  // 0 = absent (node ids start at 1)
  std::unordered_map<int64_t, NodeId> sparse_;
  std::unordered_map<std::string, NodeId> strings_;
  int64_t count_ = 0;
  bool run_ = true;  // every id so far is a canonical integer in a run (see Insert)
  int64_t run_first_ = 0;
  int64_t run_offset_ = 0;
};

// Problems found in the input, up to a cap; readers stop once it is full().
class Problems {
 public:
  explicit Problems(size_t max) : max_(max) {}
  void Add(std::string message) {
    if (full()) return;
    problems_.push_back(std::move(message));
    if (full()) problems_.push_back("(stopped after " + std::to_string(max_) + " problems)");
  }
  void Append(const Problems& other) {
    for (const auto& p : other.problems_) {
      if (full()) break;
      problems_.push_back(p);
    }
  }
  bool any() const { return !problems_.empty(); }
  bool full() const { return problems_.size() >= max_; }
  void ThrowIfAny() {
    if (!problems_.empty()) throw ImportError(std::move(problems_));
  }

 private:
  size_t max_;
  std::vector<std::string> problems_;
};

// Parses `text` as one value of `type`; nullopt when it is not one.
std::optional<Value> ParseScalar(std::string_view text, ScalarType type) {
  switch (type) {
    case ScalarType::kString: return Value(std::string(text));
    case ScalarType::kInt: {
      auto t = Trim(text);
      int64_t v = 0;
      if (!t.empty() && t[0] == '+') t.remove_prefix(1);
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (ec != std::errc() || p != t.data() + t.size() || t.empty()) return std::nullopt;
      return Value(v);
    }
    case ScalarType::kFloat: {
      auto t = Trim(text);
      if (!t.empty() && t[0] == '+') t.remove_prefix(1);
      std::string lower = Lower(t);
      if (lower == "nan") return Value(std::nan(""));
      if (lower == "inf" || lower == "infinity") return Value(HUGE_VAL);
      if (lower == "-inf" || lower == "-infinity") return Value(-HUGE_VAL);
      double v = 0;
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (ec != std::errc() || p != t.data() + t.size() || t.empty()) return std::nullopt;
      return Value(v);
    }
    case ScalarType::kBool: {
      std::string lower = Lower(Trim(text));
      if (lower == "true") return Value(true);
      if (lower == "false") return Value(false);
      return std::nullopt;
    }
  }
  return std::nullopt;
}

const char* TypeName(ScalarType t) {
  switch (t) {
    case ScalarType::kString: return "string";
    case ScalarType::kInt: return "integer";
    case ScalarType::kFloat: return "float";
    case ScalarType::kBool: return "boolean";
  }
  return "?";
}

// Sets the properties of one row. Returns false (after reporting) on a value
// that does not fit its column.
bool ReadProperties(const Header& h, const CsvReader& reader, char array_delimiter,
                    Properties& props, Problems& problems) {
  const auto& fields = reader.fields();
  bool ok = true;
  for (size_t i = 0; i < h.columns.size(); ++i) {
    const Column& col = h.columns[i];
    if (col.name.empty()) continue;
    if (col.kind != ColumnKind::kProperty && col.kind != ColumnKind::kId) continue;
    const CsvField& f = fields[i];
    if (col.plain_id) {
      if (auto v = CanonicalInt(f.text))
        props[col.name] = Value(*v);
      else
        props[col.name] = Value(std::string(f.text));
      continue;
    }
    // neo4j-admin: an empty unquoted field sets nothing.
    if (f.text.empty() && !(f.quoted && (col.type == ScalarType::kString || col.array))) continue;
    if (!h.neo4j) {
      props[col.name] = Value(std::string(f.text));
      continue;
    }
    if (col.array) {
      // Every piece between delimiters is one element; "" is the empty list.
      List list;
      bool bad = false;
      std::string_view rest = f.text;
      while (!f.text.empty()) {
        auto cut = rest.find(array_delimiter);
        std::string_view item = rest.substr(0, cut);
        auto v = ParseScalar(item, col.type);
        if (!v) {
          problems.Add(reader.Where() + ": column '" + col.name + "': '" + std::string(item) +
                       "' is not a " + TypeName(col.type));
          bad = true;
          break;
        }
        list.push_back(std::move(*v));
        if (cut == std::string_view::npos) break;
        rest.remove_prefix(cut + 1);
      }
      if (bad) {
        ok = false;
        continue;
      }
      props[col.name] = Value(std::move(list));
      continue;
    }
    auto v = ParseScalar(f.text, col.type);
    if (!v) {
      problems.Add(reader.Where() + ": column '" + col.name + "': '" + std::string(f.text) +
                   "' is not a " + TypeName(col.type));
      ok = false;
      continue;
    }
    props[col.name] = std::move(*v);
  }
  return ok;
}

std::vector<std::string> SplitLabels(std::string_view text, char delimiter) {
  std::vector<std::string> labels;
  while (true) {
    auto cut = text.find(delimiter);
    auto label = Trim(text.substr(0, cut));
    if (!label.empty()) labels.emplace_back(label);
    if (cut == std::string_view::npos) break;
    text.remove_prefix(cut + 1);
  }
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  return labels;
}

int64_t ScalarInt(const Database& db, const char* sql) {
  Statement st(db, sql);
  st.Step();
  return st.IsNull(0) ? 0 : st.ColumnInt(0);
}

// Connection settings for a bulk load, restored on scope exit. PRAGMAs that
// change journaling or foreign keys are no-ops inside a transaction, so this
// wraps the write transaction.
class BulkSettings {
 public:
  BulkSettings(Database& db, bool new_file) : db_(db), new_file_(new_file) {
    // Rows are checked here before they are written: SQLite's per-row foreign
    // key lookups would only repeat that work. The page cache keeps its
    // default size: a bigger one makes CREATE INDEX's sorter slower (it sorts
    // one huge in-memory run instead of merging small ones).
    db_.Exec("PRAGMA foreign_keys=OFF");
    // CREATE INDEX sorts with helper threads when there are spare cores
    // (measured on 2 idle cores: the (dst, type) index 1.08 -> 0.86 s).
    unsigned cores = std::thread::hardware_concurrency();
    if (cores > 1)
      db_.Exec(("PRAGMA threads=" + std::to_string(std::min(cores, 4u))).c_str());
    if (new_file_) {
      db_.Exec("PRAGMA journal_mode=OFF");
      db_.Exec("PRAGMA synchronous=OFF");
    }
  }
  ~BulkSettings() {
    auto* h = db_.handle();
    if (new_file_) {
      sqlite3_exec(h, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
      sqlite3_exec(h, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    }
    sqlite3_exec(h, "PRAGMA foreign_keys=ON", nullptr, nullptr, nullptr);
    sqlite3_exec(h, "PRAGMA threads=0", nullptr, nullptr, nullptr);
  }
  BulkSettings(const BulkSettings&) = delete;
  BulkSettings& operator=(const BulkSettings&) = delete;

 private:
  Database& db_;
  bool new_file_;
};

// SQLite's descriptor of the database file (found in /proc/self/fd), or -1.
// Only for StartWriteback: closing another descriptor on the file would drop
// SQLite's locks, so none is opened.
int DatabaseFd(Database& db) {
#ifdef __linux__
  const char* path = sqlite3_db_filename(db.handle(), "main");
  struct stat want {};
  if (!path || !*path || ::stat(path, &want) != 0) return -1;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    int fd = 0;
    const std::string name = entry.path().filename().string();
    auto [p, err] = std::from_chars(name.data(), name.data() + name.size(), fd);
    if (err != std::errc() || p != name.data() + name.size()) continue;
    struct stat got {};
    if (::fstat(fd, &got) == 0 && S_ISREG(got.st_mode) && got.st_dev == want.st_dev &&
        got.st_ino == want.st_ino)
      return fd;
  }
#else
  (void)db;
#endif
  return -1;
}

// Starts writing the file's dirty pages to disk (Linux; may wait for the
// device queue, not for the writes). A new file is loaded without syncs, and
// the one at the end (when journaling comes back) then has less left to
// write: at M it waited 0.3-0.4 s for some 150 MB.
void StartWriteback(int fd) {
#ifdef __linux__
  if (fd >= 0) ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
  (void)fd;
#endif
}

// The indexes of one table, dropped for a bulk load and recreated from their
// own stored definitions afterwards. `keep` names an index left in place
// (one the rows arrive sorted for).
class DroppedIndexes {
 public:
  DroppedIndexes(Database& db, const char* table, const char* keep = "") : db_(db) {
    Statement st(db_, "SELECT name, sql FROM sqlite_schema WHERE type='index' AND tbl_name=?1 "
                      "AND sql IS NOT NULL AND name<>?2 ORDER BY name");
    st.Bind(1, table);
    st.Bind(2, keep);
    while (st.Step()) indexes_.emplace_back(st.ColumnText(0), st.ColumnText(1));
    for (const auto& [name, sql] : indexes_) {
      // Index names come from the schema itself; quote them as identifiers.
      std::string quoted = "\"";
      for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
      quoted += '"';
      db_.Exec(("DROP INDEX " + quoted).c_str());
    }
  }
  void Rebuild() {
    for (const auto& [name, sql] : indexes_) db_.Exec(sql.c_str());
    indexes_.clear();
  }
  // Removes index `name` from those Rebuild() creates, when its definition
  // is `sql` (the caller then builds it itself). Returns whether it did.
  bool Take(std::string_view name, std::string_view sql) {
    for (auto it = indexes_.begin(); it != indexes_.end(); ++it) {
      if (it->first != name) continue;
      if (it->second != sql) return false;
      indexes_.erase(it);
      return true;
    }
    return false;
  }

 private:
  Database& db_;
  std::vector<std::pair<std::string, std::string>> indexes_;
};

// EncodeProperties' exact output for the common case (integers, booleans and
// printable ASCII strings), without building a JSON tree per row; anything
// else goes through EncodeProperties.
void EncodePropertiesFast(const Properties& props, std::string& out) {
  out.clear();
  if (props.empty()) {
    out = "{}";
    return;
  }
  auto simple_string = [](const std::string& s) {
    for (unsigned char c : s)
      if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') return false;
    return true;
  };
  out.push_back('{');
  for (const auto& [key, value] : props) {
    if (!simple_string(key)) {
      out = EncodeProperties(props);
      return;
    }
    if (out.size() > 1) out.push_back(',');
    out.push_back('"');
    out += key;
    out += "\":";
    if (value.is_int()) {
      out += std::to_string(value.as_int());
    } else if (value.is_bool()) {
      out += value.as_bool() ? "true" : "false";
    } else if (value.is_string() && simple_string(value.as_string())) {
      out.push_back('"');
      out += value.as_string();
      out.push_back('"');
    } else {
      out = EncodeProperties(props);
      return;
    }
  }
  out.push_back('}');
}

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

// 16 bytes: the ends are node ids minus the import's first node id (an
// import holds fewer than 2^32 nodes).
struct PendingRel {
  uint32_t start, end;
  uint32_t type;   // index into the loader's type names
  uint32_t props;  // index into the loader's encoded property maps (0 = "{}")
};

// Allocates big blocks on 2 MiB boundaries and asks for transparent huge
// pages: tens of MB of rows then cost a few dozen page faults instead of
// thousands (each one is expensive on a VM).
template <typename T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr size_t kHugePage = size_t{2} << 20;
  HugePageAllocator() = default;
  template <typename U>
  explicit HugePageAllocator(const HugePageAllocator<U>&) noexcept {}
  T* allocate(size_t n) {
    size_t bytes = n * sizeof(T);
    void* p = nullptr;
    if (bytes >= kHugePage) {
      size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
      p = std::aligned_alloc(kHugePage, rounded);
      if (p) ::madvise(p, rounded, MADV_HUGEPAGE);
    } else {
      p = std::malloc(bytes ? bytes : 1);
    }
    if (!p) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) noexcept { std::free(p); }
  bool operator==(const HugePageAllocator&) const noexcept { return true; }
};

using PendingRels = std::vector<PendingRel, HugePageAllocator<PendingRel>>;
using TextBuffer = std::basic_string<char, std::char_traits<char>, HugePageAllocator<char>>;
using Keys = std::vector<uint64_t, HugePageAllocator<uint64_t>>;

uint64_t ShiftLeft(uint64_t v, int bits) { return bits >= 64 ? 0 : v << bits; }
uint64_t LowMask(int bits) { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }

// The definition of the index a new import builds from sorted rows (see
// CsvLoader::BuildEndIndex): its key is (dst, type, id).
constexpr std::string_view kRelsDstTypeName = "rels_dst_type";
constexpr std::string_view kRelsDstTypeSql = "CREATE INDEX rels_dst_type ON rels(dst, type)";
// Its records: column types as in rels (INTEGER, TEXT, and the rowid).
constexpr SortedIndexDef kRelsDstType = {"rels_dst_type", "rels", kRelsDstTypeSql.data(),
                                         "dst INTEGER, type TEXT, id INTEGER", "dst, type, id"};

// Relationships in the order of rels_dst_type, each packed in 64 bits: from
// high to low, the end node (minus the import's first node), the type's rank
// (types are sorted by then) and the row's index (the id minus the first id).
struct EndOrder {
  Keys keys;
  int type_bits = 0, row_bits = 0;
};

// The rows of rels_dst_type: kg_import_rels_by_end(dst, type, id).
class EndOrderRows : public RowSource {
 public:
  EndOrderRows(const EndOrder& order, NodeId first_node, RelId first_rel,
               const std::deque<std::string>& types)
      : order_(order), first_node_(first_node), first_rel_(first_rel), types_(types) {}
  const char* Declaration() const override {
    return "CREATE TABLE x(dst INTEGER, type TEXT, id INTEGER)";
  }
  size_t Rows() const override { return order_.keys.size(); }
  void Column(size_t row, int column, sqlite3_context* ctx) const override {
    const uint64_t key = order_.keys[row];
    switch (column) {
      case 0: {
        const int shift = order_.type_bits + order_.row_bits;
        const uint64_t end = shift >= 64 ? 0 : key >> shift;
        sqlite3_result_int64(ctx, first_node_ + static_cast<int64_t>(end));
        break;
      }
      case 1: {
        const std::string& type =
            types_[static_cast<size_t>((key >> order_.row_bits) & LowMask(order_.type_bits))];
        sqlite3_result_text(ctx, type.data(), static_cast<int>(type.size()), SQLITE_STATIC);
        break;
      }
      default:
        sqlite3_result_int64(ctx, first_rel_ + static_cast<int64_t>(key & LowMask(order_.row_bits)));
    }
  }

 private:
  const EndOrder& order_;
  NodeId first_node_;
  RelId first_rel_;
  const std::deque<std::string>& types_;
};

// The checked relationships: kg_import_rels(src, dst, type, props).
class RelRows : public RowSource {
 public:
  RelRows(const PendingRels& rows, NodeId first_node, const std::deque<std::string>& types,
          const std::vector<std::string>& props)
      : rows_(rows), first_node_(first_node), types_(types), props_(props) {}
  const char* Declaration() const override { return kRelationshipRowsDeclaration; }
  size_t Rows() const override { return rows_.size(); }
  void Column(size_t row, int column, sqlite3_context* ctx) const override {
    const PendingRel& rel = rows_[row];
    switch (column) {
      case 0: sqlite3_result_int64(ctx, first_node_ + rel.start); break;
      case 1: sqlite3_result_int64(ctx, first_node_ + rel.end); break;
      case 2: {
        const std::string& type = types_[rel.type];
        sqlite3_result_text(ctx, type.data(), static_cast<int>(type.size()), SQLITE_STATIC);
        break;
      }
      default: {
        const std::string& props = props_[rel.props];
        sqlite3_result_text(ctx, props.data(), static_cast<int>(props.size()), SQLITE_STATIC);
      }
    }
  }

 private:
  const PendingRels& rows_;
  NodeId first_node_;
  const std::deque<std::string>& types_;
  const std::vector<std::string>& props_;
};

class CsvLoader {
 public:
  CsvLoader(Store& store, const CsvImportOptions& options)
      : store_(store),
        db_(store.db()),
        options_(options),
        problems_(options.max_problems) {
    next_node_ = first_node_ = store.MaxNodeId() + 1;
    next_rel_ = store.MaxRelationshipId() + 1;
  }

  ImportStats Run() {
    auto t0 = std::chrono::steady_clock::now();
    // Rebuilding an index costs a sort of the whole table: worth it when the
    // load is large next to what is already there.
    std::optional<DroppedIndexes> dropped_node_indexes, dropped_label_indexes, dropped_rel_indexes;
    if (BigLoad(options_.node_files, "SELECT count(*) FROM nodes")) {
      dropped_node_indexes.emplace(db_, "nodes");
      dropped_label_indexes.emplace(db_, "node_labels");
    }
    const bool big_rels = BigLoad(options_.relationship_files, "SELECT count(*) FROM rels");
    const bool rels_empty = ScalarInt(db_, "SELECT EXISTS(SELECT 1 FROM rels)") == 0;
    const int db_fd = options_.new_file ? DatabaseFd(db_) : -1;
    // A second thread reads the relationships while this one parses the
    // nodes, then maps their ends to node ids, checks and sorts them while
    // this one writes the nodes and rebuilds their indexes (SQLite stays on
    // this thread).
    std::promise<NodesParsed> nodes_promise;
    std::shared_future<NodesParsed> nodes_parsed = nodes_promise.get_future().share();
    Problems rel_problems(options_.max_problems);
    std::exception_ptr rel_error;
    std::thread reader([&] {
      try {
        auto start = std::chrono::steady_clock::now();
        if (!ReadRelationshipsEarly(nodes_parsed) &&
            nodes_parsed.get() != NodesParsed::kFailed) {
          // The usual way: the node ids are known, every row is checked as
          // it is read and problems are listed in file order.
          ResetRelationships();
          for (const auto& file : options_.relationship_files) ReadRelationships(file, rel_problems);
        }
        stats_.rel_read_seconds = SecondsSince(start);
        start = std::chrono::steady_clock::now();
        if (big_rels && !rel_problems.any() && nodes_parsed.get() == NodesParsed::kOk)
          SortPendingRelationships();
        stats_.rel_sort_seconds = SecondsSince(start);
      } catch (...) {
        rel_error = std::current_exception();
      }
    });
    try {
      try {
        for (const auto& file : options_.node_files) ParseNodes(file);
      } catch (...) {
        nodes_promise.set_value(NodesParsed::kFailed);
        throw;
      }
      nodes_promise.set_value(problems_.any() ? NodesParsed::kProblems : NodesParsed::kOk);
      stats_.node_parse_seconds = SecondsSince(t0);
      if (!problems_.any()) {
        auto start = std::chrono::steady_clock::now();
        WriteNodes();
        if (dropped_node_indexes) dropped_node_indexes->Rebuild();
        if (dropped_label_indexes) dropped_label_indexes->Rebuild();
        StartWriteback(db_fd);
        stats_.node_write_seconds = SecondsSince(start);
      }
    } catch (...) {
      reader.join();
      throw;
    }
    reader.join();
    stats_.nodes_seconds = SecondsSince(t0);
    t0 = std::chrono::steady_clock::now();
    if (rel_error) std::rethrow_exception(rel_error);
    problems_.Append(rel_problems);
    problems_.ThrowIfAny();
    // The rows come sorted as rels_src_type orders them, and get increasing
    // ids: SQLite appends each key at the end of that index (it checks the
    // last leaf page before searching from the root), which costs less than
    // sorting them again in CREATE INDEX. The (dst, type) index would take
    // its keys in random order: it is rebuilt afterwards.
    if (big_rels) dropped_rel_indexes.emplace(db_, "rels", "rels_src_type");
    // When these rows are all of rels, (dst, type) index keys sorted on the
    // second thread while SQLite writes the rows make that index without
    // CREATE INDEX's scan and sort (BuildEndIndex).
    const bool end_index = dropped_rel_indexes && rels_empty &&
                           dropped_rel_indexes->Take(kRelsDstTypeName, kRelsDstTypeSql);
    const RelId first_rel = next_rel_;
    EndOrder end_order;
    {
      std::exception_ptr sort_error;
      std::jthread sorter;
      if (end_index) {
        sorter = std::jthread([&] {
          try {
            end_order = SortByEnd();
          } catch (...) {
            sort_error = std::current_exception();
          }
        });
      }
      WriteRelationships();
      if (sorter.joinable()) sorter.join();
      if (sort_error) std::rethrow_exception(sort_error);
    }
    pending_.clear();
    pending_.shrink_to_fit();
    // The rows go to disk while the last index is built.
    std::jthread writeback([db_fd] { StartWriteback(db_fd); });
    stats_.relationships_seconds = SecondsSince(t0);
    t0 = std::chrono::steady_clock::now();
    if (end_index && (stats_.relationships == 0 || end_order.keys.empty() ||
                      !BuildEndIndex(end_order, first_rel)))
      db_.Exec(std::string(kRelsDstTypeSql).c_str());
    end_order.keys = Keys();
    if (dropped_rel_indexes) dropped_rel_indexes->Rebuild();
    stats_.index_seconds = SecondsSince(t0);
    return stats_;
  }

 private:
  // True when the files hold far more rows (estimated from their size) than
  // the table already has.
  bool BigLoad(const std::vector<std::string>& files, const char* count_sql) {
    uintmax_t bytes = 0;
    for (const auto& file : files) {
      std::error_code ec;
      auto size = std::filesystem::file_size(file, ec);
      if (!ec) bytes += size;
    }
    if (bytes < (uintmax_t{64} << 10)) return false;
    return bytes / 24 > static_cast<uintmax_t>(ScalarInt(db_, count_sql));
  }

  IdSpace& Space(const std::string& name) { return spaces_[name]; }

  uint32_t InternType(std::string_view type) {
    auto it = type_index_.find(type);
    if (it != type_index_.end()) return it->second;
    types_.emplace_back(type);
    auto index = static_cast<uint32_t>(types_.size() - 1);
    type_index_.emplace(types_.back(), index);
    return index;
  }

  // How ParseNodes encodes the properties of a row without a Properties map:
  // the property columns in key order, when that gives exactly what
  // ReadProperties + EncodePropertiesFast would (no two columns with one
  // name; string, integer and boolean columns only; keys that need no JSON
  // escape). Rows it cannot encode so still take the general path.
  struct FastNodeRows {
    bool usable = false;
    std::vector<size_t> columns;  // sorted by property name
    std::vector<std::string> keys;  // "\"name\":" for each of columns
    int name = -1;                  // the column of property `name`, if any
  };

  static bool SimpleJsonString(std::string_view s) {
    for (unsigned char c : s)
      if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') return false;
    return true;
  }

  static FastNodeRows PlanFastNodeRows(const Header& h) {
    FastNodeRows plan;
    for (size_t i = 0; i < h.columns.size(); ++i) {
      const Column& col = h.columns[i];
      if (col.name.empty()) continue;
      if (col.kind != ColumnKind::kProperty && col.kind != ColumnKind::kId) continue;
      if (!SimpleJsonString(col.name)) return plan;
      if (h.neo4j && !col.plain_id &&
          (col.array || (col.type != ScalarType::kString && col.type != ScalarType::kInt &&
                         col.type != ScalarType::kBool)))
        return plan;
      plan.columns.push_back(i);
    }
    std::sort(plan.columns.begin(), plan.columns.end(),
              [&](size_t a, size_t b) { return h.columns[a].name < h.columns[b].name; });
    for (size_t k = 0; k < plan.columns.size(); ++k) {
      const std::string& name = h.columns[plan.columns[k]].name;
      if (k > 0 && name == h.columns[plan.columns[k - 1]].name) return plan;
      plan.keys.push_back("\"" + name + "\":");
      if (name == "name") plan.name = static_cast<int>(plan.columns[k]);
    }
    plan.usable = true;
    return plan;
  }

  // Appends the row's encoded properties to `out`, and sets where in `out`
  // the text of a string property `name` is (name_size -1: none; the JSON
  // string needs no escape, so its text is the name). Returns false, with
  // `out` as it was, when the row needs the general path (which includes
  // every row ReadProperties would report).
  static bool EncodeNodeRowFast(const Header& h, const FastNodeRows& plan,
                                const std::vector<CsvField>& fields, TextBuffer& out,
                                size_t& name_begin, int64_t& name_size) {
    const size_t mark = out.size();
    name_size = -1;
    out.push_back('{');
    bool first = true;
    char digits[24];
    for (size_t k = 0; k < plan.columns.size(); ++k) {
      const size_t i = plan.columns[k];
      const Column& col = h.columns[i];
      const CsvField& f = fields[i];
      std::string_view value;  // JSON text to append
      bool is_string = false;
      if (col.plain_id) {
        // A canonical integer's text is its decimal form.
        is_string = !CanonicalInt(f.text);
        value = f.text;
      } else {
        // An empty unquoted field sets nothing.
        if (f.text.empty() && !(f.quoted && col.type == ScalarType::kString)) continue;
        if (!h.neo4j || col.type == ScalarType::kString) {
          is_string = true;
          value = f.text;
        } else {
          auto v = ParseScalar(f.text, col.type);
          if (!v) {
            out.resize(mark);
            return false;
          }
          if (v->is_bool()) {
            value = v->as_bool() ? "true" : "false";
          } else {
            auto [p, ec] = std::to_chars(digits, digits + sizeof digits, v->as_int());
            (void)ec;
            value = std::string_view(digits, static_cast<size_t>(p - digits));
          }
        }
      }
      if (is_string && !SimpleJsonString(value)) {
        out.resize(mark);
        return false;
      }
      if (!first) out.push_back(',');
      first = false;
      out += plan.keys[k];
      if (is_string) {
        out.push_back('"');
        if (static_cast<int>(i) == plan.name) {
          name_begin = out.size();
          name_size = static_cast<int64_t>(value.size());
        }
        out += value;
        out.push_back('"');
      } else {
        out += value;
      }
    }
    out.push_back('}');
    return true;
  }

  // Reads and checks a nodes file; the rows wait in pending_nodes_, their
  // text in node_text_.
  void ParseNodes(const std::string& path) {
    CsvReader reader(path, options_.delimiter);
    Header h = ParseHeader(reader, true);
    IdSpace* space = h.id >= 0 ? &Space(h.columns[static_cast<size_t>(h.id)].space) : nullptr;
    const FastNodeRows plan = PlanFastNodeRows(h);
    {
      std::error_code ec;
      auto bytes = std::filesystem::file_size(path, ec);
      if (!ec) {
        node_text_.reserve(node_text_.size() + static_cast<size_t>(bytes) * 2);
        pending_nodes_.reserve(pending_nodes_.size() + static_cast<size_t>(bytes / 16));
      }
    }
    Properties props;
    std::string encoded;
    std::map<std::string, uint32_t, std::less<>> label_sets;  // by raw :LABEL field
    while (!problems_.full() && reader.Next()) {
      const auto& f = reader.fields();
      if (f.size() != h.columns.size()) {
        problems_.Add(reader.Where() + ": expected " + std::to_string(h.columns.size()) +
                      " fields, found " + std::to_string(f.size()));
        continue;
      }
      NodeId node = next_node_;
      if (node - first_node_ > NodeId{UINT32_MAX}) {
        problems_.Add(reader.Where() + ": more than 2^32 nodes in one import");
        continue;
      }
      if (space) {
        auto id = f[static_cast<size_t>(h.id)].text;
        if (id.empty()) {
          problems_.Add(reader.Where() + ": missing node id");
          continue;
        }
        if (!space->Insert(id, node)) {
          problems_.Add(reader.Where() + ": duplicate node id '" + std::string(id) + "'");
          continue;
        }
      }
      PendingNode pending;
      pending.props_begin = node_text_.size();
      if (plan.usable &&
          EncodeNodeRowFast(h, plan, f, node_text_, pending.name_begin, pending.name_size)) {
        pending.props_size = node_text_.size() - pending.props_begin;
      } else {
        props.clear();
        if (h.has_properties &&
            !ReadProperties(h, reader, options_.array_delimiter, props, problems_))
          continue;
        EncodePropertiesFast(props, encoded);
        node_text_ += encoded;
        pending.props_size = encoded.size();
        auto it = props.find("name");
        if (it != props.end() && it->second.is_string()) {
          pending.name_begin = node_text_.size();
          pending.name_size = static_cast<int64_t>(it->second.as_string().size());
          node_text_ += it->second.as_string();
        }
      }
      ++next_node_;
      if (problems_.any()) continue;  // keep checking, stop keeping rows
      if (h.label >= 0) {
        std::string_view field = f[static_cast<size_t>(h.label)].text;
        auto it = label_sets.find(field);
        if (it == label_sets.end()) {
          it = label_sets.emplace(std::string(field), static_cast<uint32_t>(label_sets_.size()))
                   .first;
          label_sets_.push_back(SplitLabels(field, options_.array_delimiter));
        }
        pending.labels = it->second;
      }
      pending_nodes_.push_back(pending);
    }
  }

  // The parsed nodes: kg_import_nodes(name, props).
  class NodeRows : public RowSource {
   public:
    explicit NodeRows(const CsvLoader& loader) : loader_(loader) {}
    const char* Declaration() const override { return "CREATE TABLE x(name TEXT, props TEXT)"; }
    size_t Rows() const override { return loader_.pending_nodes_.size(); }
    void Column(size_t row, int column, sqlite3_context* ctx) const override {
      const PendingNode& node = loader_.pending_nodes_[row];
      const char* text = loader_.node_text_.data();
      if (column == 0) {
        if (node.name_size >= 0)
          sqlite3_result_text64(ctx, text + node.name_begin,
                                static_cast<sqlite3_uint64>(node.name_size), SQLITE_STATIC,
                                SQLITE_UTF8);
        else
          sqlite3_result_null(ctx);
      } else {
        sqlite3_result_text64(ctx, text + node.props_begin, node.props_size, SQLITE_STATIC,
                              SQLITE_UTF8);
      }
    }

   private:
    const CsvLoader& loader_;
  };

  // Their labels: kg_import_labels(label, node_id), in (label, node_id)
  // order, which is node_labels' own: each row then goes at the end of its
  // table instead of into one of a few places found from the root.
  class LabelRows : public RowSource {
   public:
    explicit LabelRows(const CsvLoader& loader) {
      // The rank of each label of each set among all the label names.
      std::map<std::string_view, uint32_t> rank;
      for (const auto& set : loader.label_sets_)
        for (const auto& label : set) rank.emplace(label, 0);
      uint32_t next = 0;
      for (auto& [label, r] : rank) r = next++;
      std::vector<std::vector<uint32_t>> set_ranks;
      for (const auto& set : loader.label_sets_) {
        set_ranks.emplace_back();
        for (const auto& label : set) set_ranks.back().push_back(rank.at(label));
      }
      // A counting sort by rank: each label's rows, in node order.
      std::vector<size_t> slot(rank.size() + 1, 0);
      for (const auto& pending : loader.pending_nodes_)
        for (uint32_t r : set_ranks[pending.labels]) ++slot[r + 1];
      for (size_t r = 1; r < slot.size(); ++r) slot[r] += slot[r - 1];
      rows_.resize(slot.back());
      NodeId node = loader.next_node_ - static_cast<NodeId>(loader.pending_nodes_.size());
      for (const auto& pending : loader.pending_nodes_) {
        const auto& set = loader.label_sets_[pending.labels];
        for (size_t i = 0; i < set.size(); ++i)
          rows_[slot[set_ranks[pending.labels][i]]++] = {&set[i], node};
        ++node;
      }
    }
    const char* Declaration() const override {
      return "CREATE TABLE x(label TEXT, node_id INTEGER)";
    }
    size_t Rows() const override { return rows_.size(); }
    void Column(size_t row, int column, sqlite3_context* ctx) const override {
      const auto& [label, node] = rows_[row];
      if (column == 0)
        sqlite3_result_text64(ctx, label->data(), label->size(), SQLITE_STATIC, SQLITE_UTF8);
      else
        sqlite3_result_int64(ctx, node);
    }

   private:
    std::vector<std::pair<const std::string*, NodeId>> rows_;
  };

  void WriteNodes() {
    if (pending_nodes_.empty()) return;
    {
      NodeRows nodes(*this);
      RowsModule module(db_, "kg_import_nodes", nodes);
      db_.Exec("INSERT INTO nodes(name, props) SELECT name, props FROM kg_import_nodes");
    }
    CheckLastRowid(next_node_ - 1, "node");
    {
      LabelRows labels(*this);
      RowsModule module(db_, "kg_import_labels", labels);
      db_.Exec(
          "INSERT OR IGNORE INTO node_labels(label, node_id) "
          "SELECT label, node_id FROM kg_import_labels");
    }
    stats_.nodes += static_cast<int64_t>(pending_nodes_.size());
    pending_nodes_.clear();
    pending_nodes_.shrink_to_fit();
    node_text_.clear();
    node_text_.shrink_to_fit();
  }

  // The index of `type` in types_, looked up first among the few types seen
  // most (files usually hold a handful).
  uint32_t TypeIndex(std::string_view type) {
    for (const auto& [name, index] : recent_types_)
      if (name.size() == type.size() && name[0] == type[0] &&
          std::memcmp(name.data(), type.data(), type.size()) == 0)
        return index;
    uint32_t index = InternType(type);
    if (recent_types_.size() < kRecentTypes) recent_types_.emplace_back(types_[index], index);
    return index;
  }

  enum class NodesParsed { kFailed, kProblems, kOk };

  // Forgets the relationships read so far.
  void ResetRelationships() {
    pending_.clear();
    types_.clear();
    type_index_.clear();
    recent_types_.clear();
    rel_props_.assign(1, "{}");
  }

  // Runs on the reader thread while the nodes are parsed: reads the
  // relationship files keeping the file ids of the ends (canonical integers),
  // then, once `nodes_parsed`, maps them to node ids. Returns false when this
  // fast path does not apply (an id that is not a canonical integer, a bad
  // header, row or value, an unknown id, problems in the nodes): the files
  // are then read again the usual way, which reports every problem in order.
  bool ReadRelationshipsEarly(const std::shared_future<NodesParsed>& nodes_parsed) {
    struct FileRows {
      std::string start_space, end_space;
      size_t end;  // rows of this file end at pending_[end]
    };
    std::vector<FileRows> files;
    try {
      Problems problems(1);
      Properties props;
      std::string encoded;
      for (const auto& path : options_.relationship_files) {
        CsvReader reader(path, options_.delimiter);
        Header h = ParseHeader(reader, false);
        const size_t start_col = static_cast<size_t>(h.start),
                     end_col = static_cast<size_t>(h.end), type_col = static_cast<size_t>(h.type);
        {
          std::error_code ec;
          auto bytes = std::filesystem::file_size(path, ec);
          if (!ec) pending_.reserve(pending_.size() + static_cast<size_t>(bytes / 20));
        }
        recent_types_.clear();
        while (reader.Next()) {
          const auto& f = reader.fields();
          if (f.size() != h.columns.size()) return false;
          auto start = CanonicalInt(f[start_col].text);
          auto end = CanonicalInt(f[end_col].text);
          std::string_view type = f[type_col].text;
          constexpr int64_t kMax = UINT32_MAX;
          if (!start || !end || *start < 0 || *start > kMax || *end < 0 || *end > kMax ||
              type.empty())
            return false;
          uint32_t props_index = 0;
          if (h.has_properties) {
            props.clear();
            if (!ReadProperties(h, reader, options_.array_delimiter, props, problems)) return false;
            if (!props.empty()) {
              EncodePropertiesFast(props, encoded);
              rel_props_.push_back(encoded);
              props_index = static_cast<uint32_t>(rel_props_.size() - 1);
            }
          }
          // File ids for now; node ids below.
          pending_.push_back({static_cast<uint32_t>(*start), static_cast<uint32_t>(*end),
                              TypeIndex(type), props_index});
        }
        files.push_back({h.columns[start_col].space, h.columns[end_col].space, pending_.size()});
      }
    } catch (const std::exception&) {
      return false;  // read again the usual way, which reports it
    }
    if (nodes_parsed.get() != NodesParsed::kOk) return false;
    size_t row = 0;
    for (const auto& file : files) {
      const IdSpace& start_space = Space(file.start_space);
      const IdSpace& end_space = Space(file.end_space);
      for (; row < file.end; ++row) {
        PendingRel& rel = pending_[row];
        NodeId start = start_space.FindInt(rel.start);
        NodeId end = end_space.FindInt(rel.end);
        if (start == 0 || end == 0) return false;
        rel.start = static_cast<uint32_t>(start - first_node_);
        rel.end = static_cast<uint32_t>(end - first_node_);
      }
    }
    return true;
  }

  // Runs on the reader thread: touches no SQLite state.
  void ReadRelationships(const std::string& path, Problems& problems) {
    CsvReader reader(path, options_.delimiter);
    Header h = ParseHeader(reader, false);
    IdSpace& start_space = Space(h.columns[static_cast<size_t>(h.start)].space);
    IdSpace& end_space = Space(h.columns[static_cast<size_t>(h.end)].space);
    const size_t start_col = static_cast<size_t>(h.start), end_col = static_cast<size_t>(h.end),
                 type_col = static_cast<size_t>(h.type);
    // About 20 bytes per row in typical files: reserving avoids regrowing
    // (and copying) a vector of millions of rows.
    {
      std::error_code ec;
      auto bytes = std::filesystem::file_size(path, ec);
      if (!ec) pending_.reserve(pending_.size() + static_cast<size_t>(bytes / 20));
    }
    Properties props;
    std::string encoded;
    recent_types_.clear();
    while (!problems.full() && reader.Next()) {
      const auto& f = reader.fields();
      if (f.size() != h.columns.size()) {
        problems.Add(reader.Where() + ": expected " + std::to_string(h.columns.size()) +
                      " fields, found " + std::to_string(f.size()));
        continue;
      }
      std::string_view start_id = f[start_col].text, end_id = f[end_col].text,
                       type = f[type_col].text;
      NodeId start = start_space.Find(start_id);
      NodeId end = end_space.Find(end_id);
      bool ok = true;
      if (start == 0) {
        problems.Add(reader.Where() + ": unknown start node id '" + std::string(start_id) + "'");
        ok = false;
      }
      if (end == 0) {
        problems.Add(reader.Where() + ": unknown end node id '" + std::string(end_id) + "'");
        ok = false;
      }
      if (type.empty()) {
        problems.Add(reader.Where() + ": missing relationship type");
        ok = false;
      }
      uint32_t props_index = 0;
      if (h.has_properties) {
        props.clear();
        ok = ReadProperties(h, reader, options_.array_delimiter, props, problems) && ok;
        if (ok && !props.empty()) {
          EncodePropertiesFast(props, encoded);
          rel_props_.push_back(encoded);
          props_index = static_cast<uint32_t>(rel_props_.size() - 1);
        }
      }
      if (!ok || problems.any()) continue;
      pending_.push_back({static_cast<uint32_t>(start - first_node_),
                          static_cast<uint32_t>(end - first_node_), TypeIndex(type), props_index});
    }
  }

  // Orders the rows as the (src, type) index does (then by end and
  // properties), so that SQLite appends that index's keys in order.
  void SortPendingRelationships() {
    std::vector<uint32_t> order(types_.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](uint32_t a, uint32_t b) { return types_[a] < types_[b]; });
    std::vector<uint32_t> rank(types_.size());
    for (uint32_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
    std::vector<std::string> sorted_types(types_.size());
    for (uint32_t i = 0; i < order.size(); ++i) sorted_types[i] = types_[order[i]];
    types_.assign(sorted_types.begin(), sorted_types.end());
    type_index_.clear();
    recent_types_.clear();
    if (pending_.empty()) return;
    // The sort key is the whole row, so equal keys are identical rows and the
    // result does not depend on the sort algorithm.
    auto after_start = [](const PendingRel& a, const PendingRel& b) {
      if (a.type != b.type) return a.type < b.type;
      if (a.end != b.end) return a.end < b.end;
      return a.props < b.props;
    };
    // An LSD radix sort by start node (stable; a few passes of up to 11 bits
    // each, each pass writing to at most 2048 places at a time, which stays
    // in cache where a counting sort over all start nodes writes at random
    // across the whole array), then a small sort of each start node's rows.
    // Start nodes are nodes of this import: start < next_node_ - first_node_.
    const auto max_offset = static_cast<uint64_t>(next_node_ - 1 - first_node_);
    const int bits = max_offset == 0 ? 0 : 64 - std::countl_zero(max_offset);
    int passes = (bits + 10) / 11;
    passes += passes % 2;  // even: the rows end in pending_
    const int digit_bits = passes ? (bits + passes - 1) / passes : 0;
    const uint64_t mask = (uint64_t{1} << digit_bits) - 1;
    const size_t n = pending_.size();
    // One pass ranks the types and counts the digits of every pass.
    std::vector<std::vector<size_t>> next(static_cast<size_t>(passes),
                                          std::vector<size_t>(size_t{1} << digit_bits));
    for (auto& rel : pending_) {
      rel.type = rank[rel.type];
      const uint64_t key = rel.start;
      for (int pass = 0; pass < passes; ++pass)
        ++next[static_cast<size_t>(pass)][(key >> (pass * digit_bits)) & mask];
    }
    if (passes > 0) {
      struct Free {
        size_t n;
        void operator()(PendingRel* p) const { HugePageAllocator<PendingRel>().deallocate(p, n); }
      };
      std::unique_ptr<PendingRel, Free> buffer(HugePageAllocator<PendingRel>().allocate(n),
                                               Free{n});
      PendingRel* from = pending_.data();
      PendingRel* to = buffer.get();
      for (int pass = 0; pass < passes; ++pass) {
        const int shift = pass * digit_bits;
        auto& slot = next[static_cast<size_t>(pass)];
        size_t sum = 0;
        for (auto& c : slot) sum += std::exchange(c, sum);
        for (size_t i = 0; i < n; ++i)
          to[slot[(uint64_t{from[i].start} >> shift) & mask]++] = from[i];
        std::swap(from, to);
      }
    }
    // Most start nodes have a handful of rows: an insertion sort for those.
    for (size_t begin = 0; begin < n;) {
      size_t end = begin + 1;
      while (end < n && pending_[end].start == pending_[begin].start) ++end;
      if (end - begin > 32) {
        std::sort(pending_.begin() + static_cast<ptrdiff_t>(begin),
                  pending_.begin() + static_cast<ptrdiff_t>(end), after_start);
        begin = end;
        continue;
      }
      for (size_t i = begin + 1; i < end; ++i) {
        PendingRel rel = pending_[i];
        size_t j = i;
        for (; j > begin && after_start(rel, pending_[j - 1]); --j) pending_[j] = pending_[j - 1];
        pending_[j] = rel;
      }
      begin = end;
    }
  }

  // The rows in rels_dst_type's order (by end, type, then id: ids follow
  // the row order). No keys when the three parts do not fit in 64 bits.
  // Only reads pending_ and types_ (it runs while they are written out).
  EndOrder SortByEnd() const {
    EndOrder order;
    const size_t n = pending_.size();
    if (n == 0) return order;
    order.row_bits = std::bit_width(uint64_t{n - 1});
    order.type_bits = std::bit_width(uint64_t{types_.size() - 1});
    const int end_bits = std::bit_width(static_cast<uint64_t>(next_node_ - 1 - first_node_));
    const int total = end_bits + order.type_bits + order.row_bits;
    if (total > 64) return order;
    order.keys.resize(n);
    const int end_shift = order.type_bits + order.row_bits;
    for (size_t i = 0; i < n; ++i)
      order.keys[i] = ShiftLeft(pending_[i].end, end_shift) |
                      ShiftLeft(pending_[i].type, order.row_bits) | i;
    // The row indexes are in order already: sorting by the bits above them
    // (stably) finishes the job.
    RadixSortBits(order.keys, order.row_bits, total);
    return order;
  }

  // Builds rels_dst_type (dropped, defined as kRelsDstTypeSql) from `order`,
  // which holds every row of rels, without CREATE INDEX's scan and sort
  // (WriteSortedIndex). Returns false, having changed nothing, when SQLite
  // does not allow it: the caller then runs CREATE INDEX.
  bool BuildEndIndex(const EndOrder& order, RelId first_rel) {
    EndOrderRows rows(order, first_node_, first_rel, types_);
    return WriteSortedIndex(db_, kRelsDstType, rows);
  }

  void WriteRelationships() {
    if (pending_.empty()) return;
    RelRows source(pending_, first_node_, types_, rel_props_);
    {
      RowsModule module(db_, "kg_import_rels", source);
      // Without properties, the column's default '{}' is stored: the same
      // value, without fetching it for every row.
      if (rel_props_.size() == 1)
        db_.Exec("INSERT INTO rels(src, dst, type) SELECT src, dst, type FROM kg_import_rels");
      else
        db_.Exec(
            "INSERT INTO rels(src, dst, type, props) "
            "SELECT src, dst, type, props FROM kg_import_rels");
    }
    next_rel_ += static_cast<RelId>(pending_.size());
    stats_.relationships += static_cast<int64_t>(pending_.size());
    CheckLastRowid(next_rel_ - 1, "relationship");
  }

  // Rows get their ids from SQLite (NULL id: the append path, cheaper than
  // an explicit id, which costs a uniqueness probe). With the write lock held
  // and no AUTOINCREMENT they are max(id)+1, +2, ...: the ids the file ids
  // were mapped to. This verifies it.
  void CheckLastRowid(int64_t expected, const char* what) {
    if (db_.LastInsertRowid() != expected)
      throw StorageError(std::string("import: unexpected ") + what + " id " +
                         std::to_string(db_.LastInsertRowid()) + " (expected " +
                         std::to_string(expected) + ")");
  }




  Store& store_;
  Database& db_;
  const CsvImportOptions& options_;
  Problems problems_;
  std::map<std::string, IdSpace> spaces_;
  std::deque<std::string> types_;  // stable addresses: type_index_ keys view them
  std::unordered_map<std::string_view, uint32_t> type_index_;
  static constexpr size_t kRecentTypes = 16;
  std::vector<std::pair<std::string_view, uint32_t>> recent_types_;  // views into types_
  std::vector<std::string> rel_props_{"{}"};
  PendingRels pending_;
  // Where the row's text is in node_text_.
  struct PendingNode {
    size_t props_begin = 0, props_size = 0;  // encoded properties
    size_t name_begin = 0;                   // the `name` column of the nodes table
    int64_t name_size = -1;                  // -1: NULL
    uint32_t labels = 0;                     // index into label_sets_
  };
  std::vector<PendingNode, HugePageAllocator<PendingNode>> pending_nodes_;
  TextBuffer node_text_;
  std::vector<std::vector<std::string>> label_sets_{{}};  // [0] = no labels
  NodeId first_node_ = 1;  // the first node id of this import
  NodeId next_node_ = 1;
  RelId next_rel_ = 1;
  ImportStats stats_;
};

}  // namespace

ImportStats ImportCsv(Store& store, const CsvImportOptions& options) {
  auto t0 = std::chrono::steady_clock::now();
  double cpu0 = CpuSeconds();
  if (store.read_only()) throw StorageError("the database is open read-only");
  ImportStats stats;
  {
    BulkSettings settings(store.db(), options.new_file);
    Store::WriteTxn txn(store);
    CsvLoader loader(store, options);
    stats = loader.Run();
    auto t1 = std::chrono::steady_clock::now();
    txn.Commit();
    stats.commit_seconds = SecondsSince(t1);
  }
  stats.seconds = SecondsSince(t0);
  stats.cpu_seconds = CpuSeconds() - cpu0;
  return stats;
}

ImportStats ImportJson(Store& store, const std::string& path) {
  auto t0 = std::chrono::steady_clock::now();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read '" + path + "'");
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    throw ImportError({path + ": not a JSON document"});
  if (!doc.contains("nodes") || !doc["nodes"].is_array() || !doc.contains("relationships") ||
      !doc["relationships"].is_array())
    throw ImportError({path + ": expected {\"nodes\": [...], \"relationships\": [...]}"});
  auto props_of = [&](const nlohmann::json& item, const std::string& where) {
    Properties props;
    if (!item.contains("properties")) return props;
    const auto& p = item["properties"];
    if (!p.is_object()) throw ImportError({where + ": \"properties\" is not an object"});
    for (auto it = p.begin(); it != p.end(); ++it) props[it.key()] = FromJson(it.value());
    return props;
  };
  ImportStats stats;
  Store::WriteTxn txn(store);
  std::unordered_map<int64_t, NodeId> ids;
  size_t index = 0;
  for (const auto& item : doc["nodes"]) {
    std::string where = path + ": nodes[" + std::to_string(index++) + "]";
    if (!item.is_object() || !item.contains("id") || !item["id"].is_number_integer())
      throw ImportError({where + ": missing integer \"id\""});
    std::vector<std::string> labels;
    if (item.contains("labels")) {
      if (!item["labels"].is_array()) throw ImportError({where + ": \"labels\" is not a list"});
      for (const auto& l : item["labels"]) {
        if (!l.is_string()) throw ImportError({where + ": a label is not a string"});
        labels.push_back(l.get<std::string>());
      }
    }
    int64_t file_id = item["id"].get<int64_t>();
    NodeId node = store.CreateNode(labels, props_of(item, where));
    if (!ids.emplace(file_id, node).second)
      throw ImportError({where + ": duplicate node id " + std::to_string(file_id)});
    ++stats.nodes;
  }
  index = 0;
  for (const auto& item : doc["relationships"]) {
    std::string where = path + ": relationships[" + std::to_string(index++) + "]";
    if (!item.is_object() || !item.contains("start") || !item["start"].is_number_integer() ||
        !item.contains("end") || !item["end"].is_number_integer() || !item.contains("type") ||
        !item["type"].is_string())
      throw ImportError({where + ": needs integer \"start\", \"end\" and string \"type\""});
    auto start = ids.find(item["start"].get<int64_t>());
    auto end = ids.find(item["end"].get<int64_t>());
    if (start == ids.end() || end == ids.end())
      throw ImportError({where + ": unknown " + std::string(start == ids.end() ? "start" : "end") +
                         " node id"});
    store.CreateRelationship(start->second, end->second, item["type"].get<std::string>(),
                             props_of(item, where));
    ++stats.relationships;
  }
  txn.Commit();
  stats.seconds = SecondsSince(t0);
  return stats;
}

}  // namespace kg::graph
