// The data-format factory: which RowFileWriter and file extension the settings call for
// (DataFormat csv|parquet, CompressionType). Used by the full load and CDC alike.
#pragma once

#include <string>

#include "common/status.h"
#include "task/settings.h"
#include "format/row_file_writer.h"

namespace binlake {

// The file extension comes from DataFileExtension (task/settings.h).

// A factory creating writers of the configured format. Fails for invalid combinations (e.g.
// SNAPPY with CSV).
Result<RowFileWriterFactory> MakeRowFileWriterFactory(const S3Settings& settings);

}  // namespace binlake
