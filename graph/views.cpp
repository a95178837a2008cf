// GraphView implementation: building the CSR image from SQLite, the sidecar
// cache file (format, checksums, atomic replace, mmap), and the traversals,
// which run Boost.Graph's breadth_first_visit over an adapter of the arrays.
#include "graph/views.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <functional>
#include <map>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/graph_traits.hpp>
#include <boost/iterator/iterator_facade.hpp>
#include <boost/property_map/property_map.hpp>

namespace kg::graph {

// ---------------------------------------------------------------------------
// Cache file format (all integers little-endian, native layout):
//   Header | section 0 | section 1 | ...   each section 8-byte aligned and
// zero-padded. The header names each section's offset, size and checksum, and
// carries its own checksum. A file is used only when the magic, the format
// version, the header and every section checksum, the db file identity
// (device, inode) and the graph version and max ids all match.
namespace {

constexpr char kMagic[8] = {'K', 'G', 'V', 'I', 'E', 'W', '\r', '\n'};
constexpr uint32_t kFormatVersion = 2;
// Sections of a mapped file are checked in chunks of this many bytes, each
// the first time a call reads it (see ViewStorage).
constexpr uint64_t kChunkBytes = 4096;
// Set in a name offset: the node's name column is NULL.
constexpr uint64_t kNullName = uint64_t{1} << 63;
constexpr uint32_t kEndianCheck = 0x01020304;

enum Section : size_t {
  kNodeIds,
  kRelIds,
  kOutOff,
  kOutNodes,
  kOutRels,
  kOutTypes,
  kInOff,
  kInNodes,
  kInRels,
  kInTypes,
  kLabelOff,
  kLabelNodes,
  kNodeLabelOff,
  kNodeLabels,
  kTypeNames,
  kLabelNames,
  kNameOff,
  kNameBytes,
  kSelfLoops,  // the vertex of each self-loop, ascending (Degree in both directions)
  kChunkSums,  // one checksum per chunk of every other section, in section order
  kNumSections
};

struct SectionEntry {
  uint64_t offset = 0, bytes = 0, checksum = 0;
};

struct Header {
  char magic[8];
  uint32_t format_version;
  uint32_t endian_check;
  int64_t graph_version;
  uint64_t db_dev, db_ino;
  int64_t max_node_id, max_rel_id;
  uint64_t num_nodes, num_rels, num_types, num_labels;
  uint64_t file_size;
  SectionEntry sections[kNumSections];
  uint64_t header_checksum;  // of every byte before this field
};
static_assert(sizeof(Header) % 8 == 0);

// A 64-bit checksum over 8-byte words, four independent lanes so that it
// runs near memory speed. Detects torn writes and flipped bits; not
// cryptographic.
uint64_t Checksum(const void* data, size_t bytes) {
  constexpr uint64_t kMul1 = 0x9E3779B185EBCA87ull, kMul2 = 0xC2B2AE3D27D4EB4Full;
  const auto* p = static_cast<const unsigned char*>(data);
  size_t words = bytes / 8;
  uint64_t lane[4] = {kMul1, kMul2, ~kMul1, ~kMul2};
  auto mix = [](uint64_t h, uint64_t w) {
    h += w * kMul2;
    h = (h << 31) | (h >> 33);
    return h * kMul1;
  };
  size_t i = 0;
  for (; i + 4 <= words; i += 4) {
    uint64_t w[4];
    std::memcpy(w, p + i * 8, 32);
    for (int k = 0; k < 4; ++k) lane[k] = mix(lane[k], w[k]);
  }
  for (; i < words; ++i) {
    uint64_t w;
    std::memcpy(&w, p + i * 8, 8);
    lane[0] = mix(lane[0], w);
  }
  uint64_t tail = 0;
  std::memcpy(&tail, p + words * 8, bytes % 8);
  uint64_t h = mix(lane[0] ^ bytes, tail);
  for (int k = 1; k < 4; ++k) h = mix(h, lane[k]);
  h ^= h >> 29;
  return h * kMul2;
}

// Sections are zero-padded to 8 bytes; the checksum covers the padding too.
uint64_t Padded(uint64_t bytes) { return (bytes + 7) & ~uint64_t{7}; }
uint64_t ChunksOf(uint64_t bytes) { return (Padded(bytes) + kChunkBytes - 1) / kChunkBytes; }
uint64_t ChunkChecksum(const char* section, uint64_t bytes, uint64_t chunk) {
  uint64_t begin = chunk * kChunkBytes;
  return Checksum(section + begin, std::min(kChunkBytes, Padded(bytes) - begin));
}

struct DbIdentity {
  bool cacheable = false;
  uint64_t dev = 0, ino = 0;
  int64_t graph_version = 0, max_node_id = 0, max_rel_id = 0;
};

// `own_read_txn`: the caller opened a read transaction of its own (nothing
// uncommitted can be in it).
DbIdentity IdentityOf(const Store& store, bool own_read_txn = false) {
  DbIdentity id;
  id.graph_version = store.GraphVersion();
  id.max_node_id = store.MaxNodeId();
  id.max_rel_id = store.MaxRelationshipId();
  const std::string& path = store.db().path();
  struct stat st{};
  // Inside a write transaction the store may hold uncommitted writes that
  // the graph version does not count yet: such a view must not be cached. A
  // transaction that has only read (kg query runs in one) holds none.
  bool in_transaction = !own_read_txn && sqlite3_txn_state(store.db().handle(), nullptr) == SQLITE_TXN_WRITE;
  if (!in_transaction && !path.empty() && path != ":memory:" && path.rfind("file:", 0) != 0 &&
      ::stat(path.c_str(), &st) == 0) {
    id.cacheable = true;
    id.dev = static_cast<uint64_t>(st.st_dev);
    id.ino = static_cast<uint64_t>(st.st_ino);
  }
  return id;
}

// Appends sections to an 8-byte aligned image.
class ImageWriter {
 public:
  ImageWriter() : image_(sizeof(Header) / 8, 0) {}

  template <typename T>
  void Put(Section s, const std::vector<T>& values) {
    PutBytes(s, values.data(), values.size() * sizeof(T));
  }
  void PutBytes(Section s, const void* data, size_t bytes) {
    auto& e = entries_[s];
    e.offset = image_.size() * 8;
    e.bytes = bytes;
    image_.resize(image_.size() + (bytes + 7) / 8, 0);
    if (bytes) std::memcpy(reinterpret_cast<char*>(image_.data()) + e.offset, data, bytes);
    e.checksum = Checksum(reinterpret_cast<const char*>(image_.data()) + e.offset, Padded(bytes));
  }
  std::vector<uint64_t> Finish(Header header) {
    std::vector<uint64_t> sums;
    for (size_t s = 0; s < kChunkSums; ++s) {
      const char* section = reinterpret_cast<const char*>(image_.data()) + entries_[s].offset;
      for (uint64_t c = 0; c < ChunksOf(entries_[s].bytes); ++c)
        sums.push_back(ChunkChecksum(section, entries_[s].bytes, c));
    }
    Put(kChunkSums, sums);
    std::memcpy(header.magic, kMagic, sizeof kMagic);
    header.format_version = kFormatVersion;
    header.endian_check = kEndianCheck;
    header.file_size = image_.size() * 8;
    std::copy(std::begin(entries_), std::end(entries_), header.sections);
    header.header_checksum = Checksum(&header, offsetof(Header, header_checksum));
    std::memcpy(image_.data(), &header, sizeof header);
    return std::move(image_);
  }

