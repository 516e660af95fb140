// The settings CDC wrote its files with, recorded in the target so a reader knows them instead of
// guessing (materialize refuses files that cannot give a table's state, e.g. CdcInsertsOnly).
//
//   [BucketFolder/]_binlake/cdc/settings/<first checkpoint, 20 digits>.json
//
// Each record holds the settings that shape the CDC files (CdcSettingsJson) and applies to the
// checkpoints from the one in its name on, until the next record. `binlake cdc` writes one at
// start, before its first checkpoint, when the settings differ from the newest record (so a
// restart with the same settings writes nothing). Targets written before this existed have no
// record: a reader then assumes the full load's settings.
//
// Thread-safety: functions only; the store must be usable from the calling thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/settings.h"
#include "store/object_store.h"

namespace binlake {

struct CdcSettingsRecord {
  uint64_t from_checkpoint = 0;  // applies to this checkpoint and later ones
  std::string json;              // a JSON object of DMS setting names
};

// The settings that shape CDC files, as a JSON object (stable key order).
std::string CdcSettingsJson(const S3Settings& settings, const std::string& sequence_column);

// Records `json` as applying from checkpoint `from_checkpoint` unless the newest record says the
// same. Create-only: a record is never replaced.
Status RecordCdcSettings(ObjectStore& store, const std::string& bucket_folder,
                         uint64_t from_checkpoint, const std::string& json);

// Every record, oldest first. kCorruption (one line) for a record that is not a JSON object.
Result<std::vector<CdcSettingsRecord>> ReadCdcSettings(ObjectStore& store,
                                                       const std::string& bucket_folder);

}  // namespace binlake
