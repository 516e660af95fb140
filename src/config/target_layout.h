// Where binlake keeps things in a target (a local directory or an S3 prefix), in one place:
//
//   [BucketFolder/]<schema>/<table>/LOAD00000001.csv     full-load files   (DMS layout,
//   [BucketFolder/]<schema>/<table>/20261204-101500123.csv  CDC files       docs/DMS-S3-COMPAT.md
//   §1) [BucketFolder/]_binlake/full_load.json               the full load's state
//   (fullload/task_state.h) [BucketFolder/]_binlake/cdc/checkpoint-<20 digits>.json   CDC
//   checkpoints (cdc/checkpoint.h) [BucketFolder/]_binlake/schema/<schema>/<table>/...  the schema
//   history (cdc/schema_history.h)
//
// Names as key segments. MySQL allows any character but NUL in a schema or table name, so a name
// is not a key segment as it is: `a/b`.`c` and `a`.`b/c` would share a folder, `..` would climb
// out of it, and `.tmp-x` would look like a local store's temporary file. EncodeNameSegment
// makes every name one segment, and different names different segments, by percent-encoding
// (RFC 3986 style, uppercase hex) only what needs it, so ordinary names stay exactly as DMS
// writes them:
//   '%' and '/'                       always: %25, %2F
//   bytes 0x00-0x1F and 0x7F          always (they cannot be carried in S3's XML listings)
//   a leading '.'                     %2E (so ".", "..", ".tmp-x" and hidden names are safe)
//   a schema named exactly "_binlake" %5Fbinlake (it would share binlake's own state folder)
// Everything else (letters, digits, '_', '-', spaces, any UTF-8) is kept byte for byte. The
// encoding is injective: DecodeNameSegment undoes it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace binlake {

// One schema or table name as a key segment (see above). `is_schema` applies the "_binlake" rule.
std::string EncodeNameSegment(std::string_view name, bool is_schema = false);
// The name a segment stands for; nullopt if `segment` is not an encoded name (a bad %XX escape).
std::optional<std::string> DecodeNameSegment(std::string_view segment);

// "" or "<bucket_folder>/".
std::string BucketPrefix(std::string_view bucket_folder);
// "[bucket_folder/]<schema>/<table>/", both names encoded.
std::string TableFolder(std::string_view bucket_folder, std::string_view schema,
                        std::string_view table);
// "[bucket_folder/]_binlake/".
std::string StateFolder(std::string_view bucket_folder);
// "[bucket_folder/]_binlake/full_load.json".
std::string FullLoadStateKey(std::string_view bucket_folder);
// "[bucket_folder/]_binlake/cdc/": checkpoints and the store probe live here.
std::string CdcStateFolder(std::string_view bucket_folder);
// "[bucket_folder/]_binlake/cdc/checkpoint-": the prefix of every checkpoint key.
std::string CdcCheckpointPrefix(std::string_view bucket_folder);
// "[bucket_folder/]_binlake/schema/<schema>/<table>/", both names encoded.
std::string SchemaHistoryFolder(std::string_view bucket_folder, std::string_view schema,
                                std::string_view table);

}  // namespace binlake