 private:
  std::vector<uint64_t> image_;
  SectionEntry entries_[kNumSections];
};

std::vector<std::string> SplitNames(const char* data, size_t bytes) {
  std::vector<std::string> names;
  size_t start = 0;
  for (size_t i = 0; i < bytes; ++i) {
    if (data[i] == '\0') {
      names.emplace_back(data + start, i - start);
      start = i + 1;
    }
  }
  return names;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    out += n;
    out += '\0';
  }
  return out;
}

// Counting sort of relationships into one CSR direction; positions of each
// vertex end up ascending by relationship index (= ascending id).
void FillCsr(size_t n, const std::vector<VertexIndex>& from, const std::vector<VertexIndex>& to,
             const std::vector<TypeId>& types, std::vector<uint64_t>& off,
             std::vector<VertexIndex>& nodes, std::vector<uint32_t>& rels,
             std::vector<TypeId>& out_types) {
  size_t m = from.size();
  off.assign(n + 1, 0);
  for (size_t r = 0; r < m; ++r) ++off[from[r] + 1];
  for (size_t v = 0; v < n; ++v) off[v + 1] += off[v];
  std::vector<uint64_t> next(off.begin(), off.end() - 1);
  nodes.resize(m);
  rels.resize(m);
  out_types.resize(m);
  for (size_t r = 0; r < m; ++r) {
    uint64_t pos = next[from[r]]++;
    nodes[pos] = to[r];
    rels[pos] = static_cast<uint32_t>(r);
    out_types[pos] = types[r];
  }
}

// Reads the whole graph inside one read transaction, so that the version in
// the header describes exactly the data in the image.
std::vector<uint64_t> BuildImage(const Store& store, DbIdentity& identity) {
  sqlite3* h = store.db().handle();
  bool own_txn = sqlite3_get_autocommit(h) != 0;
  if (own_txn) sqlite3_exec(h, "BEGIN", nullptr, nullptr, nullptr);
  struct EndTxn {
    sqlite3* h;
    bool own;
    ~EndTxn() {
      if (own) sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr);
    }
  } end_txn{h, own_txn};
  identity = IdentityOf(store, own_txn);

  std::vector<NodeId> node_ids;
  // The name column: node v's bytes are [name_off[v], name_off[v + 1]) with
  // kNullName cleared; kNullName set in name_off[v] means NULL.
  std::vector<uint64_t> name_off;
  std::string name_bytes;
  {
    Statement st(store.db(), "SELECT id, name FROM nodes ORDER BY id");
    while (st.Step()) {
      node_ids.push_back(st.ColumnInt(0));
      name_off.push_back(name_bytes.size() | (st.IsNull(1) ? kNullName : 0));
      if (!st.IsNull(1)) name_bytes.append(st.ColumnView(1));
    }
    name_off.push_back(name_bytes.size());
  }
  size_t n = node_ids.size();
  if (n >= std::numeric_limits<VertexIndex>::max())
    throw StorageError("graph view: too many nodes for 32-bit vertex indices");
  bool dense = n > 0 && node_ids.back() - node_ids.front() + 1 == static_cast<int64_t>(n);
  auto index_of = [&](NodeId id) -> VertexIndex {
    if (dense) return static_cast<VertexIndex>(id - node_ids.front());
    auto it = std::lower_bound(node_ids.begin(), node_ids.end(), id);
    if (it == node_ids.end() || *it != id)
      throw StorageError("graph view: relationship points at missing node " + std::to_string(id));
    return static_cast<VertexIndex>(it - node_ids.begin());
  };

  std::vector<RelId> rel_ids;
  std::vector<VertexIndex> src, dst;
  std::vector<TypeId> types;
  std::map<std::string, TypeId, std::less<>> type_ids;  // provisional ids in order seen
  {
    Statement st(store.db(), "SELECT id, src, dst, type FROM rels ORDER BY id");
    std::string last_type;
    TypeId last_id = 0;
    bool have_last = false;
    while (st.Step()) {
      rel_ids.push_back(st.ColumnInt(0));
      src.push_back(index_of(st.ColumnInt(1)));
      dst.push_back(index_of(st.ColumnInt(2)));
      std::string_view type = st.ColumnView(3);
      if (!have_last || type != last_type) {
        auto it = type_ids.find(type);
        if (it == type_ids.end())
          it = type_ids.emplace(std::string(type), static_cast<TypeId>(type_ids.size())).first;
        last_type = type;
        last_id = it->second;
        have_last = true;
      }
      types.push_back(last_id);
    }
  }
  if (rel_ids.size() >= std::numeric_limits<uint32_t>::max())
    throw StorageError("graph view: too many relationships for 32-bit indices");
  // Renumber types by name so that ids do not depend on insertion order.
  std::vector<std::string> type_names;
  std::vector<TypeId> remap(type_ids.size());
  for (const auto& [name, provisional] : type_ids) {
    remap[provisional] = static_cast<TypeId>(type_names.size());
    type_names.push_back(name);
  }
  for (auto& t : types) t = remap[t];

  std::vector<std::string> label_names;
  std::vector<std::vector<VertexIndex>> label_members;
  std::vector<uint64_t> node_label_off(n + 1, 0);
  std::vector<LabelId> node_labels;
  {
    // Labels come sorted by name, so label ids are ascending by name.
    Statement st(store.db(), "SELECT label, node_id FROM node_labels ORDER BY label, node_id");
    std::vector<std::pair<VertexIndex, LabelId>> pairs;
    while (st.Step()) {
      std::string_view label = st.ColumnView(0);
      if (label_names.empty() || label_names.back() != label) {
        label_names.emplace_back(label);
        label_members.emplace_back();
      }
      VertexIndex v = index_of(st.ColumnInt(1));
      auto l = static_cast<LabelId>(label_names.size() - 1);
      label_members.back().push_back(v);
      pairs.emplace_back(v, l);
    }
    std::sort(pairs.begin(), pairs.end());
    for (const auto& [v, l] : pairs) ++node_label_off[v + 1];
    for (size_t v = 0; v < n; ++v) node_label_off[v + 1] += node_label_off[v];
    for (const auto& [v, l] : pairs) node_labels.push_back(l);
  }
  std::vector<uint64_t> label_off{0};
  std::vector<VertexIndex> label_nodes;
  for (const auto& members : label_members) {
    label_nodes.insert(label_nodes.end(), members.begin(), members.end());
    label_off.push_back(label_nodes.size());
  }

