// `binlake binlog decode FILE... [--format jsonl|text] [--start-position N] [--stop-position N]
//  [--stats]`: decodes binlog files offline (plain or gzip'd) and prints one record per row
// change, or with --stats a count of events by type instead.
//
// Positions follow mysqlbinlog: --start-position applies to the first file (its
// FORMAT_DESCRIPTION is still read) and must be an event boundary outside a transaction's
// middle; --stop-position applies to the last file and excludes events starting at or after it.
#include <cstdio>
#include <string>
#include <vector>

#include "binlog/binlog_file_reader.h"
#include "binlog/event_pump.h"
#include "binlog/row_render.h"
#include "cli/commands.h"

namespace binlake::cli {
namespace {

struct DecodeOptions {
  std::vector<std::string> files;
  std::string format = "jsonl";
  uint64_t start_position = 0;
  uint64_t stop_position = 0;
  bool stats = false;
  bool no_checksum = false;
  std::string binary_encoding = "hex";
};

// Buffers output and writes it in large chunks.
class Output {
 public:
  ~Output() { Flush(); }
  std::string& buf() { return buf_; }
  void MaybeFlush() {
    if (buf_.size() >= (1u << 20)) Flush();
  }
  void Flush() {
    if (!buf_.empty()) std::fwrite(buf_.data(), 1, buf_.size(), stdout);
    buf_.clear();
  }

 private:
  std::string buf_;
};

class PrintSink : public binlog::EventSink {
 public:
  PrintSink(const DecodeOptions& o, Output* out) : text_(o.format == "text"), out_(out) {
    render_.binary_encoding =
        o.binary_encoding == "base64" ? BinaryEncoding::kBase64 : BinaryEncoding::kHex;
    print_rows_ = !o.stats;
  }
  Status OnRowChange(const binlog::RowChangeEvent& row) override {
    if (!print_rows_) return Status::Ok();
    if (text_) {
      binlog::AppendRowChangeText(row, render_, &out_->buf());
    } else {
      binlog::AppendRowChangeJson(row, render_, &out_->buf());
      out_->buf().push_back('\n');
    }
    out_->MaybeFlush();
    return Status::Ok();
  }

 private:
  bool text_;
  bool print_rows_;
  Output* out_;
  RenderOptions render_;
};

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) {
    name.resize(name.size() - 3);
  }
  return name;
}

void PrintStats(const binlog::PumpStats& s, bool text, Output* out) {
  std::string& o = out->buf();
  auto counts = [&](const std::array<uint64_t, 256>& c, const char* indent) {
    bool first = true;
    for (size_t t = 0; t < c.size(); ++t) {
      if (c[t] == 0) continue;
      std::string name(binlog::EventTypeName(static_cast<uint8_t>(t)));
      if (text) {
        char line[96];
        std::snprintf(line, sizeof line, "%s%-28s %llu\n", indent, name.c_str(),
                      static_cast<unsigned long long>(c[t]));
        o += line;
      } else {
        if (!first) o += ",";
        o += "\"" + name + "\":" + std::to_string(c[t]);
      }
      first = false;
    }
  };
  uint64_t total = 0, inner = 0;
  for (uint64_t c : s.events) total += c;
  for (uint64_t c : s.inner_events) inner += c;
  if (text) {
    o += "events: " + std::to_string(total) + "\n";
    counts(s.events, "  ");
    if (inner > 0) {
      o += "events inside TRANSACTION_PAYLOAD: " + std::to_string(inner) + "\n";
      counts(s.inner_events, "  ");
    }
    o += "skipped events: " + std::to_string(s.skipped) + "\n";
    o += "row changes: " + std::to_string(s.row_changes) + "\n";
    if (s.unresolved_partial_json > 0) {
      o += "partial JSON updates without a before-image (column left out): " +
           std::to_string(s.unresolved_partial_json) + "\n";
    }
    o += "bytes: " + std::to_string(s.bytes) + "\n";
  } else {
    o += "{\"events\":{";
    counts(s.events, "");
    o += "},\"inner_events\":{";
    counts(s.inner_events, "");
    o += "},\"total_events\":" + std::to_string(total) +
         ",\"skipped_events\":" + std::to_string(s.skipped) +
         ",\"row_changes\":" + std::to_string(s.row_changes) +
         ",\"unresolved_partial_json\":" + std::to_string(s.unresolved_partial_json) +
         ",\"bytes\":" + std::to_string(s.bytes) + "}\n";
  }
}

