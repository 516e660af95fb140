#include "materialize/training_part_writer.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>

#include "common/spill_file.h"

namespace binlake {
namespace {

constexpr size_t kSpillBuffer = 1u << 20;
constexpr size_t kUploadChunk = 4u << 20;

bool NeedsQuotes(std::string_view text) {
  return text.find_first_of(",\"\r\n") != std::string_view::npos;
}

void AppendCsvField(std::string_view text, std::string* out) {
  if (!NeedsQuotes(text)) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace

Result<std::unique_ptr<TrainingPartWriter>> TrainingPartWriter::Create(
    ObjectStore& output, TableSchema table, const CsvOptions& dialect, const TrainingLayout& layout,
    const std::string& spill_dir, std::function<std::string()> next_part_name) {
  ASSIGN_OR_RETURN(TrainingColumns columns, ResolveTrainingColumns(table, layout));
  ASSIGN_OR_RETURN(int fd, CreateSpillFile(spill_dir));
  return std::unique_ptr<TrainingPartWriter>(
      new TrainingPartWriter(output, std::move(table), dialect, layout, std::move(columns), fd,
                             std::move(next_part_name)));
}

TrainingPartWriter::TrainingPartWriter(ObjectStore& output, TableSchema table,
                                       const CsvOptions& dialect, const TrainingLayout& layout,
                                       TrainingColumns columns, int spill_fd,
                                       std::function<std::string()> next_part_name)
    : output_(output),
      table_(std::move(table)),
      layout_(layout),
      columns_(std::move(columns)),
      scanner_(dialect),
      spill_fd_(spill_fd),
      next_part_name_(std::move(next_part_name)) {
  unquoted_.resize(table_.columns.size());
  numbers_.reserve(columns_.features.size());
}

TrainingPartWriter::~TrainingPartWriter() { ::close(spill_fd_); }

Result<std::string_view> TrainingPartWriter::FieldText(int c) {
  const CsvField& field = fields_[c];
  if (!scanner_.IsNull(field)) return scanner_.Text(field, &unquoted_[c]);
  if (layout_.null_as) return std::string_view(*layout_.null_as);
  std::string row;
  if (table_.primary_key.empty()) {
    row = "row " + std::to_string(rows_ + 1) + " in key order";
  } else {
    row = "the row with ";
    std::string scratch;
    for (size_t i = 0; i < table_.primary_key.size(); ++i) {
      const int k = table_.primary_key[i];
      if (i > 0) row += ", ";
      row += table_.columns[k].name + "=" + std::string(scanner_.Text(fields_[k], &scratch));
    }
  }
  return PreconditionFailed("table " + table_.schema + "." + table_.table + ": column '" +
                            table_.columns[c].name + "' is NULL in " + row +
                            ": give --null-as VALUE, or leave the column out");
}

Status TrainingPartWriter::AppendCsvExample() {
  ASSIGN_OR_RETURN(std::string_view label, FieldText(columns_.label));
  AppendCsvField(label, &buffer_);
  for (int c : columns_.features) {
    ASSIGN_OR_RETURN(std::string_view text, FieldText(c));
    buffer_.push_back(',');
    AppendCsvField(text, &buffer_);
  }
  buffer_.push_back('\n');
  return Status::Ok();
}

Status TrainingPartWriter::AppendRecordExample() {
  auto number = [&](int c) -> Result<float> {
    ASSIGN_OR_RETURN(std::string_view text, FieldText(c));
    float v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    // Out of float32's range: an error rather than a silent infinity.
    if (ec != std::errc() || end != text.data() + text.size()) {
      return PreconditionFailed("table " + table_.schema + "." + table_.table + ": column '" +
                                table_.columns[c].name + "' holds '" + std::string(text) +
                                "', not a float32 number");
    }
    return v;
  };
  ASSIGN_OR_RETURN(float label, number(columns_.label));
  numbers_.clear();
  for (int c : columns_.features) {
    ASSIGN_OR_RETURN(float v, number(c));
    numbers_.push_back(v);
  }
  return encoder_.Append(label, numbers_, &buffer_);
}

void TrainingPartWriter::NoteBoundary() {
  if (rows_ % boundary_stride_ != 0) return;
  boundaries_.push_back({spilled_ + buffer_.size(), rows_});
  const size_t bound = std::max<size_t>(1u << 18, 4 * layout_.objects_min);
  if (boundaries_.size() < bound) return;
  // Keep the boundaries after an even number of strides: every other one.
  size_t kept = 0;
  for (size_t i = 1; i < boundaries_.size(); i += 2) boundaries_[kept++] = boundaries_[i];
  boundaries_.resize(kept);
  boundary_stride_ *= 2;
}

Status TrainingPartWriter::FlushSpill() {
  RETURN_IF_ERROR(WriteSpill(spill_fd_, buffer_.data(), buffer_.size()));
  spilled_ += buffer_.size();
  buffer_.clear();
  return Status::Ok();
}

Status TrainingPartWriter::Row(std::string_view key, std::string_view row) {
  RETURN_IF_ERROR(ScanPartRow(scanner_, row, table_.columns.size(), &fields_));
  if (layout_.format == TrainingLayout::Format::kCsv) {
    RETURN_IF_ERROR(AppendCsvExample());
  } else {
    RETURN_IF_ERROR(AppendRecordExample());
  }
  ++rows_;
  NoteBoundary();
  if (buffer_.size() >= kSpillBuffer) RETURN_IF_ERROR(FlushSpill());
  return Status::Ok();
}

Status TrainingPartWriter::Upload(uint64_t begin, uint64_t end, uint64_t rows) {
  PartInfo part;
  part.file = next_part_name_();
  part.rows = rows;
  part.bytes = end - begin;
  PutOptions create;
  create.if_none_match = true;
  create.content_type = layout_.format == TrainingLayout::Format::kCsv
                            ? "text/csv"
                            : "application/x-recordio-protobuf";
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> writer, output_.NewWriter(part.file, create));
  created_.push_back(part.file);
  std::string chunk;
  for (uint64_t at = begin; at < end;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kUploadChunk, end - at));
    chunk.resize(n);
    Status s = ReadSpill(spill_fd_, at, n, chunk.data());
    if (s.ok()) s = writer->Write(chunk);
    if (!s.ok()) {
      writer->Abort();
      return s.WithContext("writing " + output_.Describe() + "/" + part.file);
    }
    at += n;
  }
  RETURN_IF_ERROR(writer->Close().WithContext("writing " + output_.Describe() + "/" + part.file));
  parts_.push_back(std::move(part));
  return Status::Ok();
}