  ImageWriter w;
  w.Put(kNodeIds, node_ids);
  w.Put(kRelIds, rel_ids);
  {
    std::vector<uint64_t> off;
    std::vector<VertexIndex> nodes;
    std::vector<uint32_t> rels;
    std::vector<TypeId> csr_types;
    FillCsr(n, src, dst, types, off, nodes, rels, csr_types);
    w.Put(kOutOff, off);
    w.Put(kOutNodes, nodes);
    w.Put(kOutRels, rels);
    w.Put(kOutTypes, csr_types);
    FillCsr(n, dst, src, types, off, nodes, rels, csr_types);
    w.Put(kInOff, off);
    w.Put(kInNodes, nodes);
    w.Put(kInRels, rels);
    w.Put(kInTypes, csr_types);
  }
  w.Put(kLabelOff, label_off);
  w.Put(kLabelNodes, label_nodes);
  w.Put(kNodeLabelOff, node_label_off);
  w.Put(kNodeLabels, node_labels);
  std::string joined = JoinNames(type_names);
  w.PutBytes(kTypeNames, joined.data(), joined.size());
  joined = JoinNames(label_names);
  w.PutBytes(kLabelNames, joined.data(), joined.size());
  w.Put(kNameOff, name_off);
  w.PutBytes(kNameBytes, name_bytes.data(), name_bytes.size());
  std::vector<VertexIndex> self_loops;
  for (size_t r = 0; r < src.size(); ++r)
    if (src[r] == dst[r]) self_loops.push_back(src[r]);
  std::sort(self_loops.begin(), self_loops.end());
  w.Put(kSelfLoops, self_loops);

  Header header{};
  header.graph_version = identity.graph_version;
  header.db_dev = identity.dev;
  header.db_ino = identity.ino;
  header.max_node_id = identity.max_node_id;
  header.max_rel_id = identity.max_rel_id;
  header.num_nodes = n;
  header.num_rels = rel_ids.size();
  header.num_types = type_names.size();
  header.num_labels = label_names.size();
  return w.Finish(header);
}

// Writes the image to `path` through a temporary file and rename(2), so a
// reader sees the old file or the new one, never a partial one. Failures
// (read-only directory, full disk) leave no file behind and are ignored:
// the cache is an optimisation. Returns whether the file was replaced.
bool WriteCacheFile(const std::string& path, const std::vector<uint64_t>& image) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  const char* data = reinterpret_cast<const char*>(image.data());
  size_t left = image.size() * 8;
  bool ok = true;
  while (left > 0) {
    ssize_t wrote = ::write(fd, data, left);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) {
      ok = false;
      break;
    }
    data += wrote;
    left -= static_cast<size_t>(wrote);
  }
  ok = (::close(fd) == 0) && ok;
  if (ok && ::rename(tmp.c_str(), path.c_str()) == 0) return true;
  ::unlink(tmp.c_str());
  return false;
}

}  // namespace

// Owns the bytes the view's pointers refer to: a read-only mapping of the
// cache file, or an in-memory image.
//
// A mapped cache file is checked lazily, in chunks of kChunkBytes: the
// header and the chunk checksum table when the file is opened, each chunk of
// every other section the first time a call reads it (GraphView::Require for
// whole sections, RequireRange for the part one node needs). A process that
// touches a few nodes thus checks the pages it reads, not the whole file. A
// bad chunk makes the call throw ViewCacheError after removing the file, so
// that the next Open rebuilds it.
struct ViewStorage {
  const void* map = nullptr;
  size_t map_bytes = 0;
  std::vector<uint64_t> image;
  std::string path;  // the cache file, when mapped
  SectionEntry sections[kNumSections];
  bool trusted = false;  // an image built in this process: nothing to check
  std::atomic<bool> verified[kNumSections] = {};  // every chunk of the section
  const uint64_t* chunk_sums = nullptr;
  uint64_t first_chunk[kNumSections] = {};  // index into chunk_sums / chunk_ok
  std::unique_ptr<std::atomic<uint8_t>[]> chunk_ok;

  void MarkAllVerified() {
    trusted = true;
    for (auto& v : verified) v.store(true, std::memory_order_relaxed);
  }
  // Sets up the chunk table (REQUIRES: the kChunkSums section was checked).
  bool InitChunks() {
    uint64_t total = 0;
    for (size_t s = 0; s < kChunkSums; ++s) {
      first_chunk[s] = total;
      total += ChunksOf(sections[s].bytes);
    }
    if (sections[kChunkSums].bytes != total * 8) return false;
    chunk_sums = reinterpret_cast<const uint64_t*>(data() + sections[kChunkSums].offset);
    chunk_ok = std::make_unique<std::atomic<uint8_t>[]>(total);
    return true;
  }
  bool VerifySection(size_t s) {
    if (verified[s].load(std::memory_order_acquire)) return true;
    const auto& e = sections[s];
    if (s == kChunkSums || !chunk_ok) {
      if (Checksum(data() + e.offset, Padded(e.bytes)) != e.checksum) return false;
    } else if (!VerifyChunks(s, 0, ChunksOf(e.bytes))) {
      return false;
    }
    verified[s].store(true, std::memory_order_release);
    return true;
  }
  // Chunks [first, last) of section s.
  bool VerifyChunks(size_t s, uint64_t first, uint64_t last) {
    const char* section = data() + sections[s].offset;
    for (uint64_t c = first; c < last; ++c) {
      std::atomic<uint8_t>& ok = chunk_ok[first_chunk[s] + c];
      if (ok.load(std::memory_order_acquire)) continue;
      if (ChunkChecksum(section, sections[s].bytes, c) != chunk_sums[first_chunk[s] + c]) return false;
      ok.store(1, std::memory_order_release);
    }
    return true;
  }
  [[noreturn]] void Corrupt() const {
    ::unlink(path.c_str());
    throw ViewCacheError("the graph view cache '" + path +
                         "' is corrupt; it has been removed and will be rebuilt on the next run");
  }
  void Require(uint32_t mask) {
    for (size_t s = 0; s < kNumSections; ++s)
      if ((mask & (1u << s)) && !VerifySection(s)) Corrupt();
  }
  // Bytes [begin, end) of section s.
  void RequireRange(size_t s, uint64_t begin, uint64_t end) {
    if (trusted || begin >= end || verified[s].load(std::memory_order_acquire)) return;
    if (!VerifyChunks(s, begin / kChunkBytes, (end + kChunkBytes - 1) / kChunkBytes)) Corrupt();
  }

  ViewStorage() = default;
  ViewStorage(const ViewStorage&) = delete;
  ViewStorage& operator=(const ViewStorage&) = delete;
  ~ViewStorage() {
    if (map) ::munmap(const_cast<void*>(map), map_bytes);
  }
  const char* data() const {
    return map ? static_cast<const char*>(map) : reinterpret_cast<const char*>(image.data());
  }
  size_t size() const { return map ? map_bytes : image.size() * 8; }
};

