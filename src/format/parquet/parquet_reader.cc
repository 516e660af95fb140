#include "format/parquet/parquet_reader.h"

#include <algorithm>
#include <cstring>

#include "format/parquet/compression.h"
#include "format/parquet/reader_util.h"
#include "format/parquet/rle_decoder.h"

namespace binlake::parquet {

using detail::LoadLe32;
using detail::Printable;
using detail::TypeName;

namespace {

// Batches are capped so that a row group claiming billions of rows cannot make the reader
// allocate for them at once.
constexpr size_t kMaxBatchRows = size_t{1} << 20;

std::string EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kPlain:
      return "PLAIN";
    case Encoding::kPlainDictionary:
      return "PLAIN_DICTIONARY";
    case Encoding::kRle:
      return "RLE";
    case Encoding::kBitPacked:
      return "BIT_PACKED";
    case Encoding::kDeltaBinaryPacked:
      return "DELTA_BINARY_PACKED";
    case Encoding::kDeltaLengthByteArray:
      return "DELTA_LENGTH_BYTE_ARRAY";
    case Encoding::kDeltaByteArray:
      return "DELTA_BYTE_ARRAY";
    case Encoding::kRleDictionary:
      return "RLE_DICTIONARY";
    case Encoding::kByteStreamSplit:
      return "BYTE_STREAM_SPLIT";
  }
  return "#" + std::to_string(static_cast<int32_t>(e));
}

// Where a physical type's values go in a ColumnBatch.
enum class Slot { kInt, kDouble, kBytes };
Slot SlotOf(PhysicalType t) {
  switch (t) {
    case PhysicalType::kBoolean:
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
      return Slot::kInt;
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      return Slot::kDouble;
    default:
      return Slot::kBytes;
  }
}

// A byte buffer that grows without zero-filling and keeps its capacity (page buffers are
// reused from batch to batch). Moving it keeps the data where it is.
struct Buffer {
  std::unique_ptr<char[]> data;
  size_t capacity = 0;
  char* Reserve(size_t n) {
    if (n > capacity || data == nullptr) {
      // A quarter more, so that the next page, a little larger, still fits.
      capacity = std::max<size_t>(n + n / 4, 64);
      data = std::make_unique_for_overwrite<char[]>(capacity);
    }
    return data.get();
  }
};

}  // namespace

Field ColumnBatch::Get(size_t row) const {
  Field f;
  if (defined[row] == 0) return f;
  f.null = false;
  switch (SlotOf(type)) {
    case Slot::kInt:
      f.i = ints[row];
      break;
    case Slot::kDouble:
      f.d = doubles[row];
      break;
    case Slot::kBytes:
      f.bytes = bytes[row];
      break;
  }
  return f;
}

// ---------------------------------------------------------------------------------------------
// One column of a ParquetRowReader: the chunk of the current row group, its dictionary, the
// current page and the buffers the current batch's values point into.

struct ParquetRowReader::ColumnState {
  enum class Values { kPlain, kDictionary, kRleBoolean };

  const ParquetColumn* column = nullptr;
  std::string name;  // printable, for messages
  PhysicalType type = PhysicalType::kByteArray;
  Slot slot = Slot::kBytes;
  size_t width = 0;  // bytes of a fixed-width value; 0 for BYTE_ARRAY and BOOLEAN
  bool has_levels = false;
  ReaderOptions options;
  size_t row_group = 0;

  // The chunk.
  std::string_view rest;    // bytes of the chunk not yet read
  int64_t values_left = 0;  // values of the chunk not in a page read yet
  bool seen_data_page = false;
  Codec codec = Codec::kUncompressed;
  Decompressor* decompressor = nullptr;  // the reader's, for `codec`; nullptr: UNCOMPRESSED

  // The dictionary of the chunk (PLAIN entries, decoded once).
  bool has_dictionary = false;
  size_t dictionary_size = 0;
  Buffer dictionary_buffer;
  std::vector<int64_t> dictionary_ints;
  std::vector<double> dictionary_doubles;
  std::vector<std::string_view> dictionary_bytes;

