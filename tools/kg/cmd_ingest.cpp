// `kg ingest PATH...`: read articles (files, directories, or - for stdin),
// extract entities, relations, amounts, dates and quotes, and add them to the
// graph. A bad file is reported and skipped. Articles are committed in batches
// (one transaction per few MB of text: a commit writes every page it touched
// to the WAL, and successive articles touch the same index pages); an
// interrupted run keeps the batches committed before it, and running it again
// skips them by content hash.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <unistd.h>

#include "ingest/pipeline.h"
#include "ingest/text.h"
#include "tools/kg/cli.h"

namespace kg::cli {

namespace {

namespace fs = std::filesystem;

struct IngestArgs {
  std::vector<std::string> paths;
  std::string lang = "auto";
  std::string title, url, date, corpus;
  bool dry_run = false, explain = false, views = false;
  double max_mb = 16;
};

// A batch ends after this many bytes of article text or this many articles.
constexpr size_t kBatchBytes = 8u << 20;
constexpr size_t kBatchArticles = 2000;

// A bulk load: at least this many bytes of input, and at least 1/kBulkRatio
// of the database's size. It drops the indexes the writer does not read, so
// that each evidence row and relationship costs no random B-tree inserts in
// them (which grow with the database: 10,000 articles took 40 s to store
// instead of 3.3 times the 9.6 s of 3,000), and rebuilds them at the end,
// one sort each. Below that size, the rebuild would cost more than it saves.
constexpr uintmax_t kBulkMinBytes = 256u << 10;
constexpr uintmax_t kBulkRatio = 8;

// Drops the indexes for a bulk load and rebuilds them when done, also when
// the run ends by an error. A run that is killed leaves them dropped: the
// answers stay right, only slower, and the next store opened for writing
// rebuilds them. Meanwhile SQLite's per-row foreign-key lookups are off
// (3,000 articles: 5% less time): the writer refers only to rows it has just
// read or written, and `kg check` verifies every reference. So are the CHECK
// constraints of the evidence table, which Store::AddEvidenceRows checks in
// C++ for every row before it writes it. And the store writes through a
// rollback journal instead of the WAL (Store::UseRollbackJournal), when no
// other connection has it open: the pages a bulk load appends are written
// once instead of twice (10,000 bench articles: the batches' commits took
// 0.66 s instead of 1.1 s, medians of 3 alternated runs).
class BulkIndexes {
 public:
  BulkIndexes(graph::Store& store, const std::vector<std::string>& names) : store_(store) {
    store_.DropIndexes(names);
    store_.db().Exec("PRAGMA foreign_keys=OFF");  // outside a transaction: it is a no-op inside one
    store_.db().Exec("PRAGMA ignore_check_constraints=ON");
    rollback_journal_ = store_.UseRollbackJournal(true);
  }
  BulkIndexes(const BulkIndexes&) = delete;
  BulkIndexes& operator=(const BulkIndexes&) = delete;
  ~BulkIndexes() {
    if (done_) return;
    try {
      Restore();
    } catch (const std::exception& e) {
      std::cerr << "kg: could not rebuild the indexes (" << e.what()
                << "); the next write to the database rebuilds them\n";
    }
  }
  void Restore() {
    store_.db().Exec("PRAGMA foreign_keys=ON");
    store_.db().Exec("PRAGMA ignore_check_constraints=OFF");
    store_.RestoreIndexes();
    // Back to the WAL, which every open for writing also asks for.
    if (rollback_journal_) store_.UseRollbackJournal(false);
    done_ = true;
  }

 private:
  graph::Store& store_;
  bool rollback_journal_ = false;
  bool done_ = false;
};

bool IsBulkLoad(graph::Store& store, const std::vector<std::string>& files) {
  if (files.size() < 2) return false;
  uintmax_t bytes = 0;
  for (const auto& f : files) {
    std::error_code ec;
    if (f == "-") continue;
    auto size = fs::file_size(f, ec);
    if (!ec) bytes += size;
  }
  if (bytes < kBulkMinBytes) return false;
  graph::Statement count(store.db(), "PRAGMA page_count");
  graph::Statement size(store.db(), "PRAGMA page_size");
  count.Step();
  size.Step();
  auto db_bytes = static_cast<uintmax_t>(count.ColumnInt(0)) * static_cast<uintmax_t>(size.ColumnInt(0));
  return bytes * kBulkRatio >= db_bytes;
}

bool Ingestible(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return ext == ".txt" || ext == ".md" || ext == ".markdown" || ext == ".html" || ext == ".htm";
}

// Expands directories (recursively, sorted); keeps files and "-" as given.
std::vector<std::string> Expand(const std::vector<std::string>& paths, std::vector<std::string>& missing) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    if (p == "-") {
      out.push_back(p);
      continue;
    }
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> files;
      for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
           it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (it->is_regular_file(ec) && Ingestible(it->path())) files.push_back(it->path().string());
      }
      std::sort(files.begin(), files.end());
      out.insert(out.end(), files.begin(), files.end());
    } else if (fs::exists(p, ec)) {
      out.push_back(p);
    } else {
      missing.push_back(p);
    }
  }
  return out;
}

std::string ReadAll(const std::string& path, size_t limit) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) throw ingest::IngestError("cannot read: " + ec.message());
  if (size > limit)
    throw ingest::IngestError("file too large (" + std::to_string(size >> 20) + " MB; limit " +
                              std::to_string(limit >> 20) + " MB, see --max-mb)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ingest::IngestError("cannot read (missing or not readable)");
  std::string data(size, '\0');
  in.read(data.data(), static_cast<std::streamsize>(size));
  data.resize(static_cast<size_t>(in.gcount()));
  return data;
}

