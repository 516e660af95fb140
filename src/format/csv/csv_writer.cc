#include "format/csv/csv_writer.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "format/csv/gzip_writer.h"

namespace binlake {
namespace {

class CsvFileWriter final : public RowFileWriter {
 public:
  CsvFileWriter(const TableSchema& schema, const OutputColumns& columns, const CsvOptions& options,
                std::unique_ptr<ObjectWriter> sink)
      : sink_(std::move(sink)),
        delimiter_(options.delimiter),
        row_delimiter_(options.row_delimiter),
        null_value_(options.null_value),
        rfc4180_(options.rfc4180),
        render_(options.render),
        buffer_bytes_(options.buffer_bytes),
        gzip_(options.gzip),
        include_op_(columns.include_op),
        has_timestamp_(!columns.timestamp_column_name.empty()),
        has_sequence_(!columns.sequence_column_name.empty()) {
    types_.reserve(schema.columns.size());
    for (const Column& c : schema.columns) types_.push_back(c.type);
    special_.fill(false);
    for (unsigned char c : {'"', '\r', '\n'}) special_[c] = true;
    special_[static_cast<unsigned char>(delimiter_[0])] = true;
    special_[static_cast<unsigned char>(row_delimiter_[0])] = true;
    // The special bytes (3 to 5 distinct ones), each broadcast into a vector; unused entries
    // repeat the last one.
    size_t k = 0;
    for (int c = 0; c < 256; ++c) {
      if (!special_[c]) continue;
      for (size_t j = k; j < special_vec_.size(); ++j) {
        for (int b = 0; b < 16; ++b) special_vec_[j][b] = static_cast<unsigned char>(c);
      }
      ++k;
    }
    // Numbers and dates/times are rendered here (common/render_text.h) from a small
    // alphabet: when none of its bytes starts a delimiter or needs quotes, and the null value
    // cannot be spelled with it, their text never needs quoting and is not scanned.
    auto plain = [this](std::string_view alphabet) {
      for (unsigned char c : alphabet) {
        if (special_[c]) return false;
      }
      return null_value_.empty() || null_value_.find_first_not_of(alphabet) != std::string::npos;
    };
    const bool numbers = plain("-0123456789");
    const bool temporal = plain("-0123456789:. ");
    for (Value::Kind k : {Value::Kind::kInt, Value::Kind::kUInt, Value::Kind::kBit}) {
      plain_kind_[static_cast<size_t>(k)] = numbers;
    }
    for (Value::Kind k : {Value::Kind::kDate, Value::Kind::kTime, Value::Kind::kDateTime,
                          Value::Kind::kTimestamp}) {
      plain_kind_[static_cast<size_t>(k)] = temporal;
    }
    buf_.reserve(buffer_bytes_ + (buffer_bytes_ >> 2));
    if (options.header) WriteHeader(schema, columns);
  }

  ~CsvFileWriter() override {
    if (state_ == State::kOpen || state_ == State::kFailed) Abort();
  }

  Status Append(const RowMeta& meta, std::span<const Value> values) override {
    if (state_ != State::kOpen) return NotOpen();
    if (values.size() != types_.size()) {
      return InvalidArgument("CSV writer: row has " + std::to_string(values.size()) +
                             " values but the table has " + std::to_string(types_.size()) +
                             " columns");
    }
    bool first = true;
    if (include_op_) {
      if (meta.op != 'I' && meta.op != 'U' && meta.op != 'D') {
        return InvalidArgument("CSV writer: Op must be I, U or D");
      }
      buf_.push_back(meta.op);
      first = false;
    }
    if (has_timestamp_) {
      if (!first) buf_.append(delimiter_);
      AppendText(meta.timestamp);
      first = false;
    }
    if (has_sequence_) {
      if (!first) buf_.append(delimiter_);
      AppendText(meta.sequence);
      first = false;
    }
    for (size_t i = 0; i < values.size(); ++i) {
      if (!first) buf_.append(delimiter_);
      first = false;
      const Value& v = values[i];
      if (v.is_null()) {
        buf_.append(null_value_);
        continue;
      }
      const size_t start = buf_.size();
      AppendValueText(v, types_[i], render_, &buf_);
      if (!plain_kind_[static_cast<size_t>(v.kind())]) FinishField(start);
    }
    buf_.append(row_delimiter_);
    ++rows_;
    if (buf_.size() >= buffer_bytes_) return Flush();
    return Status::Ok();
  }