namespace {

// Maps `path` and checks it against `identity`; nullptr when absent or unusable.
std::unique_ptr<ViewStorage> LoadCacheFile(const std::string& path,
                                                  const DbIdentity& identity) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st{};
  if (::fstat(fd, &st) != 0 || static_cast<size_t>(st.st_size) < sizeof(Header)) {
    ::close(fd);
    return nullptr;
  }
  size_t bytes = static_cast<size_t>(st.st_size);
  void* map = ::mmap(nullptr, bytes, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return nullptr;
  auto storage = std::make_unique<ViewStorage>();
  storage->map = map;
  storage->map_bytes = bytes;

  Header h;
  std::memcpy(&h, map, sizeof h);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.format_version != kFormatVersion ||
      h.endian_check != kEndianCheck ||
      h.header_checksum != Checksum(&h, offsetof(Header, header_checksum)) ||
      h.file_size != bytes)
    return nullptr;
  if (h.db_dev != identity.dev || h.db_ino != identity.ino ||
      h.graph_version != identity.graph_version || h.max_node_id != identity.max_node_id ||
      h.max_rel_id != identity.max_rel_id)
    return nullptr;
  const uint64_t n = h.num_nodes, m = h.num_rels;
  const uint64_t expected[kNumSections] = {
      n * 8, m * 8, (n + 1) * 8, m * 4, m * 4, m * 4, (n + 1) * 8, m * 4, m * 4, m * 4,
      (h.num_labels + 1) * 8, ~0ull, (n + 1) * 8, ~0ull, ~0ull, ~0ull, (n + 1) * 8, ~0ull, ~0ull, ~0ull};
  const char* base = static_cast<const char*>(map);
  for (size_t s = 0; s < kNumSections; ++s) {
    const auto& e = h.sections[s];
    if (e.offset % 8 != 0 || e.offset < sizeof(Header) || e.offset > bytes ||
        Padded(e.bytes) > bytes - e.offset)
      return nullptr;
    if (expected[s] != ~0ull && e.bytes != expected[s]) return nullptr;
    storage->sections[s] = e;
  }
  storage->path = path;
  if (!storage->VerifySection(kChunkSums) || !storage->InitChunks()) return nullptr;
  for (size_t s : {kTypeNames, kLabelNames})
    if (!storage->VerifySection(s)) return nullptr;
  // The first and last node and relationship ids (dense ids are computed
  // from them), the ends of the CSR offsets and of the name offsets.
  auto last_chunk = [&](Section s) { return ChunksOf(h.sections[s].bytes); };
  for (Section s : {kNodeIds, kRelIds, kOutOff, kInOff, kNameOff}) {
    uint64_t chunks = last_chunk(s);
    if (chunks > 0 && (!storage->VerifyChunks(s, 0, 1) || !storage->VerifyChunks(s, chunks - 1, chunks)))
      return nullptr;
  }
  // The CSR must end where the relationship arrays end.
  auto last_offset = [&](Section s) {
    uint64_t v;
    std::memcpy(&v, base + h.sections[s].offset + n * 8, 8);
    return v;
  };
  if (last_offset(kOutOff) != m || last_offset(kInOff) != m ||
      last_offset(kNameOff) != h.sections[kNameBytes].bytes)
    return nullptr;
  // Ids that are not dense are searched (nodes) or read one by one (rels):
  // check those arrays whole now.
  auto dense = [&](Section s, uint64_t count) {
    if (count == 0) return true;
    int64_t first, last;
    std::memcpy(&first, base + h.sections[s].offset, 8);
    std::memcpy(&last, base + h.sections[s].offset + (count - 1) * 8, 8);
    return last - first + 1 == static_cast<int64_t>(count);
  };
  if ((!dense(kNodeIds, n) && !storage->VerifySection(kNodeIds)) ||
      (!dense(kRelIds, m) && !storage->VerifySection(kRelIds)))
    return nullptr;
  return storage;
}

}  // namespace

std::string GraphView::CachePath(const std::string& db_path) { return db_path + ".view"; }

namespace {
constexpr uint32_t Bit(Section s) { return 1u << s; }
// Traversal in one direction: offsets, far ends, types.
constexpr uint32_t kWalkOut = Bit(kOutOff) | Bit(kOutNodes) | Bit(kOutTypes);
constexpr uint32_t kWalkIn = Bit(kInOff) | Bit(kInNodes) | Bit(kInTypes);
// Reporting relationships as well.
constexpr uint32_t kRelsOut = kWalkOut | Bit(kOutRels) | Bit(kRelIds);
constexpr uint32_t kRelsIn = kWalkIn | Bit(kInRels) | Bit(kRelIds);
constexpr uint32_t kLabelLists = Bit(kLabelOff) | Bit(kLabelNodes);
constexpr uint32_t kNodeLabelLists = Bit(kNodeLabelOff) | Bit(kNodeLabels);

uint32_t Walk(Direction dir) {
  return dir == Direction::kOut ? kWalkOut : dir == Direction::kIn ? kWalkIn : kWalkOut | kWalkIn;
}
uint32_t Rels(Direction dir) {
  return dir == Direction::kOut ? kRelsOut : dir == Direction::kIn ? kRelsIn : kRelsOut | kRelsIn;
}
}  // namespace

void GraphView::Require(uint32_t mask) const { storage_->Require(mask); }

void GraphView::RequireRange(size_t section, uint64_t begin, uint64_t end) const {
  storage_->RequireRange(section, begin, end);
}

std::span<const NodeId> GraphView::node_ids() const {
  Require(Bit(kNodeIds));
  return {node_ids_, num_nodes_};
}

std::span<const RelId> GraphView::rel_ids() const {
  Require(Bit(kRelIds));
  return {rel_ids_, num_rels_};
}

GraphView::GraphView(ConstructionTag) {}
GraphView::~GraphView() = default;