  // The current page.
  int64_t page_left = 0;       // values of the page not decoded yet
  bool page_buffered = false;  // the page's bytes are live.back()
  RleDecoder levels;
  Values encoding = Values::kPlain;
  std::string_view plain;    // kPlain: the values not decoded yet
  uint64_t boolean_bit = 0;  // kPlain BOOLEAN: the next bit of `plain`
  bool indices_present = false;
  RleDecoder indices;  // kDictionary (or the booleans of kRleBoolean)

  // Decompressed pages the current batch's values may point into, and spare buffers.
  std::vector<Buffer> live;
  std::vector<Buffer> pool;
  std::vector<uint32_t> scratch;

  // "parquet: row group N, column "x": " (built only for an error).
  std::string Context() const {
    return "parquet: row group " + std::to_string(row_group) + ", column \"" + name + "\": ";
  }
  Status Corrupt(std::string_view what) const { return Corruption(Context() + std::string(what)); }
  // A status from a helper ("parquet: <what>") with this column's context.
  Status WithContext(const Status& s) const {
    std::string_view m = s.message();
    if (m.substr(0, 9) == "parquet: ") m.remove_prefix(9);
    return Status(s.code(), Context() + std::string(m));
  }

  void StartChunk(size_t group, std::string_view chunk, const ColumnMetaData& meta,
                  Decompressor* d);
  Status Read(size_t n, ColumnBatch* batch);
  Status NextPage();
  Status ReadDictionary(const PageHeader& h, std::string_view body);
  Status StartDataPage(const PageHeader& h, std::string_view body);
  Result<std::string_view> Decompress(std::string_view body, int64_t size, Buffer* into);
  Buffer* NewPageBuffer();
  Status DecodeValues(size_t m, size_t at, ColumnBatch* b);
  Status DecodePlain(size_t m, size_t at, ColumnBatch* b);
  Status DecodeDictionary(size_t m, size_t at, ColumnBatch* b);
};

void ParquetRowReader::ColumnState::StartChunk(size_t group, std::string_view chunk,
                                               const ColumnMetaData& meta, Decompressor* d) {
  row_group = group;
  codec = meta.codec;
  decompressor = d;
  rest = chunk;
  values_left = meta.num_values;
  seen_data_page = false;
  has_dictionary = false;
  dictionary_size = 0;
  page_left = 0;
  page_buffered = false;
  for (Buffer& b : live) pool.push_back(std::move(b));
  live.clear();
}

Buffer* ParquetRowReader::ColumnState::NewPageBuffer() {
  if (!pool.empty()) {
    live.push_back(std::move(pool.back()));
    pool.pop_back();
  } else {
    live.emplace_back();
  }
  return &live.back();
}

Result<std::string_view> ParquetRowReader::ColumnState::Decompress(std::string_view body,
                                                                   int64_t size, Buffer* into) {
  if (decompressor == nullptr) return body;  // UNCOMPRESSED
  if (size < 0) return Corrupt("negative uncompressed page size");
  auto usize = static_cast<uint64_t>(size);
  if (usize > options.max_page_bytes) {
    return Corrupt("a page of " + std::to_string(usize) + " bytes exceeds the limit of " +
                   std::to_string(options.max_page_bytes));
  }
  if (usize > Decompressor::MaxDecompressedSize(codec, body.size())) {
    return Corrupt("a page of " + std::to_string(body.size()) + " " +
                   std::string(CodecName(codec)) + " bytes cannot hold the " +
                   std::to_string(usize) + " bytes its header says");
  }
  char* out = into->Reserve(usize);
  Status s = decompressor->Decompress(body, out, usize);
  if (!s.ok()) return WithContext(s);
  return std::string_view(out, usize);
}

