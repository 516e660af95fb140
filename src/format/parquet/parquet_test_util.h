// Test helpers for the Parquet writer tests: a file-backed ObjectWriter (the real local store
// lives in src/store), temporary directories, and the independent readers run through node:
// DuckDB (tests/js/duckdb_query.mjs) and hyparquet (tests/js/hyparquet_read.mjs).
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/object_writer.h"
#include "common/status.h"
#include "common/testing/temp_dir.h"

namespace binlake::parquet::testing {

// Writes to `path`.tmp and renames it to `path` on Close; Abort removes the temp file.
std::unique_ptr<ObjectWriter> NewFileSink(const std::string& path);

// An ObjectWriter that counts bytes and keeps nothing (for memory and speed tests).
class CountingSink : public ObjectWriter {
 public:
  Status Write(std::string_view data) override {
    bytes_ += data.size();
    return Status::Ok();
  }
  Status Close() override {
    closed_ = true;
    return Status::Ok();
  }
  void Abort() override {}
  uint64_t bytes_written() const override { return bytes_; }
  bool closed() const { return closed_; }

 private:
  uint64_t bytes_ = 0;
  bool closed_ = false;
};

// A fresh directory under $TMPDIR (or /tmp), removed by the destructor.
using TempDir = ::binlake::TempDir;

// Runs SQL statements in DuckDB; the rows of the last one as a JSON array of objects whose
// values are DuckDB's VARCHAR casts (or null).
Result<nlohmann::json> DuckDbQuery(const std::vector<std::string>& statements);
// Like DuckDbQuery, in one DuckDB process, but returns the rows of every statement: a JSON array
// with one element (an array of row objects) per statement, in order.
Result<nlohmann::json> DuckDbQueryEach(const std::vector<std::string>& statements);
// Reads `path` with hyparquet; see hyparquet_read.mjs for the output shape.
Result<nlohmann::json> HyparquetRead(const std::string& path);
// Reads every file of `paths` with one hyparquet process: one element per path, in order, each
// what HyparquetRead returns for it, or {"error": "..."} for a file hyparquet cannot read.
Result<std::vector<nlohmann::json>> HyparquetReadMany(const std::vector<std::string>& paths);

// SQL string literal.
std::string SqlQuote(const std::string& s);

}  // namespace binlake::parquet::testing
