#include "task/settings.h"

namespace binlake {

std::string_view DataFormatName(DataFormat format) {
  return format == DataFormat::kCsv ? "csv" : "parquet";
}

std::string_view CompressionName(Compression compression) {
  switch (compression) {
    case Compression::kNone:
      return "NONE";
    case Compression::kGzip:
      return "GZIP";
    case Compression::kSnappy:
      return "SNAPPY";
    case Compression::kZstd:
      return "ZSTD";
  }
  return "NONE";
}

std::string DataFileExtension(const S3Settings& settings) {
  if (settings.data_format == DataFormat::kParquet) return ".parquet";
  return settings.compression == Compression::kGzip ? ".csv.gz" : ".csv";
}

}  // namespace binlake
