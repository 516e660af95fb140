#include "format/file_format.h"

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

std::string DataFileExtension(const FileFormatOptions& options) {
  if (options.format == DataFormat::kParquet) return ".parquet";
  return options.csv.gzip ? ".csv.gz" : ".csv";
}

RowFileWriterFactory MakeRowFileWriterFactory(const FileFormatOptions& options) {
  if (options.format == DataFormat::kParquet) {
    return [parquet = options.parquet](const TableSchema& schema, const OutputColumns& columns,
                                       std::unique_ptr<ObjectWriter> sink) {
      return NewParquetFileWriter(schema, columns, parquet, std::move(sink));
    };
  }
  return [csv = options.csv](const TableSchema& schema, const OutputColumns& columns,
                             std::unique_ptr<ObjectWriter> sink) {
    return NewCsvFileWriter(schema, columns, csv, std::move(sink));
  };
}

}  // namespace binlake
