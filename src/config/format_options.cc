#include "config/format_options.h"

#include <algorithm>
#include <cctype>

namespace binlake {
namespace {

// "PARQUET_1_0", "parquet-1-0", "1.0" -> "1-0"-style key for comparison.
std::string Normalize(std::string_view s) {
  std::string out;
  for (char c : s) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.push_back(l == '_' || l == '.' ? '-' : l);
  }
  if (out.rfind("parquet-", 0) == 0) out.erase(0, 8);
  return out;
}

}  // namespace

Result<ParquetWriterOptions> ParquetOptionsFromSettings(const S3Settings& settings) {
  ParquetWriterOptions o;
  std::string version = Normalize(settings.parquet_version);
  if (version == "1-0") {
    o.version = ParquetVersion::k1_0;
  } else if (version == "2-0") {
    o.version = ParquetVersion::k2_0;
  } else {
    return InvalidArgument("ParquetVersion \"" + settings.parquet_version +
                           "\" is not parquet-1-0 or parquet-2-0");
  }
  std::string encoding = Normalize(settings.encoding_type);
  if (encoding == "rle-dictionary") {
    o.encoding = ParquetEncoding::kRleDictionary;
  } else if (encoding == "plain-dictionary") {
    o.encoding = ParquetEncoding::kPlainDictionary;
  } else if (encoding == "plain") {
    o.encoding = ParquetEncoding::kPlain;
  } else {
    return InvalidArgument("EncodingType \"" + settings.encoding_type +
                           "\" is not rle-dictionary, plain-dictionary or plain");
  }
  if (settings.data_page_size == 0 || settings.dict_page_size_limit == 0 ||
      settings.row_group_length == 0) {
    return InvalidArgument("DataPageSize, DictPageSizeLimit and RowGroupLength must be > 0");
  }
  o.dict_page_size_limit = settings.dict_page_size_limit;
  o.data_page_size = settings.data_page_size;
  o.row_group_length = settings.row_group_length;
  o.enable_statistics = settings.enable_statistics;
  o.timestamp_in_millis = settings.parquet_timestamp_in_millisecond;
  switch (settings.compression) {
    case Compression::kNone:
      o.codec = parquet::Codec::kUncompressed;
      break;
    case Compression::kGzip:
      o.codec = parquet::Codec::kGzip;
      break;
    case Compression::kSnappy:
      o.codec = parquet::Codec::kSnappy;
      break;
    case Compression::kZstd:
      o.codec = parquet::Codec::kZstd;
      break;
  }
  o.compression_level = settings.compression_level;  // 0: GZIP 1 / ZSTD 3 (compression.h)
  o.render.binary_encoding = settings.binary_encoding;
  return o;
}

CsvOptions CsvOptionsFromSettings(const S3Settings& settings) {
  CsvOptions o;
  o.delimiter = settings.csv_delimiter;
  o.row_delimiter = settings.csv_row_delimiter;
  o.null_value = settings.csv_null_value;
  o.rfc4180 = settings.rfc4180;
  o.header = settings.add_column_name;
  o.render.binary_encoding = settings.binary_encoding;
  o.gzip = settings.compression == Compression::kGzip;
  o.gzip_level = settings.compression_level;
  return o;
}

Result<FileFormatOptions> FileFormatOptionsFromSettings(const S3Settings& settings) {
  FileFormatOptions o;
  o.format = settings.data_format;
  if (settings.data_format == DataFormat::kParquet) {
    ASSIGN_OR_RETURN(o.parquet, ParquetOptionsFromSettings(settings));
    return o;
  }
  if (settings.compression != Compression::kNone && settings.compression != Compression::kGzip) {
    return InvalidArgument("CompressionType SNAPPY and ZSTD apply to DataFormat=parquet only");
  }
  o.csv = CsvOptionsFromSettings(settings);
  return o;
}

Result<RowFileWriterFactory> MakeRowFileWriterFactory(const S3Settings& settings) {
  ASSIGN_OR_RETURN(FileFormatOptions options, FileFormatOptionsFromSettings(settings));
  return MakeRowFileWriterFactory(options);
}

std::string DataFileExtension(const S3Settings& settings) {
  if (settings.data_format == DataFormat::kParquet) return ".parquet";
  return settings.compression == Compression::kGzip ? ".csv.gz" : ".csv";
}

}  // namespace binlake