void GraphView::Attach(std::unique_ptr<ViewStorage> storage) {
  storage_ = std::move(storage);
  const char* base = storage_->data();
  Header h;
  std::memcpy(&h, base, sizeof h);
  auto at = [&](Section s) { return base + h.sections[s].offset; };
  std::copy(std::begin(h.sections), std::end(h.sections), storage_->sections);
  num_nodes_ = h.num_nodes;
  num_rels_ = h.num_rels;
  graph_version_ = h.graph_version;
  node_ids_ = reinterpret_cast<const NodeId*>(at(kNodeIds));
  rel_ids_ = reinterpret_cast<const RelId*>(at(kRelIds));
  out_off_ = reinterpret_cast<const uint64_t*>(at(kOutOff));
  out_nodes_ = reinterpret_cast<const VertexIndex*>(at(kOutNodes));
  out_rels_ = reinterpret_cast<const uint32_t*>(at(kOutRels));
  out_types_ = reinterpret_cast<const TypeId*>(at(kOutTypes));
  in_off_ = reinterpret_cast<const uint64_t*>(at(kInOff));
  in_nodes_ = reinterpret_cast<const VertexIndex*>(at(kInNodes));
  in_rels_ = reinterpret_cast<const uint32_t*>(at(kInRels));
  in_types_ = reinterpret_cast<const TypeId*>(at(kInTypes));
  label_off_ = reinterpret_cast<const uint64_t*>(at(kLabelOff));
  label_nodes_ = reinterpret_cast<const VertexIndex*>(at(kLabelNodes));
  node_label_off_ = reinterpret_cast<const uint64_t*>(at(kNodeLabelOff));
  node_labels_ = reinterpret_cast<const LabelId*>(at(kNodeLabels));
  name_off_ = reinterpret_cast<const uint64_t*>(at(kNameOff));
  self_loops_ = reinterpret_cast<const VertexIndex*>(at(kSelfLoops));
  num_self_loops_ = h.sections[kSelfLoops].bytes / sizeof(VertexIndex);
  name_bytes_ = at(kNameBytes);
  type_names_ = SplitNames(at(kTypeNames), h.sections[kTypeNames].bytes);
  label_names_ = SplitNames(at(kLabelNames), h.sections[kLabelNames].bytes);
  dense_ids_ = num_nodes_ > 0 &&
               node_ids_[num_nodes_ - 1] - node_ids_[0] + 1 == static_cast<int64_t>(num_nodes_);
  first_node_id_ = num_nodes_ > 0 ? node_ids_[0] : 0;
  dense_rels_ = num_rels_ > 0 &&
                rel_ids_[num_rels_ - 1] - rel_ids_[0] + 1 == static_cast<int64_t>(num_rels_);
  first_rel_id_ = num_rels_ > 0 ? rel_ids_[0] : 0;
}

std::unique_ptr<GraphView> GraphView::Build(const Store& store) {
  DbIdentity identity;
  auto storage = std::make_unique<ViewStorage>();
  storage->image = BuildImage(store, identity);
  storage->MarkAllVerified();
  auto view = std::make_unique<GraphView>(ConstructionTag{});
  view->Attach(std::move(storage));
  view->source_ = ViewSource::kBuiltInMemory;
  return view;
}

std::unique_ptr<GraphView> GraphView::Open(const Store& store) {
  DbIdentity identity = IdentityOf(store);
  auto view = std::make_unique<GraphView>(ConstructionTag{});
  if (identity.cacheable) {
    std::string path = CachePath(store.db().path());
    if (auto storage = LoadCacheFile(path, identity)) {
      view->Attach(std::move(storage));
      view->source_ = ViewSource::kCache;
      return view;
    }
  }
  auto storage = std::make_unique<ViewStorage>();
  storage->image = BuildImage(store, identity);
  storage->MarkAllVerified();
  view->source_ = ViewSource::kBuiltInMemory;
  if (identity.cacheable) {
    std::string path = CachePath(store.db().path());
    if (WriteCacheFile(path, storage->image)) view->source_ = ViewSource::kBuiltAndCached;
  }
  view->Attach(std::move(storage));
  return view;
}

// ---------------------------------------------------------------------------
// Lookups

std::optional<VertexIndex> GraphView::IndexOf(NodeId id) const {
  if (num_nodes_ == 0) return std::nullopt;
  if (dense_ids_) {
    if (id < node_ids_[0] || id > node_ids_[num_nodes_ - 1]) return std::nullopt;
    return static_cast<VertexIndex>(id - node_ids_[0]);
  }
  const NodeId* end = node_ids_ + num_nodes_;
  const NodeId* it = std::lower_bound(node_ids_, end, id);
  if (it == end || *it != id) return std::nullopt;
  return static_cast<VertexIndex>(it - node_ids_);
}

std::optional<TypeId> GraphView::TypeOf(std::string_view name) const {
  auto it = std::lower_bound(type_names_.begin(), type_names_.end(), name);
  if (it == type_names_.end() || *it != name) return std::nullopt;
  return static_cast<TypeId>(it - type_names_.begin());
}

std::optional<LabelId> GraphView::LabelOf(std::string_view name) const {
  auto it = std::lower_bound(label_names_.begin(), label_names_.end(), name);
  if (it == label_names_.end() || *it != name) return std::nullopt;
  return static_cast<LabelId>(it - label_names_.begin());
}

TypeFilter GraphView::Types(const std::vector<std::string>& types) const {
  TypeFilter filter;
  if (types.empty()) return filter;
  filter.any_ = false;
  filter.allowed_.assign(type_names_.size(), 0);
  for (const auto& t : types)
    if (auto id = TypeOf(t)) filter.allowed_[*id] = 1;
  return filter;
}

GraphView::Csr GraphView::out() const {
  Require(kRelsOut);
  return {{out_off_, num_nodes_ + 1}, {out_nodes_, num_rels_}, {out_rels_, num_rels_},
          {out_types_, num_rels_}};
}

GraphView::Csr GraphView::in() const {
  Require(kRelsIn);
  return {{in_off_, num_nodes_ + 1}, {in_nodes_, num_rels_}, {in_rels_, num_rels_},
          {in_types_, num_rels_}};
}

// The CSR entries of vertex v in one direction, checked.
std::pair<uint64_t, uint64_t> GraphView::Entries(VertexIndex v, bool out, bool with_types, bool with_rels) const {
  const uint64_t* off = out ? out_off_ : in_off_;
  RequireRange(out ? kOutOff : kInOff, uint64_t{v} * 8, (uint64_t{v} + 2) * 8);
  uint64_t b = off[v], e = off[v + 1];
  if (b > e || e > num_rels_) storage_->Corrupt();
  RequireRange(out ? kOutNodes : kInNodes, b * 4, e * 4);
  if (with_types) RequireRange(out ? kOutTypes : kInTypes, b * 4, e * 4);
  if (with_rels) {
    RequireRange(out ? kOutRels : kInRels, b * 4, e * 4);
    if (!dense_rels_) Require(Bit(kRelIds));
  }
  return {b, e};
}

std::vector<Neighbour> GraphView::Neighbours(NodeId node, Direction dir,
                                             const TypeFilter& types) const {
  std::vector<Neighbour> result;
  auto v = IndexOf(node);
  if (!v) return result;
  auto [ob, oe] = dir == Direction::kIn ? std::pair<uint64_t, uint64_t>{0, 0} : Entries(*v, true, true, true);
  auto [ib, ie] = dir == Direction::kOut ? std::pair<uint64_t, uint64_t>{0, 0} : Entries(*v, false, true, true);
  result.reserve((oe - ob) + (ie - ib));
  // Both ranges ascend by relationship index: merge them.
  while (ob < oe || ib < ie) {
    bool take_out = ib >= ie || (ob < oe && out_rels_[ob] <= in_rels_[ib]);
    if (take_out) {
      if (types.Allows(out_types_[ob]))
        result.push_back({RelAt(out_rels_[ob]), Id(out_nodes_[ob]), out_types_[ob], true});
      ++ob;
    } else {
      bool self_loop_seen = dir == Direction::kBoth && in_nodes_[ib] == *v;
      if (!self_loop_seen && types.Allows(in_types_[ib]))
        result.push_back({RelAt(in_rels_[ib]), Id(in_nodes_[ib]), in_types_[ib], false});
      ++ib;
    }
  }
  return result;
}

