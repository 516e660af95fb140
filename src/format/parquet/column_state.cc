#include "format/parquet/column_state.h"

namespace binlake::parquet {

using column_detail::Buffer;
using column_detail::EncodingName;
using column_detail::Slot;
using detail::LoadLe32;
using detail::TypeName;

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

}  // namespace binlake::parquet