Status ParquetRowReader::ColumnState::ReadDictionary(const PageHeader& h, std::string_view body) {
  if (has_dictionary) return Corrupt("a second dictionary page");
  if (seen_data_page) return Corrupt("a dictionary page after data pages");
  if (h.encoding != Encoding::kPlain && h.encoding != Encoding::kPlainDictionary) {
    return Unsupported(Context() + "dictionary page in encoding " + EncodingName(h.encoding) +
                       " is not supported");
  }
  if (type == PhysicalType::kBoolean) return Corrupt("a dictionary page in a BOOLEAN column");
  ASSIGN_OR_RETURN(std::string_view data,
                   Decompress(body, h.uncompressed_page_size, &dictionary_buffer));
  const auto n = static_cast<uint64_t>(h.num_values);  // >= 0 (ParsePageHeader)
  const char* p = data.data();
  if (width > 0) {
    if (n * width > data.size()) {
      return Corrupt("dictionary page of " + std::to_string(data.size()) + " bytes for " +
                     std::to_string(n) + " values of " + std::to_string(width) + " bytes");
    }
    switch (type) {
      case PhysicalType::kInt32:
        dictionary_ints.resize(n);
        for (uint64_t i = 0; i < n; ++i) {
          int32_t v;
          std::memcpy(&v, p + 4 * i, 4);
          dictionary_ints[i] = v;
        }
        break;
      case PhysicalType::kInt64:
        dictionary_ints.resize(n);
        if (n > 0) std::memcpy(dictionary_ints.data(), p, 8 * n);
        break;
      case PhysicalType::kFloat:
        dictionary_doubles.resize(n);
        for (uint64_t i = 0; i < n; ++i) {
          float v;
          std::memcpy(&v, p + 4 * i, 4);
          dictionary_doubles[i] = v;
        }
        break;
      case PhysicalType::kDouble:
        dictionary_doubles.resize(n);
        if (n > 0) std::memcpy(dictionary_doubles.data(), p, 8 * n);
        break;
      default:  // INT96, FIXED_LEN_BYTE_ARRAY
        dictionary_bytes.resize(n);
        for (uint64_t i = 0; i < n; ++i) dictionary_bytes[i] = data.substr(i * width, width);
        break;
    }
  } else {
    if (n > data.size() / 4) {
      return Corrupt("dictionary page of " + std::to_string(data.size()) + " bytes for " +
                     std::to_string(n) + " BYTE_ARRAY values");
    }
    dictionary_bytes.resize(n);
    std::string_view rest_data = data;
    for (uint64_t i = 0; i < n; ++i) {
      if (rest_data.size() < 4) return Corrupt("dictionary page truncated");
      uint32_t len = LoadLe32(rest_data.data());
      if (len > rest_data.size() - 4) return Corrupt("dictionary entry runs past its page");
      dictionary_bytes[i] = rest_data.substr(4, len);
      rest_data.remove_prefix(4 + size_t{len});
    }
  }
  has_dictionary = true;
  dictionary_size = n;
  return Status::Ok();
}