size_t GraphView::Degree(NodeId node, Direction dir, const TypeFilter& types) const {
  auto v = IndexOf(node);
  if (!v) return 0;
  size_t degree = 0;
  if (dir != Direction::kIn) {
    if (types.any()) {
      RequireRange(kOutOff, uint64_t{*v} * 8, (uint64_t{*v} + 2) * 8);
      degree += out_off_[*v + 1] - out_off_[*v];
    } else {
      auto [b, e] = Entries(*v, true, true, false);
      for (uint64_t p = b; p < e; ++p) degree += types.Allows(out_types_[p]);
    }
  }
  if (dir != Direction::kOut) {
    if (types.any()) {
      // Every in-relationship, less the self-loops kBoth already counted out.
      RequireRange(kInOff, uint64_t{*v} * 8, (uint64_t{*v} + 2) * 8);
      degree += in_off_[*v + 1] - in_off_[*v];
      if (dir == Direction::kBoth && num_self_loops_ > 0) {
        Require(Bit(kSelfLoops));
        auto [lo, hi] = std::equal_range(self_loops_, self_loops_ + num_self_loops_, *v);
        degree -= static_cast<size_t>(hi - lo);
      }
    } else {
      auto [b, e] = Entries(*v, false, true, false);
      for (uint64_t p = b; p < e; ++p) {
        bool self_loop_seen = dir == Direction::kBoth && in_nodes_[p] == *v;
        degree += !self_loop_seen && types.Allows(in_types_[p]);
      }
    }
  }
  return degree;
}

std::optional<std::string_view> GraphView::NameOf(VertexIndex v) const {
  RequireRange(kNameOff, uint64_t{v} * 8, (uint64_t{v} + 2) * 8);
  uint64_t b = name_off_[v], e = name_off_[v + 1] & ~kNullName;
  if (b & kNullName) return std::nullopt;
  if (b > e || e > storage_->sections[kNameBytes].bytes) storage_->Corrupt();
  RequireRange(kNameBytes, b, e);
  return std::string_view(name_bytes_ + b, e - b);
}

std::vector<NodeId> GraphView::NodesWithLabel(std::string_view label) const {
  std::vector<NodeId> ids;
  auto l = LabelOf(label);
  if (!l) return ids;
  Require(kLabelLists);
  for (uint64_t p = label_off_[*l]; p < label_off_[*l + 1]; ++p) ids.push_back(Id(label_nodes_[p]));
  return ids;
}

std::span<const LabelId> GraphView::LabelsOf(VertexIndex v) const {
  RequireRange(kNodeLabelOff, uint64_t{v} * 8, (uint64_t{v} + 2) * 8);
  uint64_t b = node_label_off_[v], e = node_label_off_[v + 1];
  if (b > e || e * 4 > storage_->sections[kNodeLabels].bytes) storage_->Corrupt();
  RequireRange(kNodeLabels, b * 4, e * 4);
  return {node_labels_ + b, node_labels_ + e};
}

bool GraphView::HasLabel(VertexIndex v, LabelId label) const {
  auto labels = LabelsOf(v);
  return std::binary_search(labels.begin(), labels.end(), label);
}

// ---------------------------------------------------------------------------
// Boost.Graph adapter: the CSR arrays seen as an IncidenceGraph whose out-edges
// of u are u's positions in one CSR direction (or two, for kBoth), restricted
// to the allowed types. No copy of the arrays is made.
namespace detail {

struct BfsEdge {
  VertexIndex source = 0, target = 0;
  uint32_t rel = 0;  // index into rel_ids
  bool operator==(const BfsEdge& o) const {
    return source == o.source && target == o.target && rel == o.rel;
  }
};

struct BfsGraph {
  GraphView::Csr first;
  GraphView::Csr second;  // second.offsets empty when only one direction
  const TypeFilter* types = nullptr;
};

BfsGraph MakeBfsGraph(const GraphView& view, Direction dir, const TypeFilter& types) {
  BfsGraph g;
  g.first = dir == Direction::kIn ? view.in() : view.out();
  if (dir == Direction::kBoth) g.second = view.in();
  g.types = &types;
  return g;
}

// The graph walked in the opposite direction (for the backward search side).
BfsGraph Reversed(const GraphView& view, Direction dir, const TypeFilter& types) {
  Direction back = dir == Direction::kOut ? Direction::kIn
                   : dir == Direction::kIn ? Direction::kOut
                                           : Direction::kBoth;
  return MakeBfsGraph(view, back, types);
}

class BfsOutEdgeIterator
    : public boost::iterator_facade<BfsOutEdgeIterator, BfsEdge, boost::forward_traversal_tag,
                                    BfsEdge> {
 public:
  BfsOutEdgeIterator() = default;
  BfsOutEdgeIterator(const BfsGraph* g, VertexIndex u, bool at_end) : g_(g), u_(u) {
    if (at_end) {
      phase_ = 2;
      return;
    }
    pos_ = g->first.offsets[u];
    end_ = g->first.offsets[u + 1];
    Settle();
  }

 private:
  friend class boost::iterator_core_access;
  const GraphView::Csr& list() const { return phase_ == 0 ? g_->first : g_->second; }
  void Settle() {
    for (;;) {
      if (pos_ == end_) {
        if (phase_ == 0 && !g_->second.offsets.empty()) {
          phase_ = 1;
          pos_ = g_->second.offsets[u_];
          end_ = g_->second.offsets[u_ + 1];
          continue;
        }
        phase_ = 2;
        pos_ = end_ = 0;
        return;
      }
      if (g_->types->Allows(list().types[pos_])) return;
      ++pos_;
    }
  }
  BfsEdge dereference() const { return {u_, list().nodes[pos_], list().rels[pos_]}; }
  void increment() {
    ++pos_;
    Settle();
  }
  bool equal(const BfsOutEdgeIterator& o) const { return phase_ == o.phase_ && pos_ == o.pos_; }

  const BfsGraph* g_ = nullptr;
  VertexIndex u_ = 0;
  int phase_ = 0;
  uint64_t pos_ = 0, end_ = 0;
};

}  // namespace detail
}  // namespace kg::graph

namespace boost {
template <>
struct graph_traits<kg::graph::detail::BfsGraph> {
  using vertex_descriptor = kg::graph::VertexIndex;
  using edge_descriptor = kg::graph::detail::BfsEdge;
  using directed_category = directed_tag;
  using edge_parallel_category = allow_parallel_edge_tag;
  using traversal_category = incidence_graph_tag;
  using out_edge_iterator = kg::graph::detail::BfsOutEdgeIterator;
  using degree_size_type = size_t;
  using vertices_size_type = size_t;
  using edges_size_type = size_t;
  static vertex_descriptor null_vertex() { return std::numeric_limits<vertex_descriptor>::max(); }
};
}  // namespace boost

