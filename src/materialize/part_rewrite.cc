#include "materialize/part_rewrite.h"

#include <optional>
#include <span>
#include <vector>

#include "lake/parquet_file_rows.h"
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
  const std::vector<Value>* values() const override { return reader_->values(); }
  std::string where() const override { return reader_->name(); }

 private:
  FileRowReader* reader_;
  std::optional<std::string_view> first_key_;
};

// A part of the previous version, opened: a local one for reading ranges (a stretch at a time;
// the rest copied in the kernel), others read whole (one request) unless too large to hold.
struct OpenedPart {
  std::unique_ptr<ObjectRanges> ranges;
  std::optional<std::string> held;
  uint64_t size = 0;
  std::string_view bytes() const { return held ? std::string_view(*held) : std::string_view(); }
};

// `old.bytes`: the size the manifest records (a part of another size has unusable marks and is
// merged row by row, so one larger than kMaxPartInMemory is neither held nor opened).
Status OpenPart(ObjectStore& store, const PartInfo& old, OpenedPart* part) {
  if (store.SmallReadsAreCheap()) {
    ASSIGN_OR_RETURN(part->ranges, store.OpenRanges(old.file));
    part->size = part->ranges->size();
  } else if (old.bytes <= kMaxPartInMemory) {
    ASSIGN_OR_RETURN(part->held, store.Get(old.file));
    part->size = part->held->size();
  }
  return Status::Ok();
}

// The part's marks object, decoded, when it exists and fits a part of the size the part had
// when written (`size`); otherwise empty.
Result<std::vector<PartMark>> ReadMarks(PartRewrite* r, const PartInfo& old, uint64_t size) {
  std::vector<PartMark> none;
  if (size != old.bytes) return none;
  Result<std::string> encoded = r->output->Get(PartMarksKey(old.file));
  if (!encoded.ok()) {
    if (encoded.status().code() == StatusCode::kNotFound) return none;
    return encoded.status();
  }
  Result<std::vector<PartMark>> decoded = DecodePartMarks(*encoded, size, old.rows);
  if (!decoded.ok()) return none;
  return std::move(decoded).value();
}

// The part's marks into *marks, when they fit the part: the size it had when written, the
// header before the first mark. Left empty when there are none or they do not fit: the part is
// then merged row by row. `part`: its bytes when read whole (then also a row delimiter before
// each mark and at the end), or empty (the header read from `ranges`).
Status ReadUsableMarks(PartRewrite* r, const PartInfo& old, uint64_t size, ObjectRanges* ranges,
                       std::string_view part, std::vector<PartMark>* marks) {
  marks->clear();
  ASSIGN_OR_RETURN(std::vector<PartMark> decoded, ReadMarks(r, old, size));
  if (decoded.empty() || decoded.front().offset != r->header.size()) return Status::Ok();
  const std::string& delimiter = r->layout.csv.row_delimiter;
  if (part.empty()) {
    std::string header;
    RETURN_IF_ERROR(ranges->AppendRange(0, r->header.size(), &header));
    if (header != r->header) return Status::Ok();
  } else {
    if (!part.starts_with(r->header) || delimiter.empty() || !part.ends_with(delimiter)) {
      return Status::Ok();
    }
    for (const PartMark& m : decoded) {
      if (!part.substr(0, m.offset).ends_with(delimiter)) return Status::Ok();
    }
  }
  *marks = std::move(decoded);
  return Status::Ok();
}

// A Parquet part's marks into *marks, when each is at the start of a row group (*group_of: its
// index) with the rows before it, and the row groups lie one after the other from the magic on
// (as binlake writes them) with the part's rows. Left empty otherwise.
Status ReadRowGroupMarks(PartRewrite* r, const PartInfo& old, uint64_t size,
                         const parquet::ParquetFile& file, std::vector<PartMark>* marks,
                         std::vector<size_t>* group_of) {
  marks->clear();
  group_of->clear();
  ASSIGN_OR_RETURN(std::vector<PartMark> decoded, ReadMarks(r, old, size));
  if (decoded.empty()) return Status::Ok();
  uint64_t offset = 4;  // after "PAR1"
  uint64_t row = 0;
  size_t next = 0;  // the next mark
  for (size_t g = 0; g < file.num_row_groups(); ++g) {
    const auto [begin, length] = file.RowGroupRange(g);
    if (begin != offset || file.row_group_rows(g) <= 0) return Status::Ok();
    if (next < decoded.size() && decoded[next].offset == begin) {
      if (decoded[next].row != row) return Status::Ok();
      group_of->push_back(g);
      ++next;
    }
    offset = begin + length;
    row += static_cast<uint64_t>(file.row_group_rows(g));
  }
  if (next != decoded.size() || group_of->front() != 0 || row != old.rows) {
    group_of->clear();
    return Status::Ok();
  }
  *marks = std::move(decoded);
  return Status::Ok();
}

