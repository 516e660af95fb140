#include "format/parquet/parquet_test_util.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

namespace binlake::parquet::testing {
namespace {

class FileSink : public ObjectWriter {
 public:
  explicit FileSink(std::string path)
      : path_(std::move(path)), temp_(path_ + ".tmp"), out_(temp_, std::ios::binary) {}
  ~FileSink() override { Abort(); }
  Status Write(std::string_view data) override {
    out_.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out_) return IoError("writing " + temp_);
    bytes_ += data.size();
    return Status::Ok();
  }
  Status Close() override {
    out_.close();
    if (!out_) return IoError("closing " + temp_);
    std::error_code ec;
    std::filesystem::rename(temp_, path_, ec);
    if (ec) return IoError("renaming " + temp_ + ": " + ec.message());
    done_ = true;
    return Status::Ok();
  }
  void Abort() override {
    if (done_) return;
    done_ = true;
    out_.close();
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
  uint64_t bytes_written() const override { return bytes_; }

 private:
  std::string path_;
  std::string temp_;
  std::ofstream out_;
  uint64_t bytes_ = 0;
  bool done_ = false;
};

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

std::string JsDir() {
  const char* src = std::getenv("BINLAKE_SOURCE_DIR");
  return std::string(src != nullptr ? src : ".") + "/tests/js";
}

Result<std::string> RunCommand(const std::string& command) {
  std::string full = command;  // stderr goes to the test log
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr) return IoError("cannot run " + command);
  std::string out;
  std::array<char, 65536> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  int rc = pclose(pipe);
  if (rc != 0) return Internal("command failed (" + std::to_string(rc) + "): " + out);
  return out;
}

Result<nlohmann::json> ParseJson(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Internal("not JSON: " + text.substr(0, 500));
  return j;
}

}  // namespace

std::unique_ptr<ObjectWriter> NewFileSink(const std::string& path) {
  return std::make_unique<FileSink>(path);
}

std::string SqlQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  return out + "'";
}

Result<nlohmann::json> DuckDbQuery(const std::vector<std::string>& statements) {
  std::string cmd = "node " + ShellQuote(JsDir() + "/duckdb_query.mjs");
  for (const std::string& s : statements) cmd += " " + ShellQuote(s);
  ASSIGN_OR_RETURN(std::string out, RunCommand(cmd));
  return ParseJson(out);
}

Result<nlohmann::json> DuckDbQueryEach(const std::vector<std::string>& statements) {
  std::string cmd = "node " + ShellQuote(JsDir() + "/duckdb_query.mjs") + " --each";
  for (const std::string& s : statements) cmd += " " + ShellQuote(s);
  ASSIGN_OR_RETURN(std::string out, RunCommand(cmd));
  ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(out));
  if (!j.is_array() || j.size() != statements.size()) {
    return Internal("duckdb: expected the rows of " + std::to_string(statements.size()) +
                    " statements: " + out.substr(0, 500));
  }
  return j;
}

Result<nlohmann::json> HyparquetRead(const std::string& path) {
  ASSIGN_OR_RETURN(
      std::string out,
      RunCommand("node " + ShellQuote(JsDir() + "/hyparquet_read.mjs") + " " + ShellQuote(path)));
  return ParseJson(out);
}

Result<std::vector<nlohmann::json>> HyparquetReadMany(const std::vector<std::string>& paths) {
  std::string cmd = "node " + ShellQuote(JsDir() + "/hyparquet_read.mjs") + " --many";
  for (const std::string& p : paths) cmd += " " + ShellQuote(p);
  ASSIGN_OR_RETURN(std::string out, RunCommand(cmd));
  ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(out));
  if (!j.is_array() || j.size() != paths.size()) {
    return Internal("hyparquet: expected " + std::to_string(paths.size()) +
                    " results: " + out.substr(0, 500));
  }
  return std::vector<nlohmann::json>(j.begin(), j.end());
}

}  // namespace binlake::parquet::testing