Status Decode(const DecodeOptions& o) {
  Output out;
  PrintSink sink(o, &out);
  binlog::PumpOptions popts;
  popts.verify_checksum = !o.no_checksum;
  binlog::EventPump pump(popts, &sink);
  for (size_t i = 0; i < o.files.size(); ++i) {
    const std::string& path = o.files[i];
    bool first = i == 0, last = i + 1 == o.files.size();
    ASSIGN_OR_RETURN(auto reader, binlog::BinlogFileReader::Open(path));
    pump.StartFile(BaseName(path));
    bool need_skip = first && o.start_position > 4;
    bool just_skipped = false;  // errors right after a skip hint at a bad --start-position
    auto hint = [&](Status st) {
      return just_skipped ? st.WithContext("--start-position " + std::to_string(o.start_position) +
                                           " is not an event boundary?")
                          : st;
    };
    while (true) {
      Result<std::optional<binlog::FileEvent>> next = reader->Next();
      if (!next.ok()) return hint(next.status().WithContext(path));
      if (!next.value()) break;
      const binlog::FileEvent& ev = *next.value();
      if (last && o.stop_position > 0 && ev.offset >= o.stop_position) break;
      Status st = pump.Feed(ev.bytes, ev.offset);
      if (!st.ok()) {
        bool framing = st.message().find("CRC32 mismatch") != std::string::npos;
        return framing ? hint(st) : st;
      }
      just_skipped = false;
      if (need_skip) {
        need_skip = false;
        if (o.start_position > reader->position()) {
          RETURN_IF_ERROR(reader->SkipTo(o.start_position).WithContext(path));
          just_skipped = true;
        }
      }
    }
    out.MaybeFlush();
  }
  if (o.stats) PrintStats(pump.stats(), o.format == "text", &out);
  out.Flush();
  if (std::fflush(stdout) != 0) return IoError("writing to stdout failed");
  return Status::Ok();
}

}  // namespace

void RegisterBinlogCommands(CLI::App& root, CommandTable& table) {
  CLI::App* binlog = root.add_subcommand("binlog", "Work with MySQL/MariaDB binary log files");
  binlog->require_subcommand(1);
  auto opts = std::make_shared<DecodeOptions>();
  CLI::App* decode = binlog->add_subcommand(
      "decode", "Decode binlog files (plain or .gz) offline: one record per row change");
  decode->add_option("files", opts->files, "Binlog files, in order")->required();
  decode->add_option("--format", opts->format, "Output format: jsonl (default) or text")
      ->check(CLI::IsMember({"jsonl", "text"}));
  decode->add_option("--start-position", opts->start_position,
                     "Start at this event position of the first file");
  decode->add_option("--stop-position", opts->stop_position,
                     "Stop before the first event at or after this position of the last file");
  decode->add_flag("--stats", opts->stats,
                   "Decode everything but print only counts of events by type and row changes");
  decode->add_flag("--no-verify-checksum", opts->no_checksum, "Do not verify event CRC32s");
  decode
      ->add_option("--binary-encoding", opts->binary_encoding,
                   "Binary values as hex (default) or base64")
      ->check(CLI::IsMember({"hex", "base64"}));
  table.Add(decode, [opts] {
    Status st = Decode(*opts);
    return st.ok() ? 0 : ReportFailure(st);
  });
}

}  // namespace binlake::cli