namespace kg::graph {
namespace detail {

inline VertexIndex source(const BfsEdge& e, const BfsGraph&) { return e.source; }
inline VertexIndex target(const BfsEdge& e, const BfsGraph&) { return e.target; }
inline std::pair<BfsOutEdgeIterator, BfsOutEdgeIterator> out_edges(VertexIndex u,
                                                                   const BfsGraph& g) {
  return {BfsOutEdgeIterator(&g, u, false), BfsOutEdgeIterator(&g, u, true)};
}
inline size_t out_degree(VertexIndex u, const BfsGraph& g) {
  auto [b, e] = out_edges(u, g);
  return static_cast<size_t>(std::distance(b, e));
}

// Per-thread scratch state of one search, reused between calls so that a
// query pays for the vertices it touches rather than for the whole graph: an
// entry counts only when its stamp equals the current epoch.
struct Scratch {
  std::vector<uint32_t> stamp;
  uint32_t epoch = 0;
  std::vector<int32_t> dist;
  std::vector<uint8_t> color;
  std::vector<VertexIndex> pred;
  std::vector<uint32_t> pred_rel;
  std::vector<int32_t> head;  // AllShortestPaths: first PredEntry of a vertex

  void Begin(size_t n) {
    if (stamp.size() != n) {
      stamp.assign(n, 0);
      dist.assign(n, 0);
      color.assign(n, 0);
      pred.assign(n, 0);
      pred_rel.assign(n, 0);
      head.assign(n, 0);
      epoch = 0;
    }
    if (++epoch == 0) {
      std::fill(stamp.begin(), stamp.end(), 0);
      epoch = 1;
    }
  }
  bool Seen(VertexIndex v) const { return stamp[v] == epoch; }
  int32_t Dist(VertexIndex v) const { return Seen(v) ? dist[v] : -1; }
  // Marks v reached at distance d; its colour becomes white until Boost sets it.
  void Reach(VertexIndex v, int32_t d) {
    stamp[v] = epoch;
    dist[v] = d;
    color[v] = boost::white_color;
    head[v] = -1;
  }
};

// Two scratch areas per thread: the two sides of a bidirectional search.
Scratch& ThreadScratch(int which) {
  thread_local Scratch scratch[2];
  return scratch[which];
}

// Boost colour map over a Scratch: unreached vertices read as white.
struct ScratchColorMap {
  Scratch* s;
};

}  // namespace detail
}  // namespace kg::graph

namespace boost {
template <>
struct property_traits<kg::graph::detail::ScratchColorMap> {
  using value_type = default_color_type;
  using reference = default_color_type;
  using key_type = kg::graph::VertexIndex;
  using category = read_write_property_map_tag;
};
}  // namespace boost

namespace kg::graph {
namespace detail {

inline boost::default_color_type get(const ScratchColorMap& m, VertexIndex v) {
  return m.s->Seen(v) ? static_cast<boost::default_color_type>(m.s->color[v]) : boost::white_color;
}
inline void put(const ScratchColorMap& m, VertexIndex v, boost::default_color_type c) {
  // Only reached vertices are coloured: Reach() ran before (tree_edge, source).
  m.s->color[v] = static_cast<uint8_t>(c);
}

// FIFO queue for breadth_first_visit that does not expand vertices at
// `max_depth` (they are still discovered).
class DepthLimitedQueue {
 public:
  DepthLimitedQueue(const Scratch& s, int max_depth) : s_(s), max_depth_(max_depth) {}
  void push(VertexIndex v) {
    if (s_.dist[v] < max_depth_) queue_.push_back(v);
  }
  VertexIndex& top() { return queue_[head_]; }
  void pop() { ++head_; }
  bool empty() const { return head_ == queue_.size(); }

 private:
  const Scratch& s_;
  int max_depth_;
  std::vector<VertexIndex> queue_;
  size_t head_ = 0;
};

class ReachVisitor : public boost::default_bfs_visitor {
 public:
  ReachVisitor(Scratch& s, std::vector<VertexIndex>& order) : s_(&s), order_(&order) {}
  void tree_edge(const BfsEdge& e, const BfsGraph&) const {
    s_->Reach(e.target, s_->dist[e.source] + 1);
  }
  void discover_vertex(VertexIndex v, const BfsGraph&) const { order_->push_back(v); }

 private:
  Scratch* s_;
  std::vector<VertexIndex>* order_;
};

// One side of a bidirectional search, expanded one level per call.
struct SearchSide {
  BfsGraph g;
  Scratch& s;
  std::vector<VertexIndex> frontier, next;
  int level = 0;

  SearchSide(BfsGraph graph, Scratch& scratch, size_t n, VertexIndex start)
      : g(graph), s(scratch) {
    s.Begin(n);
    s.Reach(start, 0);
    frontier.push_back(start);
  }
};

// Queue for one level: the current frontier (re-seeded as sources) is
// processed, newly discovered vertices are set aside for the next level.
class LevelQueue {
 public:
  explicit LevelQueue(SearchSide& side) : side_(side) {}
  void push(VertexIndex v) {
    if (side_.s.dist[v] == side_.level)
      queue_.push_back(v);
    else
      side_.next.push_back(v);
  }
  VertexIndex& top() { return queue_[head_]; }
  void pop() { ++head_; }
  bool empty() const { return head_ == queue_.size(); }

 private:
  SearchSide& side_;
  std::vector<VertexIndex> queue_;
  size_t head_ = 0;
};

struct Meeting {
  int length = std::numeric_limits<int>::max();
  VertexIndex vertex = 0;
};

class LevelVisitor : public boost::default_bfs_visitor {
 public:
  LevelVisitor(SearchSide& self, const SearchSide& other, Meeting& meeting)
      : self_(&self.s), other_(&other.s), meeting_(&meeting) {}
  void tree_edge(const BfsEdge& e, const BfsGraph&) const {
    VertexIndex v = e.target;
    self_->Reach(v, self_->dist[e.source] + 1);
    self_->pred[v] = e.source;
    self_->pred_rel[v] = e.rel;
    int32_t other = other_->Dist(v);
    if (other >= 0) {
      int length = self_->dist[v] + other;
      if (length < meeting_->length) *meeting_ = {length, v};
    }
  }

