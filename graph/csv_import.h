// Bulk import of nodes and relationships from CSV files, in one transaction.
// Two header syntaxes are understood, chosen per file from its header:
//  - neo4j-admin: `:ID` (or `prop:ID`, `:ID(space)`), `:LABEL` (labels split
//    on ';'), `:START_ID`, `:END_ID`, `:TYPE`, `:IGNORE`, and typed property
//    columns `name`, `n:int|long|short|byte`, `x:float|double`, `b:boolean`,
//    `s:string`, any of them as an array `t:string[]` (elements split on ';').
//    An unquoted empty field sets no property; "" is the empty string. The
//    file ids only map rows to nodes (a `prop:ID` column also keeps the id
//    as property `prop`, as neo4j-admin does).
//  - plain: nodes `id,label,name,...`, relationships `src,dst,type,...` (the
//    files of the shared benchmark). The id is kept as property `id` (an
//    integer when it is one); other columns are string properties; `label`
//    may hold several labels split on ';'.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/error.h"
#include "graph/store.h"

namespace kg::graph {

// Bad input rows. what() lists them, one "FILE:LINE: problem" per line.
class ImportError : public Error {
 public:
  explicit ImportError(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::vector<std::string> problems_;
};

struct CsvImportOptions {
  std::vector<std::string> node_files;          // read in order, before the relationships
  std::vector<std::string> relationship_files;  // read in order
  char delimiter = ',';
  char array_delimiter = ';';
  // The database file was created for this import: journaling and fsync are
  // turned off while loading. On failure the caller must delete the file, as
  // a rollback is not possible then.
  bool new_file = false;
  // Stop collecting problems after this many (the import fails anyway).
  size_t max_problems = 20;
};

struct ImportStats {
  int64_t nodes = 0;
  int64_t relationships = 0;
  double seconds = 0;      // wall time of the whole import
  double cpu_seconds = 0;  // CPU time (user + system) of this process during the import
  // Phases, in seconds: nodes, relationships, index rebuild, commit.
  double nodes_seconds = 0, relationships_seconds = 0, index_seconds = 0, commit_seconds = 0;
  // Inside the nodes phase: parsing the node files then writing the nodes
  // (with their index rebuild); at the same time, on a second thread,
  // reading the relationships then sorting them.
  double node_parse_seconds = 0, node_write_seconds = 0, rel_read_seconds = 0,
         rel_sort_seconds = 0;
};

// Imports the files into `store` in one write transaction: all rows or none.
// Throws ImportError listing the bad rows (missing id, duplicate id, unknown
// start or end node, a value not of its column's type, a wrong number of
// columns, malformed quoting), Error when a file cannot be read.
// REQUIRES: no transaction is open on `store`.
ImportStats ImportCsv(Store& store, const CsvImportOptions& options);

// Imports a file written by ExportJson (graph/json_export.h). The file's ids
// map to new node ids; relationships get new ids in file order. One
// transaction; throws ImportError on a malformed file or dangling end.
ImportStats ImportJson(Store& store, const std::string& path);

}  // namespace kg::graph