int RunIngest(const GlobalOptions& global, const IngestArgs& a) {
  std::string corpus = a.corpus.empty() ? ingest::Pipeline::DefaultCorpusDir() : a.corpus;
  ingest::Pipeline pipeline(corpus);
  std::vector<std::string> missing;
  auto files = Expand(a.paths, missing);
  bool single = files.size() + missing.size() == 1;
  std::unique_ptr<graph::Store> store;
  std::unique_ptr<ingest::GraphWriter> writer;
  if (!a.dry_run) {
    store = OpenStore(global, graph::Store::Mode::kReadWrite);
    // A bulk load touches index pages all over the file: a larger page cache
    // keeps them in memory between the batch transactions. 32 MB, not more:
    // 10,000 generated articles (an older copy of the bench corpus) took
    // 18.0 / 18.3 s with it and 19.9 / 20.4 s with 256 MB, run in turn (peak
    // memory 94 MB instead of 256 MB).
    store->db().Exec("PRAGMA cache_size=-32768");
    store->db().Exec("PRAGMA wal_autocheckpoint=16384");
    writer = std::make_unique<ingest::GraphWriter>(*store, pipeline.rules().symmetric_types());
  }
  int64_t n_new = 0, n_same = 0, n_failed = 0, n_ent = 0, n_rel = 0, n_quote = 0;
  for (const auto& m : missing) {
    std::cerr << "kg: " << m << ": no such file or directory\n";
    ++n_failed;
  }
  size_t limit = static_cast<size_t>(a.max_mb * 1024 * 1024);
  bool progress = files.size() > 20 && isatty(STDERR_FILENO);
  auto t0 = std::chrono::steady_clock::now();
  // Declared before `batch`: a failed batch rolls back before the rebuild.
  std::optional<BulkIndexes> bulk;
  if (writer && IsBulkLoad(*store, files)) bulk.emplace(*store, writer->UnreadIndexes());
  std::optional<graph::Store::WriteTxn> batch;
  size_t batch_bytes = 0, batch_articles = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    const auto& f = files[i];
    try {
      std::string raw = ReadAll(f, limit);
      ingest::DocOptions o;
      o.lang = a.lang;
      o.max_bytes = limit;
      if (single && !a.title.empty()) o.title = a.title;
      if (single && !a.url.empty()) o.url = a.url;
      if (single && !a.date.empty()) o.date = a.date;
      if (f != "-") o.path = f;
      auto ex = pipeline.Extract(raw, ingest::GuessFormat(f, raw), o);
      if (a.explain) std::cout << "== " << f << "\n" << pipeline.Explain(ex, a.views);
      if (writer) {
        if (!batch) batch.emplace(*store);
        // A failure inside Write is a storage error: it ends the run, and
        // destroying `batch` rolls back the articles of this batch.
        auto st = writer->Write(ex);
        batch_bytes += ex.doc.text.size();
        if (++batch_articles >= kBatchArticles || batch_bytes >= kBatchBytes) {
          batch->Commit();
          batch.reset();
          batch_bytes = batch_articles = 0;
        }
        if (st.unchanged) {
          ++n_same;
        } else {
          ++n_new;
          n_ent += st.entities_added;
          n_rel += st.relations_added;
          n_quote += st.quotes_added;
        }
      } else {
        ++n_new;
      }
    } catch (const ingest::IngestError& e) {
      std::cerr << (progress ? "\n" : "") << "kg: " << f << ": " << e.what() << "\n";
      ++n_failed;
    }
    if (progress && (i % 50 == 0 || i + 1 == files.size())) {
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::cerr << "\r[" << (i + 1) << "/" << files.size() << "] " << n_failed << " failed, "
                << static_cast<int>((i + 1) / std::max(secs, 1e-3)) << " articles/s" << std::flush;
    }
  }
  if (batch) batch->Commit();
  batch.reset();
  if (bulk) bulk->Restore();
  if (progress) std::cerr << "\n";
  std::ostream& sum = a.explain ? std::cerr : std::cout;
  sum << (a.dry_run ? "dry run: " : "") << "articles: " << n_new << " new, " << n_same << " unchanged, "
      << n_failed << " failed; added " << n_ent << " entities, " << n_rel << " relations, " << n_quote
      << " quotes\n";
  if (n_failed > 0) {
    std::cerr << "kg: " << n_failed << " file(s) failed (see messages above)\n";
    return kError;
  }
  return kOk;
}

}  // namespace

void RegisterIngestCommands(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto args = std::make_shared<IngestArgs>();
  auto* cmd = app.add_subcommand("ingest", "Extract entities, relations and quotes from articles");
  cmd->add_option("paths", args->paths, "Files, directories (.txt .md .html, recursively), or - for stdin")
      ->required();
  cmd->add_option("--lang", args->lang, "Language of the articles: fr, en or auto (default)")
      ->check(CLI::IsMember({"fr", "en", "auto"}));
  cmd->add_option("--title", args->title, "Title (single input only; otherwise from the document)");
  cmd->add_option("--url", args->url, "Source URL (single input only)");
  cmd->add_option("--date", args->date, "Publication date (single input only)");
  cmd->add_flag("--dry-run", args->dry_run, "Extract without writing to the database");
  cmd->add_flag("--explain", args->explain,
                "Print each sentence with its [entities], relations and quotes with the rule that fired");
  cmd->add_flag("--views", args->views, "With --explain: also print the tagged views the rules match");
  cmd->add_option("--corpus", args->corpus, "Directory with gazetteers/, lexicon/ and rules/ (default: $KG_CORPUS or the source corpus/)");
  cmd->add_option("--max-mb", args->max_mb, "Refuse files larger than this many MB (default 16)");
  cmd->callback([&, args] { action = [&, args] { return RunIngest(global, *args); }; });
}

}  // namespace kg::cli
