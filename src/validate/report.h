// The validation report (docs/VALIDATE.md): its JSON, where it is stored in the target, the newest
// one's summary for `binlake status`, and what `--recheck` compares again from it.
// Thread-safety: functions only; the store must be usable from the calling thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/object_store.h"
#include "validate/validate.h"

namespace binlake {

// The report as JSON (docs/VALIDATE.md): position, per table the counts, the differing columns
// and the samples (values longer than `max_value_chars` shortened, marked "...").
std::string ValidationReportJson(const ValidateResult& result, size_t max_value_chars = 256);

// `[BucketFolder/]_binlake/validation/<started_at as YYYYMMDDTHHMMSSZ>.json`.
std::string ValidationReportKey(const std::string& bucket_folder, const std::string& started_at);

// The newest report stored in the target, for `binlake status` (nullopt: never validated).
struct ValidationSummary {
  std::string key;  // the report's object
  std::string started_at;
  std::string source_position;
  uint64_t lake_checkpoint = 0;
  size_t tables = 0;
  std::vector<std::string> differing;  // "schema.table" of the tables that differ
};
Result<std::optional<ValidationSummary>> ReadNewestValidation(ObjectStore& target,
                                                              const std::string& bucket_folder);

// What --recheck compares of a table: its keys that differed, or (whole) all of it.
struct Recheck {
  bool whole = false;
  std::vector<std::string> key_columns;
  std::vector<std::vector<std::optional<std::string>>> keys;
};

// The newest report's tables that were not equal, by "schema.table". kPreconditionFailed when
// the target holds no report; kCorruption for one that is not a report.
Result<std::map<std::string, Recheck>> ReadRecheck(ObjectStore& target, const std::string& folder);

}  // namespace binlake