  uint64_t EstimatedSize() const override { return flushed_ + buf_.size(); }
  std::optional<uint64_t> NextRowOffset() const override {
    if (gzip_) return std::nullopt;
    return flushed_ + buf_.size();
  }
  uint64_t rows() const override { return rows_; }

  Status Finish() override {
    if (state_ == State::kPrepared) {
      state_ = State::kFinished;
      return sink_->Close();
    }
    if (state_ != State::kOpen) return NotOpen();
    Status s = Flush();
    if (!s.ok()) {
      Abort();
      return s;
    }
    state_ = State::kFinished;
    return sink_->Close();
  }

  Result<std::string> Prepare() override {
    if (state_ != State::kOpen) return NotOpen();
    Status s = Flush();
    if (!s.ok()) {
      Abort();
      return s;
    }
    state_ = State::kPrepared;
    return sink_->Prepare();
  }

  void Abort() override {
    if (state_ == State::kFinished || state_ == State::kAborted) return;
    state_ = State::kAborted;
    sink_->Abort();
  }

 private:
  enum class State { kOpen, kFailed, kPrepared, kFinished, kAborted };

  Status NotOpen() const {
    if (state_ == State::kFailed) return error_;
    return Internal("CSV writer: used after Finish or Abort");
  }

  void WriteHeader(const TableSchema& schema, const OutputColumns& columns) {
    bool first = true;
    auto name = [&](std::string_view n) {
      if (!first) buf_.append(delimiter_);
      first = false;
      AppendText(n);
    };
    if (columns.include_op) name("Op");
    if (!columns.timestamp_column_name.empty()) name(columns.timestamp_column_name);
    if (!columns.sequence_column_name.empty()) name(columns.sequence_column_name);
    for (const Column& c : schema.columns) name(c.name);
    buf_.append(row_delimiter_);
  }

  void AppendText(std::string_view text) {
    const size_t start = buf_.size();
    buf_.append(text);
    FinishField(start);
  }

  // Applies the quoting rules to the field rendered at buf_[start..].
  void FinishField(size_t start) {
    if (!rfc4180_) return;
    const size_t len = buf_.size() - start;
    if (len == 0) {
      if (null_value_.empty()) buf_.append("\"\"");  // empty string, distinct from NULL
      return;
    }
    if (NeedsQuoting(buf_.data() + start, len)) Quote(start);
  }

  bool NeedsQuoting(const char* p, size_t n) const {
    if (!null_value_.empty() && n == null_value_.size() &&
        std::memcmp(p, null_value_.data(), n) == 0) {
      return true;
    }
    size_t i = SkipOrdinary(p, n);
    // No special byte in the whole blocks: the last 16 bytes (overlapping them) settle the rest.
    if (i + 16 > n && n >= 16 && !HasSpecial(p + n - 16)) return false;
    for (; i < n; ++i) {
      const unsigned char c = static_cast<unsigned char>(p[i]);
      if (!special_[c]) continue;
      if (c == '"' || c == '\r' || c == '\n') return true;
      if (StartsWith(p + i, n - i, delimiter_) || StartsWith(p + i, n - i, row_delimiter_)) {
        return true;
      }
    }
    return false;
  }

  // Index of the first 16-byte block of p[0..n) that may hold a special byte; everything
  // before it needs no quoting. GCC/Clang vector extensions: SSE2 on x86-64, NEON on ARM.
  size_t SkipOrdinary(const char* p, size_t n) const {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
      if (HasSpecial(p + i)) return i;
    }
    return i;
  }