Result<std::vector<PartInfo>> TrainingPartWriter::Finish() {
  RETURN_IF_ERROR(FlushSpill());
  if (rows_ == 0) return parts_;
  const std::string table = table_.schema + "." + table_.table;
  if (rows_ < layout_.objects_min) {
    return PreconditionFailed(
        "table " + table + " has " + std::to_string(rows_) + " row(s): too few for --objects-min " +
        std::to_string(layout_.objects_min) + " (each object holds at least one example)");
  }
  const uint64_t total = spilled_;
  if (boundaries_.empty() || boundaries_.back().end != total) boundaries_.push_back({total, rows_});
  const uint64_t by_size = (total + layout_.object_bytes - 1) / layout_.object_bytes;
  const uint64_t n =
      std::min<uint64_t>(std::max<uint64_t>(layout_.objects_min, by_size), boundaries_.size());
  // Object k ends at the first boundary at or past k/n of the bytes, leaving a boundary for each
  // object still to come.
  uint64_t begin = 0, begin_rows = 0;
  size_t previous = 0;  // boundaries used so far
  for (uint64_t k = 1; k < n; ++k) {
    const uint64_t goal = static_cast<uint64_t>(static_cast<unsigned __int128>(total) * k / n);
    size_t i = std::lower_bound(boundaries_.begin(), boundaries_.end(), goal,
                                [](const Boundary& b, uint64_t g) { return b.end < g; }) -
               boundaries_.begin();
    i = std::max(i, previous);
    i = std::min<size_t>(i, boundaries_.size() - 1 - (n - k));
    RETURN_IF_ERROR(Upload(begin, boundaries_[i].end, boundaries_[i].rows - begin_rows));
    begin = boundaries_[i].end;
    begin_rows = boundaries_[i].rows;
    previous = i + 1;
  }
  RETURN_IF_ERROR(Upload(begin, total, rows_ - begin_rows));
  return parts_;
}

void TrainingPartWriter::Discard() {
  for (const std::string& key : created_) (void)output_.Delete(key);
  created_.clear();
  parts_.clear();
}

}  // namespace binlake