 private:
  Scratch* self_;
  const Scratch* other_;
  Meeting* meeting_;
};

void ExpandLevel(SearchSide& side, const SearchSide& other, Meeting& meeting) {
  side.next.clear();
  LevelQueue queue(side);
  boost::breadth_first_visit(side.g, side.frontier.begin(), side.frontier.end(), queue,
                             LevelVisitor(side, other, meeting), ScratchColorMap{&side.s});
  side.frontier.swap(side.next);
  ++side.level;
}

// Thrown by a visitor to end a breadth-first search early.
struct StopSearch {};

struct PredEntry {
  VertexIndex from;
  uint32_t rel;
  int32_t next;  // next entry of the same vertex, -1 at the end
};

class AllPathsVisitor : public boost::default_bfs_visitor {
 public:
  struct State {
    Scratch* s = nullptr;
    std::vector<PredEntry> preds;
    VertexIndex target = 0;
    int target_dist = -1;
  };
  explicit AllPathsVisitor(State& st) : st_(&st) {}
  void examine_vertex(VertexIndex u, const BfsGraph&) const {
    // Vertices come out in distance order: once one at the target's distance
    // is examined, every predecessor of the target is known.
    if (st_->target_dist >= 0 && st_->s->dist[u] >= st_->target_dist) throw StopSearch{};
  }
  void tree_edge(const BfsEdge& e, const BfsGraph&) const {
    st_->s->Reach(e.target, st_->s->dist[e.source] + 1);
    AddPred(e);
    if (e.target == st_->target) st_->target_dist = st_->s->dist[e.target];
  }
  void non_tree_edge(const BfsEdge& e, const BfsGraph&) const {
    if (st_->s->dist[e.target] == st_->s->dist[e.source] + 1) AddPred(e);
  }

 private:
  void AddPred(const BfsEdge& e) const {
    st_->preds.push_back({e.source, e.rel, st_->s->head[e.target]});
    st_->s->head[e.target] = static_cast<int32_t>(st_->preds.size() - 1);
  }
  State* st_;
};

}  // namespace detail

std::vector<std::pair<NodeId, int>> GraphView::Reachable(NodeId start, Direction dir,
                                                         int max_hops,
                                                         const TypeFilter& types) const {
  std::vector<std::pair<NodeId, int>> result;
  auto s = IndexOf(start);
  if (!s || max_hops < 0) return result;
  Require(Walk(dir));
  detail::BfsGraph g = detail::MakeBfsGraph(*this, dir, types);
  detail::Scratch& scratch = detail::ThreadScratch(0);
  scratch.Begin(num_nodes_);
  scratch.Reach(*s, 0);
  std::vector<VertexIndex> order;
  detail::DepthLimitedQueue queue(scratch, max_hops);
  boost::breadth_first_visit(g, *s, queue, detail::ReachVisitor(scratch, order),
                             detail::ScratchColorMap{&scratch});
  result.reserve(order.size());
  for (VertexIndex v : order) result.emplace_back(Id(v), scratch.dist[v]);
  return result;
}

std::optional<Path> GraphView::ShortestPath(NodeId from, NodeId to, Direction dir, int max_hops,
                                            const TypeFilter& types) const {
  auto a = IndexOf(from), b = IndexOf(to);
  if (!a || !b || max_hops < 0) return std::nullopt;
  Require(kRelsOut | kRelsIn);  // one side walks out, the other in
  if (*a == *b) return Path{{from}, {}};
  detail::SearchSide fwd(detail::MakeBfsGraph(*this, dir, types), detail::ThreadScratch(0),
                         num_nodes_, *a);
  detail::SearchSide bwd(detail::Reversed(*this, dir, types), detail::ThreadScratch(1),
                         num_nodes_, *b);
  detail::Meeting meeting;
  // Alternate whole levels, always growing the smaller frontier. The first
  // level that makes the two searches touch holds a shortest path; taking
  // the minimum over that level's meetings makes it exact.
  while (meeting.length == std::numeric_limits<int>::max()) {
    if (fwd.frontier.empty() || bwd.frontier.empty()) return std::nullopt;
    if (fwd.level + bwd.level + 1 > max_hops) return std::nullopt;
    if (fwd.frontier.size() <= bwd.frontier.size())
      detail::ExpandLevel(fwd, bwd, meeting);
    else
      detail::ExpandLevel(bwd, fwd, meeting);
  }
  Path path;
  std::vector<VertexIndex> first_half;
  std::vector<uint32_t> first_rels;
  for (VertexIndex v = meeting.vertex; v != *a; v = fwd.s.pred[v]) {
    first_half.push_back(v);
    first_rels.push_back(fwd.s.pred_rel[v]);
  }
  path.nodes.push_back(from);
  for (size_t i = first_half.size(); i-- > 0;) {
    path.rels.push_back(RelAt(first_rels[i]));
    path.nodes.push_back(Id(first_half[i]));
  }
  for (VertexIndex v = meeting.vertex; v != *b; v = bwd.s.pred[v]) {
    path.rels.push_back(RelAt(bwd.s.pred_rel[v]));
    path.nodes.push_back(Id(bwd.s.pred[v]));
  }
  return path;
}

std::vector<Path> GraphView::AllShortestPaths(NodeId from, NodeId to, Direction dir, int max_hops,
                                              const TypeFilter& types, size_t limit) const {
  std::vector<Path> paths;
  auto a = IndexOf(from), b = IndexOf(to);
  if (!a || !b || max_hops < 0 || limit == 0) return paths;
  Require(Rels(dir));
  if (*a == *b) {
    paths.push_back(Path{{from}, {}});
    return paths;
  }
  detail::AllPathsVisitor::State state;
  state.s = &detail::ThreadScratch(0);
  state.s->Begin(num_nodes_);
  state.s->Reach(*a, 0);
  state.target = *b;
  detail::BfsGraph g = detail::MakeBfsGraph(*this, dir, types);
  detail::DepthLimitedQueue queue(*state.s, max_hops);
  try {
    boost::breadth_first_visit(g, *a, queue, detail::AllPathsVisitor(state),
                               detail::ScratchColorMap{state.s});
  } catch (const detail::StopSearch&) {
  }
  if (state.target_dist < 0) return paths;

  // Walk the predecessor DAG back from the target.
  const std::vector<int32_t>& head = state.s->head;
  std::vector<VertexIndex> nodes_rev{*b};
  std::vector<uint32_t> rels_rev;
  std::function<void(VertexIndex)> walk = [&](VertexIndex v) {
    if (paths.size() >= limit) return;
    if (v == *a) {
      Path p;
      for (size_t i = nodes_rev.size(); i-- > 0;) p.nodes.push_back(Id(nodes_rev[i]));
      for (size_t i = rels_rev.size(); i-- > 0;) p.rels.push_back(RelAt(rels_rev[i]));
      paths.push_back(std::move(p));
      return;
    }
    for (int32_t e = head[v]; e >= 0; e = state.preds[e].next) {
      nodes_rev.push_back(state.preds[e].from);
      rels_rev.push_back(state.preds[e].rel);
      walk(state.preds[e].from);
      nodes_rev.pop_back();
      rels_rev.pop_back();
    }
  };
  walk(*b);
  std::sort(paths.begin(), paths.end(),
            [](const Path& x, const Path& y) { return x.rels < y.rels; });
  return paths;
}

}  // namespace kg::graph
