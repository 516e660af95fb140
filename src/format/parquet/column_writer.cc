#include "format/parquet/column_writer.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "format/parquet/rle_encoder.h"

namespace binlake::parquet {
namespace {

int FixedWidth(const ColumnChunkOptions& o) {
  switch (o.type) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat:
      return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      return 8;
    case PhysicalType::kFixedLenByteArray:
      return o.type_length;
    default:
      return 0;
  }
}

void AppendLe32(uint32_t v, std::string* out) {
  char b[4];
  std::memcpy(b, &v, 4);
  out->append(b, 4);
}

template <typename T>
std::string_view Bytes(const T& v) {
  return {reinterpret_cast<const char*>(&v), sizeof v};
}

}  // namespace

ColumnChunkWriter::ColumnChunkWriter(ColumnChunkOptions options, Compressor* compressor)
    : options_(std::move(options)),
      compressor_(compressor),
      fixed_width_(FixedWidth(options_)),
      dictionary_mode_(options_.dictionary),
      dictionary_(fixed_width_),
      stats_(options_.sort_order) {}

void ColumnChunkWriter::AddNull() {
  def_levels_.push_back(0);
  ++page_nulls_;
  ++num_values_;
  stats_.AddNull();
  MaybeClosePage();
}

void ColumnChunkWriter::AddInt32(int32_t v) {
  if (options_.statistics) stats_.AddInt32(v);
  AddEncoded(Bytes(v));
}

void ColumnChunkWriter::AddInt64(int64_t v) {
  if (options_.statistics) stats_.AddInt64(v);
  AddEncoded(Bytes(v));
}

void ColumnChunkWriter::AddFloat(float v) {
  if (options_.statistics) stats_.Add(Bytes(v));
  AddEncoded(Bytes(v));
}

void ColumnChunkWriter::AddDouble(double v) {
  if (options_.statistics) stats_.Add(Bytes(v));
  AddEncoded(Bytes(v));
}

void ColumnChunkWriter::AddBytes(std::string_view v) {
  if (options_.statistics) stats_.Add(v);
  AddEncoded(v);
}

void ColumnChunkWriter::AddEncoded(std::string_view plain) {
  def_levels_.push_back(1);
  ++num_values_;
  if (dictionary_mode_) {
    indices_.push_back(dictionary_.GetOrInsert(plain));
    if (dictionary_.plain().size() > options_.dictionary_page_size_limit) {
      FallBackToPlain();
      return;
    }
    if (!dictionary_kept_ && indices_.size() == kDictionaryProbeValues) DecideDictionary(false);
  } else if (fixed_width_ > 0) {
    plain_values_.append(plain);
  } else {
    AppendLe32(static_cast<uint32_t>(plain.size()), &plain_values_);
    plain_values_.append(plain);
  }
  MaybeClosePage();
}

void ColumnChunkWriter::MaybeClosePage() {
  uint64_t size = def_levels_.size() / 8;
  if (dictionary_mode_) {
    size += indices_.size() * static_cast<uint64_t>(BitWidth(dictionary_.size())) / 8;
  } else {
    size += plain_values_.size();
  }
  if (size >= options_.data_page_size) ClosePage();
}

void ColumnChunkWriter::FallBackToPlain() {
  ClosePage();
  dictionary_mode_ = false;
}

void ColumnChunkWriter::NotePage(PageType type, Encoding encoding) {
  ++page_counts_[{type, encoding}];
}

void ColumnChunkWriter::AppendPage(PageHeader header, std::string_view levels,
                                   std::string_view values, std::string* out) {
  std::string_view payload = values;
  if (compressor_ != nullptr) {
    Status s = compressor_->Compress(values, &compressed_);
    if (!s.ok() && status_.ok()) status_ = s.WithContext("compressing a Parquet page");
    payload = compressed_;
  }
  header.uncompressed_page_size = static_cast<int32_t>(levels.size() + values.size());
  header.compressed_page_size = static_cast<int32_t>(levels.size() + payload.size());
  header_.clear();
  SerializePageHeader(header, &header_);
  out->append(header_);
  out->append(levels);
  out->append(payload);
  uncompressed_bytes_ += header_.size() + header.uncompressed_page_size;
}

void ColumnChunkWriter::DecideDictionary(bool commit) {
  uint64_t plain_size = 0;
  for (uint32_t index : indices_) {
    plain_size += dictionary_.Entry(index).size() + (fixed_width_ > 0 ? 0 : 4);
  }
  uint64_t dictionary_size =
      dictionary_.plain().size() +
      (indices_.size() * static_cast<uint64_t>(std::max(1, BitWidth(dictionary_.size() - 1))) + 7) /
          8;
  if (dictionary_size < plain_size) {
    dictionary_kept_ = commit;
    return;
  }
  plain_values_.clear();
  for (uint32_t index : indices_) {
    std::string_view v = dictionary_.Entry(index);
    if (fixed_width_ == 0) AppendLe32(static_cast<uint32_t>(v.size()), &plain_values_);
    plain_values_.append(v);
  }
  indices_.clear();
  dictionary_.Clear();
  dictionary_mode_ = false;
}

