#include "format/file_format.h"

#include "format/csv/csv_writer.h"
#include "format/parquet/parquet_writer.h"

namespace binlake {

Result<RowFileWriterFactory> MakeRowFileWriterFactory(const S3Settings& settings) {
  if (settings.data_format == DataFormat::kParquet) {
    ASSIGN_OR_RETURN(ParquetWriterOptions options, ParquetOptionsFromSettings(settings));
    return RowFileWriterFactory(
        [options](const TableSchema& schema, const OutputColumns& columns,
                  std::unique_ptr<ObjectWriter> sink) {
          return NewParquetFileWriter(schema, columns, options, std::move(sink));
        });
  }
  if (settings.compression != Compression::kNone && settings.compression != Compression::kGzip) {
    return InvalidArgument("CompressionType SNAPPY and ZSTD apply to DataFormat=parquet only");
  }
  CsvOptions options = CsvOptionsFromSettings(settings);
  return RowFileWriterFactory([options](const TableSchema& schema, const OutputColumns& columns,
                                        std::unique_ptr<ObjectWriter> sink) {
    return NewCsvFileWriter(schema, columns, options, std::move(sink));
  });
}

}  // namespace binlake