Status ParquetRowReader::ColumnState::StartDataPage(const PageHeader& h, std::string_view body) {
  seen_data_page = true;
  page_buffered = false;
  std::string_view values;
  if (h.type == PageType::kDataPage) {
    // DATA_PAGE: compressed( [def levels: 4-byte length + RLE hybrid] values ).
    std::string_view data = body;
    if (decompressor != nullptr) {
      ASSIGN_OR_RETURN(data, Decompress(body, h.uncompressed_page_size, NewPageBuffer()));
      page_buffered = true;
    }
    if (has_levels) {
      if (h.definition_level_encoding != Encoding::kRle) {
        return Unsupported(Context() + "definition levels in encoding " +
                           EncodingName(h.definition_level_encoding) + " are not supported");
      }
      if (data.size() < 4) return Corrupt("data page too short for its definition levels");
      uint32_t len = LoadLe32(data.data());
      if (len > data.size() - 4) return Corrupt("definition levels run past their page");
      levels.Reset(data.substr(4, len), 1);
      values = data.substr(4 + size_t{len});
    } else {
      values = data;
    }
  } else {
    // DATA_PAGE_V2: [rep levels][def levels] (never compressed), then the values, compressed
    // when is_compressed.
    auto rep = static_cast<uint64_t>(h.repetition_levels_byte_length);
    auto def = static_cast<uint64_t>(h.definition_levels_byte_length);
    if (rep + def > body.size()) return Corrupt("levels run past their page");
    if (has_levels) levels.Reset(body.substr(rep, def), 1);
    std::string_view data = body.substr(rep + def);
    if (decompressor != nullptr && h.is_compressed) {
      int64_t size = int64_t{h.uncompressed_page_size} - static_cast<int64_t>(rep + def);
      if (size < 0) return Corrupt("uncompressed page size smaller than its levels");
      ASSIGN_OR_RETURN(data, Decompress(data, size, NewPageBuffer()));
      page_buffered = true;
    }
    values = data;
  }

  switch (h.encoding) {
    case Encoding::kPlain:
      encoding = Values::kPlain;
      plain = values;
      boolean_bit = 0;
      return Status::Ok();
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary:
      if (!has_dictionary) return Corrupt("a dictionary-encoded page without a dictionary page");
      encoding = Values::kDictionary;
      // One byte of bit width, then the indices (RLE hybrid). An all-NULL page may have none.
      indices_present = !values.empty();
      if (indices_present) {
        auto bit_width = static_cast<uint8_t>(values[0]);
        if (bit_width > 32) {
          return Corrupt("dictionary index bit width " + std::to_string(bit_width));
        }
        indices.Reset(values.substr(1), bit_width);
      }
      return Status::Ok();
    case Encoding::kRle:
      if (type != PhysicalType::kBoolean) break;
      // RLE booleans: a 4-byte length, then the RLE hybrid of bit width 1.
      if (values.size() < 4) return Corrupt("RLE boolean page too short");
      {
        uint32_t len = LoadLe32(values.data());
        if (len > values.size() - 4) return Corrupt("RLE booleans run past their page");
        indices.Reset(values.substr(4, len), 1);
      }
      indices_present = true;
      encoding = Values::kRleBoolean;
      return Status::Ok();
    default:
      break;
  }
  return Unsupported(Context() + "encoding " + EncodingName(h.encoding) + " of " + TypeName(type) +
                     " values is not supported");
}

Status ParquetRowReader::ColumnState::NextPage() {
  while (true) {
    if (values_left <= 0 || rest.empty()) {
      return Corrupt("the column chunk ends before its rows do");
    }
    PageHeader h;
    size_t header_size = 0;
    Status s = ParsePageHeader(rest, &h, &header_size);
    if (!s.ok()) return WithContext(s);
    if (static_cast<uint64_t>(h.compressed_page_size) > rest.size() - header_size) {
      return Corrupt("a page of " + std::to_string(h.compressed_page_size) +
                     " bytes runs past its column chunk");
    }
    std::string_view body = rest.substr(header_size, static_cast<size_t>(h.compressed_page_size));
    rest.remove_prefix(header_size + static_cast<size_t>(h.compressed_page_size));
    switch (h.type) {
      case PageType::kDictionaryPage:
        RETURN_IF_ERROR(ReadDictionary(h, body));
        continue;
      case PageType::kDataPage:
      case PageType::kDataPageV2:
        if (h.num_values == 0) continue;
        if (h.num_values > values_left) {
          return Corrupt("a page of " + std::to_string(h.num_values) +
                         " values where the chunk has " + std::to_string(values_left) + " left");
        }
        RETURN_IF_ERROR(StartDataPage(h, body));
        values_left -= h.num_values;
        page_left = h.num_values;
        return Status::Ok();
      default:  // INDEX_PAGE, or a page type of a later format version: skipped
        continue;
    }
  }
}