  // Whether the 16 bytes at p hold a special byte.
  bool HasSpecial(const char* p) const {
    Bytes16 block;
    std::memcpy(&block, p, 16);
    auto hit = (block == special_vec_[0]) | (block == special_vec_[1]) |
               (block == special_vec_[2]) | (block == special_vec_[3]) | (block == special_vec_[4]);
    uint64_t halves[2];
    std::memcpy(halves, &hit, 16);
    return (halves[0] | halves[1]) != 0;
  }

  static bool StartsWith(const char* p, size_t n, const std::string& s) {
    return n >= s.size() && std::memcmp(p, s.data(), s.size()) == 0;
  }

  void Quote(size_t start) {
    scratch_.assign(buf_, start, std::string::npos);
    buf_.resize(start);
    buf_.push_back('"');
    std::string_view rest = scratch_;
    for (size_t q; (q = rest.find('"')) != std::string_view::npos;) {
      buf_.append(rest.substr(0, q + 1));
      buf_.push_back('"');
      rest.remove_prefix(q + 1);
    }
    buf_.append(rest);
    buf_.push_back('"');
  }

  Status Flush() {
    if (buf_.empty()) return Status::Ok();
    Status s = sink_->Write(buf_);
    if (!s.ok()) {
      state_ = State::kFailed;
      error_ = s;
      return s;
    }
    flushed_ += buf_.size();
    buf_.clear();
    return Status::Ok();
  }

  std::unique_ptr<ObjectWriter> sink_;
  const std::string delimiter_;
  const std::string row_delimiter_;
  const std::string null_value_;
  const bool rfc4180_;
  const RenderOptions render_;
  const size_t buffer_bytes_;
  const bool gzip_;  // the sink compresses: offsets in the CSV text are not the object's
  const bool include_op_;
  const bool has_timestamp_;
  const bool has_sequence_;
  std::vector<ColumnType> types_;
  std::array<bool, 256> special_{};  // first bytes that may need quoting
  using Bytes16 = unsigned char __attribute__((vector_size(16)));
  std::array<Bytes16, 5> special_vec_{};  // the same bytes, broadcast (see the constructor)
  std::array<bool, 16> plain_kind_{};     // by Value::Kind: text never needs quoting
  static_assert(static_cast<size_t>(Value::Kind::kJson) < 16);

  std::string buf_;      // pending CSV bytes
  std::string scratch_;  // reused by Quote
  uint64_t flushed_ = 0;
  uint64_t rows_ = 0;
  State state_ = State::kOpen;
  Status error_;
};

}  // namespace

Result<std::unique_ptr<RowFileWriter>> NewCsvFileWriter(const TableSchema& schema,
                                                        const OutputColumns& columns,
                                                        const CsvOptions& options,
                                                        std::unique_ptr<ObjectWriter> sink) {
  if (sink == nullptr) return InvalidArgument("CSV writer: no object writer");
  if (options.delimiter.empty() || options.row_delimiter.empty()) {
    return InvalidArgument("CSV writer: CsvDelimiter and CsvRowDelimiter must not be empty");
  }
  const std::string& nv = options.null_value;
  if (!nv.empty() && (nv.find(options.delimiter) != std::string::npos ||
                      nv.find(options.row_delimiter) != std::string::npos)) {
    return InvalidArgument("CSV writer: CsvNullValue must not contain a delimiter");
  }
  if (options.buffer_bytes == 0) return InvalidArgument("CSV writer: buffer_bytes must be > 0");
  if (options.gzip) {
    ASSIGN_OR_RETURN(sink, NewGzipObjectWriter(std::move(sink), options.gzip_level));
  }
  return std::unique_ptr<RowFileWriter>(
      std::make_unique<CsvFileWriter>(schema, columns, options, std::move(sink)));
}

}  // namespace binlake
