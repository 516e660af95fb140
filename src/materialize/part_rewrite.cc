#include "materialize/part_rewrite.h"

#include <optional>
#include <vector>

#include "materialize/part_marks.h"

namespace binlake {
namespace {

// A part larger than this (a --max-part-bytes of another run, or a file not written by binlake)
// is read in chunks, row by row.
constexpr uint64_t kMaxPartInMemory = 256ull << 20;

// A reader's rows as SortedRows; the first must have `first_key` (when given): the key its
// mark names.
class ReaderRows : public SortedRows {
 public:
  ReaderRows(FileRowReader* reader, std::optional<std::string_view> first_key)
      : reader_(reader), first_key_(first_key) {}
  Result<bool> Next() override {
    ASSIGN_OR_RETURN(bool more, reader_->Next());
    if (first_key_) {
      if (!more || reader_->key() != *first_key_) {
        return PreconditionFailed(reader_->name() + ": its marks do not fit its rows");
      }
      first_key_.reset();
    }
    return more;
  }
  std::string_view key() const override { return reader_->key(); }
  std::string_view row() const override { return reader_->row(); }
  std::string where() const override { return reader_->name(); }

 private:
  FileRowReader* reader_;
  std::optional<std::string_view> first_key_;
};

// The part's marks into *marks, when they fit the part: the size it had when written, the
// header before the first mark. Left empty when there are none or they do not fit: the part is
// then merged row by row. `part`: its bytes when read whole (then also a row delimiter before
// each mark and at the end), or empty (the header read from `ranges`).
Status ReadUsableMarks(PartRewrite* r, const PartInfo& old, uint64_t size, ObjectRanges* ranges,
                       std::string_view part, std::vector<PartMark>* marks) {
  marks->clear();
  if (size != old.bytes) return Status::Ok();
  Result<std::string> encoded = r->output->Get(PartMarksKey(old.file));
  if (!encoded.ok()) {
    return encoded.status().code() == StatusCode::kNotFound ? Status::Ok() : encoded.status();
  }
  Result<std::vector<PartMark>> decoded = DecodePartMarks(*encoded, size, old.rows);
  if (!decoded.ok() || decoded->empty() || decoded->front().offset != r->header.size()) {
    return Status::Ok();
  }
  const std::string& delimiter = r->layout.csv.row_delimiter;
  if (part.empty()) {
    std::string header;
    RETURN_IF_ERROR(ranges->AppendRange(0, r->header.size(), &header));
    if (header != r->header) return Status::Ok();
  } else {
    if (!part.starts_with(r->header) || delimiter.empty() || !part.ends_with(delimiter)) {
      return Status::Ok();
    }
    for (const PartMark& m : *decoded) {
      if (!part.substr(0, m.offset).ends_with(delimiter)) return Status::Ok();
    }
  }
  *marks = std::move(decoded).value();
  return Status::Ok();
}

}  // namespace

Status RewriteCsvPart(PartRewrite* r, const PartInfo& old, ChangeQueue* queue, bool bounded,
                      std::string_view upper, PartWriter* sink, MergeStats* stats,
                      uint64_t* copied_rows) {
  // Local parts are read a stretch at a time and copied in the kernel; others read whole (one
  // request), unless too large to hold.
  std::unique_ptr<ObjectRanges> ranges;
  std::optional<std::string> held;
  uint64_t size = 0;
  if (r->output->SmallReadsAreCheap()) {
    ASSIGN_OR_RETURN(ranges, r->output->OpenRanges(old.file));
    size = ranges->size();
  } else {
    ASSIGN_OR_RETURN(std::optional<ObjectInfo> info, r->output->Head(old.file));
    if (!info) return NotFound(r->output->Describe() + "/" + old.file + " does not exist");
    size = info->size;
    if (size <= kMaxPartInMemory) {
      ASSIGN_OR_RETURN(held, r->output->Get(old.file));
      size = held->size();
    }
  }
  const std::string_view part = held ? std::string_view(*held) : std::string_view();
  std::vector<PartMark> m;
  if (ranges || held) RETURN_IF_ERROR(ReadUsableMarks(r, old, size, ranges.get(), part, &m));
  if (m.empty()) {  // row by row
    std::unique_ptr<CsvFileRowReader> reader =
        held
            ? std::make_unique<CsvFileRowReader>(*r->output, old.file, part, r->layout, *r->encoder)
            : std::make_unique<CsvFileRowReader>(*r->output, old.file, r->layout, *r->encoder);
    ReaderRows base(reader.get(), std::nullopt);
    return MergeJoin(&base, queue, bounded, upper, r->multiset, sink, stats);
  }
  FileRowLayout stretch_layout = r->layout;
  stretch_layout.header = false;
  const size_t n = m.size();
  // Stretch i: the rows from mark i to mark i + 1 (or the end), keys below upper_of(i).
  auto upper_of = [&](size_t i) -> std::optional<std::string_view> {
    if (i + 1 < n) return std::string_view(m[i + 1].key);
    if (bounded) return upper;
    return std::nullopt;
  };
  auto untouched = [&](size_t i) {
    const std::optional<std::string_view> u = upper_of(i);
    return queue->empty() || (u && queue->key() >= *u);
  };
  auto end_of = [&](size_t i) { return i + 1 < n ? m[i + 1].offset : size; };
  size_t i = 0;
  while (i < n) {
    if (untouched(i)) {
      size_t e = i + 1;
      while (e < n && untouched(e)) ++e;
      PartRows rows;
      rows.part = part;
      rows.source = ranges.get();
      rows.marks = std::span<const PartMark>(m).subspan(i, e - i);
      rows.end_offset = end_of(e - 1);
      rows.end_row = e < n ? m[e].row : old.rows;
      rows.last_key = e < n ? std::string_view(m[e].previous_key) : std::string_view(old.last_key);
      RETURN_IF_ERROR(sink->CopyRows(rows));
      stats->rows += rows.end_row - m[i].row;
      *copied_rows += rows.end_row - m[i].row;
      i = e;
      continue;
    }
    std::string_view bytes;
    if (held) {
      bytes = part.substr(m[i].offset, end_of(i) - m[i].offset);
    } else {
      r->stretch.clear();
      RETURN_IF_ERROR(ranges->AppendRange(m[i].offset, end_of(i) - m[i].offset, &r->stretch));
      bytes = r->stretch;
    }
    CsvFileRowReader reader(*r->output, old.file, bytes, stretch_layout, *r->encoder);
    ReaderRows base(&reader, std::string_view(m[i].key));
    const std::optional<std::string_view> u = upper_of(i);
    RETURN_IF_ERROR(MergeJoin(&base, queue, u.has_value(), u.value_or(std::string_view()),
                              r->multiset, sink, stats));
    ++i;
  }
  return Status::Ok();
}

}  // namespace binlake