Status ParquetRowReader::ColumnState::DecodePlain(size_t m, size_t at, ColumnBatch* b) {
  const char* p = plain.data();
  auto too_short = [&] {
    return Corrupt("PLAIN values run past their page (" + std::to_string(m) + " more " +
                   TypeName(type) + " values)");
  };
  switch (type) {
    case PhysicalType::kBoolean: {
      if (m > plain.size() * uint64_t{8} - boolean_bit) return too_short();
      int64_t* out = b->ints.data() + at;
      for (size_t i = 0; i < m; ++i) {
        uint64_t bit = boolean_bit + i;
        out[i] = (static_cast<uint8_t>(p[bit >> 3]) >> (bit & 7)) & 1;
      }
      boolean_bit += m;
      return Status::Ok();
    }
    case PhysicalType::kInt32: {
      if (m > plain.size() / 4) return too_short();
      int64_t* out = b->ints.data() + at;
      for (size_t i = 0; i < m; ++i) {
        int32_t v;
        std::memcpy(&v, p + 4 * i, 4);
        out[i] = v;
      }
      plain.remove_prefix(4 * m);
      return Status::Ok();
    }
    case PhysicalType::kInt64:
      if (m > plain.size() / 8) return too_short();
      if (m > 0) std::memcpy(b->ints.data() + at, p, 8 * m);
      plain.remove_prefix(8 * m);
      return Status::Ok();
    case PhysicalType::kFloat: {
      if (m > plain.size() / 4) return too_short();
      double* out = b->doubles.data() + at;
      for (size_t i = 0; i < m; ++i) {
        float v;
        std::memcpy(&v, p + 4 * i, 4);
        out[i] = v;
      }
      plain.remove_prefix(4 * m);
      return Status::Ok();
    }
    case PhysicalType::kDouble:
      if (m > plain.size() / 8) return too_short();
      if (m > 0) std::memcpy(b->doubles.data() + at, p, 8 * m);
      plain.remove_prefix(8 * m);
      return Status::Ok();
    case PhysicalType::kByteArray: {
      std::string_view* out = b->bytes.data() + at;
      for (size_t i = 0; i < m; ++i) {
        if (plain.size() < 4) return too_short();
        uint32_t len = LoadLe32(plain.data());
        if (len > plain.size() - 4) return Corrupt("a BYTE_ARRAY value runs past its page");
        out[i] = plain.substr(4, len);
        plain.remove_prefix(4 + size_t{len});
      }
      return Status::Ok();
    }
    default: {  // INT96, FIXED_LEN_BYTE_ARRAY
      if (m > plain.size() / width) return too_short();
      std::string_view* out = b->bytes.data() + at;
      for (size_t i = 0; i < m; ++i) out[i] = plain.substr(i * width, width);
      plain.remove_prefix(m * width);
      return Status::Ok();
    }
  }
}

Status ParquetRowReader::ColumnState::DecodeDictionary(size_t m, size_t at, ColumnBatch* b) {
  if (!indices_present) return Corrupt("a dictionary-encoded page without indices");
  scratch.resize(m);
  if (!indices.Get(scratch.data(), m)) {
    return Corrupt(std::string("dictionary indices: ") + indices.error());
  }
  uint32_t max = 0;
  for (uint32_t v : scratch) max = std::max(max, v);
  if (max >= dictionary_size) {
    return Corrupt("dictionary index " + std::to_string(max) + " of a dictionary of " +
                   std::to_string(dictionary_size) + " values");
  }
  const uint32_t* idx = scratch.data();
  switch (slot) {
    case Slot::kInt: {
      int64_t* out = b->ints.data() + at;
      const int64_t* dict = dictionary_ints.data();
      for (size_t i = 0; i < m; ++i) out[i] = dict[idx[i]];
      break;
    }
    case Slot::kDouble: {
      double* out = b->doubles.data() + at;
      const double* dict = dictionary_doubles.data();
      for (size_t i = 0; i < m; ++i) out[i] = dict[idx[i]];
      break;
    }
    case Slot::kBytes: {
      std::string_view* out = b->bytes.data() + at;
      const std::string_view* dict = dictionary_bytes.data();
      for (size_t i = 0; i < m; ++i) out[i] = dict[idx[i]];
      break;
    }
  }
  return Status::Ok();
}

Status ParquetRowReader::ColumnState::DecodeValues(size_t m, size_t at, ColumnBatch* b) {
  switch (encoding) {
    case Values::kPlain:
      return DecodePlain(m, at, b);
    case Values::kDictionary:
      return DecodeDictionary(m, at, b);
    case Values::kRleBoolean: {
      scratch.resize(m);
      if (!indices.Get(scratch.data(), m)) {
        return Corrupt(std::string("RLE booleans: ") + indices.error());
      }
      int64_t* out = b->ints.data() + at;
      for (size_t i = 0; i < m; ++i) out[i] = scratch[i];
      return Status::Ok();
    }
  }
  return Status::Ok();
}

