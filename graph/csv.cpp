// CSV reader and writer. The reader walks a read-only private mapping and
// hands out views into it; only quoted fields with doubled quotes are copied.
// Consumed pages are released as it goes so a large file does not stay in RSS.
#include "graph/csv.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kg::graph {

namespace {
constexpr size_t kReleaseChunk = size_t{8} << 20;
}

CsvReader::CsvReader(const std::string& path, char delimiter)
    : path_(path), delimiter_(delimiter) {
  for (char c : {delimiter, '\n', '\r', '"'}) stop_[static_cast<unsigned char>(c)] = true;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot read '" + path + "': " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error("cannot read '" + path + "': not a regular file");
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      throw Error("cannot map '" + path + "': " + std::strerror(errno));
    }
    ::madvise(p, size_, MADV_SEQUENTIAL);
    data_ = static_cast<const char*>(p);
  }
  ::close(fd);
  // A UTF-8 byte order mark is not part of the first field.
  if (size_ >= 3 && std::memcmp(data_, "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
}

CsvReader::~CsvReader() {
  if (data_) ::munmap(const_cast<char*>(data_), size_);
}

std::string CsvReader::Where() const { return path_ + ":" + std::to_string(record_line_); }

bool CsvReader::Next() {
  fields_.clear();
  scratch_.clear();
  scratch_spans_.clear();
  // Give consumed pages back (the mapping is read-only: they are clean).
  if (pos_ - released_ >= kReleaseChunk) {
    size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    size_t upto = (pos_ / page) * page;
    if (upto > released_) {
      ::madvise(const_cast<char*>(data_) + released_, upto - released_, MADV_DONTNEED);
      released_ = upto;
    }
  }
  // Skip blank lines.
  while (pos_ < size_ && (data_[pos_] == '\n' || data_[pos_] == '\r')) {
    if (data_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= size_) return false;
  record_line_ = line_;
  const char* d = data_;
  const char delim = delimiter_;
  while (true) {
    CsvField field;
    if (pos_ < size_ && d[pos_] == '"') {
      field.quoted = true;
      size_t start = ++pos_;
      bool escaped = false;
      size_t scratch_start = scratch_.size();
      while (true) {
        if (pos_ >= size_)
          throw Error(Where() + ": unterminated quoted field (missing closing \")");
        char c = d[pos_];
        if (c == '"') {
          if (pos_ + 1 < size_ && d[pos_ + 1] == '"') {
            if (!escaped) {
              escaped = true;
              scratch_.append(d + start, pos_ - start);
            }
            scratch_.push_back('"');
            pos_ += 2;
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        if (escaped) scratch_.push_back(c);
        ++pos_;
      }
      if (escaped) {
        scratch_spans_.push_back({fields_.size(), scratch_start, scratch_.size() - scratch_start});
      } else {
        field.text = std::string_view(d + start, pos_ - start);
      }
      ++pos_;  // closing quote
      if (pos_ < size_ && d[pos_] != delim && d[pos_] != '\n' && d[pos_] != '\r')
        throw Error(Where() + ": unexpected character after a closing quote in field " +
                    std::to_string(fields_.size() + 1));
    } else {
      size_t start = pos_;
      while (pos_ < size_ && !stop_[static_cast<unsigned char>(d[pos_])]) ++pos_;
      if (pos_ < size_ && d[pos_] == '"')
        throw Error(Where() + ": stray quote inside unquoted field " +
                    std::to_string(fields_.size() + 1) + " (quote the whole field)");
      field.text = std::string_view(d + start, pos_ - start);
    }
    fields_.push_back(field);
    if (pos_ >= size_) break;
    char c = d[pos_];
    if (c == delim) {
      ++pos_;
      continue;
    }
    if (c == '\r') ++pos_;
    if (pos_ < size_ && d[pos_] == '\n') {
      ++pos_;
      ++line_;
    }
    break;
  }
  // scratch_ may have moved while it grew: point the views at it only now.
  for (const auto& span : scratch_spans_)
    fields_[span.field].text = std::string_view(scratch_.data() + span.offset, span.length);
  return true;
}

void AppendCsvField(std::string& out, std::string_view text, bool always_quote) {
  bool quote = always_quote || text.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out.append(text);
    return;
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace kg::graph