void ColumnChunkWriter::ClosePage() {
  size_t n = def_levels_.size();
  if (n == 0) return;
  if (dictionary_mode_ && !dictionary_kept_ && dictionary_.size() > 0) DecideDictionary(true);
  std::string levels;
  if (page_nulls_ == 0) {
    EncodeRleRepeated(1, n, 1, &levels);
  } else {
    EncodeRleHybrid(def_levels_.data(), n, 1, &levels);
  }
  std::string_view values;
  Encoding encoding = Encoding::kPlain;
  std::string index_bytes;
  if (dictionary_mode_ && dictionary_.size() > 0) {
    int bit_width = std::max(1, BitWidth(dictionary_.size() - 1));
    index_bytes.push_back(static_cast<char>(bit_width));
    EncodeRleHybrid(indices_.data(), indices_.size(), bit_width, &index_bytes);
    values = index_bytes;
    encoding = options_.dictionary_data_encoding;
  } else {
    values = plain_values_;  // empty for an all-null page in dictionary mode
  }

  PageHeader header;
  header.num_values = static_cast<int32_t>(n);
  header.encoding = encoding;
  if (options_.data_page_v2) {
    header.type = PageType::kDataPageV2;
    header.num_nulls = static_cast<int32_t>(page_nulls_);
    header.num_rows = static_cast<int32_t>(n);
    header.definition_levels_byte_length = static_cast<int32_t>(levels.size());
    header.is_compressed = compressor_ != nullptr;
    AppendPage(header, levels, values, &pages_);
  } else {
    header.type = PageType::kDataPage;
    body_.clear();
    AppendLe32(static_cast<uint32_t>(levels.size()), &body_);
    body_.append(levels);
    body_.append(values);
    AppendPage(header, {}, body_, &pages_);
  }
  NotePage(header.type, encoding);

  def_levels_.clear();
  page_nulls_ = 0;
  indices_.clear();
  plain_values_.clear();
}

Status ColumnChunkWriter::Flush(int64_t file_offset, ObjectWriter* sink, ColumnChunk* chunk) {
  ClosePage();
  ColumnMetaData& meta = chunk->meta;
  meta = ColumnMetaData();
  chunk->file_offset = file_offset;
  meta.type = options_.type;
  meta.path_in_schema = {options_.name};
  meta.codec = options_.codec;
  meta.num_values = static_cast<int64_t>(num_values_);

  std::string dictionary_page;
  if (dictionary_.size() > 0) {
    PageHeader header;
    header.type = PageType::kDictionaryPage;
    header.num_values = static_cast<int32_t>(dictionary_.size());
    header.encoding = options_.dictionary_page_encoding;
    AppendPage(header, {}, dictionary_.plain(), &dictionary_page);
    NotePage(PageType::kDictionaryPage, header.encoding);
    meta.dictionary_page_offset = file_offset;
  }
  RETURN_IF_ERROR(status_);
  meta.data_page_offset = file_offset + static_cast<int64_t>(dictionary_page.size());
  meta.total_compressed_size = static_cast<int64_t>(dictionary_page.size() + pages_.size());
  meta.total_uncompressed_size = static_cast<int64_t>(uncompressed_bytes_);

  std::set<Encoding> encodings = {Encoding::kRle};  // definition levels
  for (const auto& [key, count] : page_counts_) {
    encodings.insert(key.second);
    meta.encoding_stats.push_back(PageEncodingStats{key.first, key.second, count});
  }
  meta.encodings.assign(encodings.begin(), encodings.end());
  if (options_.statistics) meta.statistics = stats_.ToThrift();

  if (!dictionary_page.empty()) RETURN_IF_ERROR(sink->Write(dictionary_page));
  RETURN_IF_ERROR(sink->Write(pages_));

  pages_.clear();
  dictionary_.Clear();
  stats_.Reset();
  num_values_ = 0;
  uncompressed_bytes_ = 0;
  page_counts_.clear();
  dictionary_mode_ = options_.dictionary;
  dictionary_kept_ = false;
  return Status::Ok();
}

uint64_t ColumnChunkWriter::BufferedBytes() const {
  return pages_.size() + def_levels_.size() + indices_.size() * 4 + plain_values_.size() +
         dictionary_.MemoryUsage();
}

uint64_t ColumnChunkWriter::EstimatedUncompressedBytes() const {
  return uncompressed_bytes_ + def_levels_.size() / 8 + indices_.size() * 4 + plain_values_.size() +
         dictionary_.plain().size();
}

}  // namespace binlake::parquet