namespace {

// Moves the m dense values at v[0..m) to the rows of `defined[0..k)` that hold a value, the
// others getting T{} (backwards, so it works in place).
template <typename T>
void Spread(T* v, const uint8_t* defined, size_t k, size_t m) {
  size_t j = m;
  for (size_t r = k; r-- > 0;) {
    if (defined[r]) {
      v[r] = v[--j];
    } else {
      v[r] = T{};
    }
  }
}

}  // namespace

Status ParquetRowReader::ColumnState::Read(size_t n, ColumnBatch* b) {
  // The previous batch is over: its pages' buffers are free again, except the current page's.
  if (!live.empty()) {
    size_t keep = page_buffered && page_left > 0 ? 1 : 0;
    for (size_t i = 0; i + keep < live.size(); ++i) pool.push_back(std::move(live[i]));
    if (keep) live.front() = std::move(live.back());
    live.resize(keep);
  }
  b->type = type;
  b->defined.resize(n);
  b->null_count = 0;
  switch (slot) {
    case Slot::kInt:
      b->ints.resize(n);
      break;
    case Slot::kDouble:
      b->doubles.resize(n);
      break;
    case Slot::kBytes:
      b->bytes.resize(n);
      break;
  }
  size_t out = 0;
  while (out < n) {
    if (page_left == 0) RETURN_IF_ERROR(NextPage());
    size_t k = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(n - out), page_left));
    uint8_t* defined = b->defined.data() + out;
    size_t m = k;
    if (has_levels) {
      if (!levels.Get(defined, k)) {
        return Corrupt(std::string("definition levels: ") + levels.error());
      }
      m = 0;
      for (size_t i = 0; i < k; ++i) m += defined[i];  // levels are 0 or 1 (bit width 1)
    } else {
      std::memset(defined, 1, k);
    }
    RETURN_IF_ERROR(DecodeValues(m, out, b));
    if (m < k) {
      switch (slot) {
        case Slot::kInt:
          Spread(b->ints.data() + out, defined, k, m);
          break;
        case Slot::kDouble:
          Spread(b->doubles.data() + out, defined, k, m);
          break;
        case Slot::kBytes:
          Spread(b->bytes.data() + out, defined, k, m);
          break;
      }
      b->null_count += k - m;
    }
    page_left -= static_cast<int64_t>(k);
    out += k;
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// ParquetRowReader

ParquetRowReader::ParquetRowReader(const ParquetFile* file) : file_(file) {}
ParquetRowReader::~ParquetRowReader() = default;

Result<std::unique_ptr<ParquetRowReader>> ParquetRowReader::Make(const ParquetFile* file,
                                                                 RowReaderOptions options) {
  if (file == nullptr) return InvalidArgument("parquet: a row reader needs a file");
  const auto& columns = file->columns();
  if (options.columns.empty()) {
    for (size_t i = 0; i < columns.size(); ++i) options.columns.push_back(static_cast<int>(i));
  }
  if (options.columns.empty()) return InvalidArgument("parquet: the file has no columns");
  for (int c : options.columns) {
    if (c < 0 || static_cast<size_t>(c) >= columns.size()) {
      return InvalidArgument("parquet: no column " + std::to_string(c) + " (the file has " +
                             std::to_string(columns.size()) + ")");
    }
  }
  if (options.batch_rows == 0) return InvalidArgument("parquet: batch_rows must be at least 1");
  options.batch_rows = std::min(options.batch_rows, kMaxBatchRows);
  options.row_group_end = std::min(options.row_group_end, file->num_row_groups());
  options.row_group_begin = std::min(options.row_group_begin, options.row_group_end);

  std::unique_ptr<ParquetRowReader> r(new ParquetRowReader(file));
  for (int c : options.columns) {
    auto s = std::make_unique<ColumnState>();
    s->column = &columns[static_cast<size_t>(c)];
    s->name = Printable(s->column->name);
    s->type = s->column->type;
    s->slot = SlotOf(s->type);
    switch (s->type) {
      case PhysicalType::kInt32:
      case PhysicalType::kFloat:
        s->width = 4;
        break;
      case PhysicalType::kInt64:
      case PhysicalType::kDouble:
        s->width = 8;
        break;
      case PhysicalType::kInt96:
      case PhysicalType::kFixedLenByteArray:
        s->width = static_cast<size_t>(s->column->type_length);
        break;
      default:
        s->width = 0;
    }
    s->has_levels = s->column->optional;
    s->options = file->options();
    r->states_.push_back(std::move(s));
  }
  r->batches_.resize(options.columns.size());
  for (size_t i = 0; i < options.columns.size(); ++i) r->batches_[i].type = r->states_[i]->type;
  int64_t first = 0;
  for (size_t g = 0; g < options.row_group_begin; ++g) first += file->row_group_rows(g);
  r->next_row_ = first;
  r->next_row_group_ = options.row_group_begin;
  r->options_ = std::move(options);
  return r;
}