// Stretch i of a part with marks `m` (n of them): the rows from mark i to mark i + 1 (or the
// end), whose keys are below upper_of(i); untouched when no queued change falls in it.
struct Stretches {
  const std::vector<PartMark>& m;
  ChangeQueue* queue;
  bool bounded;
  std::string_view upper;

  std::optional<std::string_view> upper_of(size_t i) const {
    if (i + 1 < m.size()) return std::string_view(m[i + 1].key);
    if (bounded) return upper;
    return std::nullopt;
  }
  bool untouched(size_t i) const {
    const std::optional<std::string_view> u = upper_of(i);
    return queue->empty() || (u && queue->key() >= *u);
  }
  // Merges the rows `base` gives (stretch i's) with the changes in its range.
  Status Merge(size_t i, SortedRows* base, bool multiset, RowSink* sink, MergeStats* stats) const {
    const std::optional<std::string_view> u = upper_of(i);
    return MergeJoin(base, queue, u.has_value(), u.value_or(std::string_view()), multiset, sink,
                     stats);
  }
};

}  // namespace

Status RewriteCsvPart(PartRewrite* r, const PartInfo& old, ChangeQueue* queue, bool bounded,
                      std::string_view upper, PartWriter* sink, MergeStats* stats,
                      uint64_t* copied_rows) {
  OpenedPart opened;
  RETURN_IF_ERROR(OpenPart(*r->output, old, &opened));
  std::unique_ptr<ObjectRanges>& ranges = opened.ranges;
  const std::optional<std::string>& held = opened.held;
  const uint64_t size = opened.size;
  const std::string_view part = opened.bytes();
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
  const Stretches stretches{m, queue, bounded, upper};
  auto untouched = [&](size_t i) { return stretches.untouched(i); };
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
    RETURN_IF_ERROR(stretches.Merge(i, &base, r->multiset, sink, stats));
    ++i;
  }
  return Status::Ok();
}

Status RewriteParquetPart(PartRewrite* r, const PartInfo& old, ChangeQueue* queue, bool bounded,
                          std::string_view upper, ParquetPartWriter* sink, MergeStats* stats,
                          uint64_t* copied_rows) {
  OpenedPart opened;
  RETURN_IF_ERROR(OpenPart(*r->output, old, &opened));
  const std::string_view part = opened.bytes();
  ParquetFileRowReader reader =
      opened.held ? ParquetFileRowReader(*r->output, old.file, part, r->layout, *r->encoder)
                  : ParquetFileRowReader(*r->output, old.file, r->layout, *r->encoder);
  std::vector<PartMark> m;
  std::vector<size_t> group_of;  // per mark, its row group
  const parquet::ParquetFile* file = nullptr;
  if (opened.ranges || opened.held) {
    ASSIGN_OR_RETURN(file, reader.File());
    ASSIGN_OR_RETURN(bool same_schema, sink->CanCopyFrom(file->metadata()));
    if (same_schema) RETURN_IF_ERROR(ReadRowGroupMarks(r, old, opened.size, *file, &m, &group_of));
  }
  if (m.empty()) {  // row by row
    ReaderRows base(&reader, std::nullopt);
    return MergeJoin(&base, queue, bounded, upper, r->multiset, sink, stats);
  }
  const std::vector<parquet::RowGroup>& groups = file->metadata().row_groups;
  const size_t n = m.size();
  const Stretches stretches{m, queue, bounded, upper};
  for (size_t i = 0; i < n; ++i) {
    const size_t first = group_of[i];
    const size_t end = i + 1 < n ? group_of[i + 1] : groups.size();
    if (!stretches.untouched(i)) {
      reader.ReadRowGroups(first, end);
      ReaderRows base(&reader, std::string_view(m[i].key));
      RETURN_IF_ERROR(stretches.Merge(i, &base, r->multiset, sink, stats));
      continue;
    }
    RowGroupStretch copy;
    copy.part = part;
    copy.source = opened.ranges.get();
    copy.groups = std::span<const parquet::RowGroup>(groups).subspan(first, end - first);
    copy.begin = file->RowGroupRange(first).first;
    const auto [last_begin, last_length] = file->RowGroupRange(end - 1);
    copy.length = last_begin + last_length - copy.begin;
    copy.rows = (i + 1 < n ? m[i + 1].row : old.rows) - m[i].row;
    copy.first_key = m[i].key;
    copy.last_key =
        i + 1 < n ? std::string_view(m[i + 1].previous_key) : std::string_view(old.last_key);
    RETURN_IF_ERROR(sink->CopyRowGroups(copy));
    stats->rows += copy.rows;
    *copied_rows += copy.rows;
  }
  return Status::Ok();
}

}  // namespace binlake
