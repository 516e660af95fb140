// ParquetFile (format/parquet/parquet_reader.h): a file's footer, its columns and where its row
// groups are; their pages are read by ParquetRowReader (parquet_reader.cc).
#include <algorithm>
#include <cstring>
#include <limits>

#include "format/parquet/parquet_reader.h"
#include "format/parquet/reader_util.h"

namespace binlake::parquet {

using detail::LoadLe32;
using detail::Printable;
using detail::TypeName;

namespace detail {

std::string Printable(std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < s.size() && i < 64; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  if (s.size() > 64) out += "...";
  return out;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// ParquetFile

namespace {

// The footer length from a file's last 8 bytes (length, magic), checked against the file's size.
Result<uint32_t> FooterLength(std::string_view last8, uint64_t size) {
  if (size < 12) {
    return Corruption("parquet: a file of " + std::to_string(size) +
                      " bytes is too short (magic, footer, footer length, magic)");
  }
  if (last8.substr(4) != kMagic) {
    if (last8.substr(4) == "PARE") {
      return Unsupported("parquet: files with an encrypted footer are not supported");
    }
    return Corruption("parquet: no magic \"PAR1\" at the end of the file (cut short?)");
  }
  uint32_t footer_length = LoadLe32(last8.data());
  if (footer_length > size - 12) {
    return Corruption("parquet: footer length " + std::to_string(footer_length) +
                      " exceeds the file (" + std::to_string(size) + " bytes)");
  }
  return footer_length;
}

}  // namespace

Result<ParquetFile> ParquetFile::Open(std::string_view bytes, const ReaderOptions& options) {
  const size_t size = bytes.size();
  if (size >= 12 && bytes.substr(0, 4) != kMagic) {
    if (bytes.substr(0, 4) == "PARE") {
      return Unsupported("parquet: encrypted files (magic \"PARE\") are not supported");
    }
    return Corruption("parquet: no magic \"PAR1\" at the start of the file");
  }
  ASSIGN_OR_RETURN(uint32_t footer_length,
                   FooterLength(size >= 8 ? bytes.substr(size - 8) : bytes, size));
  ASSIGN_OR_RETURN(ParquetFile f, FromFooter(bytes.substr(size - 8 - footer_length, footer_length),
                                             size, options));
  f.bytes_ = bytes;
  for (size_t g = 0; g < f.ranges_.size(); ++g) RETURN_IF_ERROR(f.AttachRowGroup(g, bytes, 0));
  return f;
}

Result<uint64_t> ParquetFile::TailBytesNeeded(std::string_view last8, uint64_t file_size) {
  if (last8.size() != 8) return InvalidArgument("parquet: TailBytesNeeded wants the last 8 bytes");
  ASSIGN_OR_RETURN(uint32_t footer_length, FooterLength(last8, file_size));
  return uint64_t{footer_length} + 8;
}

Result<ParquetFile> ParquetFile::OpenTail(std::string_view tail, uint64_t file_size,
                                          const ReaderOptions& options) {
  if (tail.size() < 8 || tail.size() > file_size) {
    return InvalidArgument("parquet: OpenTail wants at least the file's last 8 bytes");
  }
  ASSIGN_OR_RETURN(uint32_t footer_length, FooterLength(tail.substr(tail.size() - 8), file_size));
  if (footer_length > tail.size() - 8) {
    return InvalidArgument("parquet: OpenTail wants the file's last " +
                           std::to_string(uint64_t{footer_length} + 8) + " bytes, not " +
                           std::to_string(tail.size()));
  }
  return FromFooter(tail.substr(tail.size() - 8 - footer_length, footer_length), file_size,
                    options);
}

std::pair<uint64_t, uint64_t> ParquetFile::RowGroupRange(size_t row_group) const {
  uint64_t begin = UINT64_MAX, end = 0;
  for (const auto& [offset, length] : ranges_[row_group]) {
    begin = std::min(begin, offset);
    end = std::max(end, offset + length);
  }
  if (begin > end) return {0, 0};
  return {begin, end - begin};
}

Status ParquetFile::AttachRowGroup(size_t row_group, std::string_view bytes, uint64_t offset) {
  if (row_group >= ranges_.size()) return InvalidArgument("parquet: no such row group");
  std::vector<std::string_view>& chunks = chunks_[row_group];
  for (size_t c = 0; c < chunks.size(); ++c) {
    const auto& [start, length] = ranges_[row_group][c];
    if (start < offset || start - offset > bytes.size() ||
        length > bytes.size() - (start - offset)) {
      return InvalidArgument("parquet: the bytes given for row group " + std::to_string(row_group) +
                             " do not hold its chunks");
    }
  }
  for (size_t c = 0; c < chunks.size(); ++c) {
    const auto& [start, length] = ranges_[row_group][c];
    chunks[c] = bytes.substr(static_cast<size_t>(start - offset), static_cast<size_t>(length));
  }
  attached_[row_group] = true;
  return Status::Ok();
}

Result<ParquetFile> ParquetFile::FromFooter(std::string_view footer, uint64_t size,
                                            const ReaderOptions& options) {
  const uint64_t footer_start = size - 8 - footer.size();
  ParquetFile f;
  f.options_ = options;
  RETURN_IF_ERROR(ParseFileMetaData(footer, &f.meta_));
  const FileMetaData& m = f.meta_;

  // Schema: the root group, then its leaves (parquet.thrift SchemaElement: depth-first).
  if (m.schema.empty()) return Corruption("parquet: the schema is empty");
  const SchemaElement& root = m.schema[0];
  for (size_t i = 1; i < m.schema.size(); ++i) {
    const SchemaElement& e = m.schema[i];
    std::string name = "\"" + Printable(e.name) + "\"";
    if (e.num_children > 0) {
      return Unsupported("parquet: column group " + name + ": nested columns are not supported");
    }
    if (!e.type) return Corruption("parquet: schema element " + name + " has no type");
    if (e.repetition == Repetition::kRepeated) {
      return Unsupported("parquet: column " + name + " is REPEATED: not supported");
    }
    ParquetColumn c;
    c.name = e.name;
    c.type = *e.type;
    c.optional = e.repetition == Repetition::kOptional;
    c.converted_type = e.converted_type;
    c.logical = e.logical;
    if (c.type == PhysicalType::kFixedLenByteArray) {
      if (e.type_length <= 0) {
        return Corruption("parquet: FIXED_LEN_BYTE_ARRAY column " + name + " has type_length " +
                          std::to_string(e.type_length));
      }
      c.type_length = e.type_length;
    } else if (c.type == PhysicalType::kInt96) {
      c.type_length = 12;
    }
    if (e.logical.kind == LogicalKind::kDecimal) {
      c.precision = e.logical.precision;
      c.scale = e.logical.scale;
    } else if (e.converted_type == ConvertedType::kDecimal) {
      c.precision = e.precision;
      c.scale = std::max(e.scale, 0);
    }
    f.columns_.push_back(std::move(c));
  }
  if (root.type || root.num_children != static_cast<int64_t>(f.columns_.size())) {
    return Corruption("parquet: the schema's root has " + std::to_string(root.num_children) +
                      " children, the schema lists " + std::to_string(f.columns_.size()) +
                      " columns");
  }

  // Row groups: one chunk per column, of the column's type, within the data area.
  int64_t rows = 0;
  f.chunks_.resize(m.row_groups.size());
  f.ranges_.resize(m.row_groups.size());
  f.attached_.assign(m.row_groups.size(), false);
  for (size_t g = 0; g < m.row_groups.size(); ++g) {
    const RowGroup& rg = m.row_groups[g];
    std::string where = "parquet: row group " + std::to_string(g);
    if (rg.columns.size() != f.columns_.size()) {
      return Corruption(where + " has " + std::to_string(rg.columns.size()) +
                        " column chunks for " + std::to_string(f.columns_.size()) + " columns");
    }
    if (rg.num_rows > std::numeric_limits<int64_t>::max() - rows) {
      return Corruption(where + ": row counts overflow");
    }
    rows += rg.num_rows;
    for (size_t c = 0; c < rg.columns.size(); ++c) {
      const ColumnChunk& chunk = rg.columns[c];
      const ColumnMetaData& cm = chunk.meta;
      std::string col = where + ", column \"" + Printable(f.columns_[c].name) + "\"";
      if (!chunk.file_path.empty()) {
        return Unsupported(col + ": chunks in other files (file_path) are not supported");
      }
      if (cm.type != f.columns_[c].type) {
        return Corruption(col + ": chunk of type " + TypeName(cm.type) + " in a " +
                          TypeName(f.columns_[c].type) + " column");
      }
      if (cm.num_values != rg.num_rows) {
        return Corruption(col + ": " + std::to_string(cm.num_values) + " values for " +
                          std::to_string(rg.num_rows) + " rows");
      }
      int64_t start = cm.data_page_offset;
      if (cm.dictionary_page_offset && *cm.dictionary_page_offset > 0 &&
          *cm.dictionary_page_offset < start) {
        start = *cm.dictionary_page_offset;
      }
      const auto data_end = static_cast<int64_t>(footer_start);
      if (start < 4 || start > data_end || cm.total_compressed_size > data_end - start) {
        return Corruption(col + ": chunk at " + std::to_string(start) + " of " +
                          std::to_string(cm.total_compressed_size) +
                          " bytes is not within the data (bytes 4.." + std::to_string(data_end) +
                          ")");
      }
      f.ranges_[g].emplace_back(static_cast<uint64_t>(start),
                                static_cast<uint64_t>(cm.total_compressed_size));
      f.chunks_[g].emplace_back();
    }
  }
  if (rows != m.num_rows) {
    return Corruption("parquet: the row groups hold " + std::to_string(rows) +
                      " rows, the footer says " + std::to_string(m.num_rows));
  }
  return f;
}

int ParquetFile::FindColumn(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace binlake::parquet