Status ParquetRowReader::Fail(Status s) {
  failed_ = s;
  batch_size_ = 0;
  return s;
}

Status ParquetRowReader::StartRowGroup(size_t g) {
  const RowGroup& rg = file_->metadata().row_groups[g];
  if (!file_->attached_[g]) {
    return InvalidArgument("parquet: row group " + std::to_string(g) +
                           " is not in memory (ParquetFile::AttachRowGroup)");
  }
  row_group_ = g;
  group_rows_left_ = rg.num_rows;
  in_row_group_ = true;
  for (size_t i = 0; i < states_.size(); ++i) {
    auto c = static_cast<size_t>(options_.columns[i]);
    const ColumnMetaData& meta = rg.columns[c].meta;
    // One decompressor per codec, shared by the columns (they decode one after the other).
    auto codec = static_cast<uint32_t>(meta.codec);
    Decompressor* d = nullptr;
    if (codec < std::size(decompressors_) && decompressors_[codec] != nullptr) {
      d = decompressors_[codec].get();
    } else if (meta.codec != Codec::kUncompressed) {
      auto made = Decompressor::Make(meta.codec);
      if (!made.ok()) {
        Status s = made.status();
        return Status(s.code(), "parquet: row group " + std::to_string(g) + ", column \"" +
                                    states_[i]->name + "\": " + s.message().substr(9));
      }
      d = made->get();
      decompressors_[codec] = std::move(made).value();  // codec < 8: Make knows no others
    }
    states_[i]->StartChunk(g, file_->chunks_[g][c], meta, d);
  }
  return Status::Ok();
}

Result<size_t> ParquetRowReader::NextBatch() {
  RETURN_IF_ERROR(failed_);
  next_row_in_batch_ = 0;
  while (!in_row_group_ || group_rows_left_ == 0) {
    if (next_row_group_ >= options_.row_group_end) {
      batch_size_ = 0;
      return size_t{0};
    }
    Status s = StartRowGroup(next_row_group_++);
    if (!s.ok()) return Fail(s);
  }
  size_t n = static_cast<size_t>(
      std::min<int64_t>(static_cast<int64_t>(options_.batch_rows), group_rows_left_));
  for (size_t i = 0; i < states_.size(); ++i) {
    Status s = states_[i]->Read(n, &batches_[i]);
    if (!s.ok()) return Fail(s);
  }
  group_rows_left_ -= static_cast<int64_t>(n);
  batch_first_row_ = next_row_;
  next_row_ += static_cast<int64_t>(n);
  batch_size_ = n;
  return n;
}

Result<bool> ParquetRowReader::Next() {
  if (next_row_in_batch_ >= batch_size_) {
    ASSIGN_OR_RETURN(size_t n, NextBatch());
    if (n == 0) return false;
  }
  row_in_batch_ = next_row_in_batch_++;
  return true;
}

}  // namespace binlake::parquet
