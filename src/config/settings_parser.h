// Parsing and validation of S3Settings (config/settings.h) from the three places a user can set
// them, in increasing priority:
//   1. a DMS S3Settings JSON file (--settings), exactly the shape of the DMS API's S3Settings
//      (https://docs.aws.amazon.com/dms/latest/APIReference/API_S3Settings.html);
//   2. the `settings:` map of the task config file (YAML or JSON, config/task_config.h);
//   3. command-line overrides "Key=Value" (--set CsvDelimiter=';').
//
// Rules (the same for all three):
//   - Keys are DMS's names, case-sensitive ("CsvDelimiter"). An unknown key is an error that
//     names the key and suggests the closest valid one.
//   - Booleans: JSON true/false, or the strings "true", "false", "y", "n" (any case), which DMS
//     documents as valid. Integers: JSON integers (on the command line: decimal digits).
//   - DMS enum values are case-insensitive and '-' and '_' are interchangeable: "gzip" = "GZIP",
//     "parquet-2-0" = "PARQUET_2_0", "sse-s3" = "SSE_S3". Values are stored in one canonical
//     spelling (see the comments in settings.h).
//   - CsvDelimiter and CsvRowDelimiter understand the escapes \t \n \r \\ (so '\t' typed on a
//     shell or in single-quoted YAML is a tab, as in DMS's extra connection attributes).
//     CsvNullValue is taken literally (so MySQL's \N can be the null marker).
//   - BucketFolder and CdcPath lose leading/trailing '/'; empty, "." and ".." segments are errors.
//   - RowGroupLength above 64 Mi rows is capped, as DMS does.
//   - Accepted and ignored (they do not apply to a MySQL -> S3 target task or are handled
//     elsewhere): ServiceAccessRoleArn (binlake uses the standard AWS credential chain or the
//     task config's credentials), ExternalTableDefinition and IgnoreHeaderRows (S3 *source*
//     settings).
//   - Per-key checks happen when a key is applied; checks across keys (CdcInsertsOnly vs
//     CdcInsertsAndUpdates, PreserveTransactions needs CdcPath, ...) happen in
//     ValidateS3Settings, which callers run once after all sources are applied.
//
// Error messages are one line: "<origin>: <Key>: <problem>". Values of secret-free settings may
// be quoted in messages; no setting here holds a secret.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/settings.h"
#include "store/target_config.h"

namespace binlake {

// Applies every key of `object` (a JSON object of DMS S3Settings keys) onto `settings`.
// `origin` names the source in messages, e.g. "settings.json" or "task.yaml: settings".
// On error `settings` may be partly updated.
Status ApplyS3SettingsJson(const nlohmann::json& object, std::string_view origin,
                           S3Settings* settings);

// Parses `text` as a DMS S3Settings JSON document and applies it (see ApplyS3SettingsJson).
Status ApplyS3SettingsText(std::string_view text, std::string_view origin, S3Settings* settings);

// Reads a DMS S3Settings JSON file and applies it.
Status LoadS3SettingsFile(const std::string& path, S3Settings* settings);

// Applies one "Key=Value" command-line override (the value is text; the first '=' splits).
Status ApplyS3SettingOverride(std::string_view assignment, S3Settings* settings);
Status ApplyS3SettingOverrides(std::span<const std::string> assignments, S3Settings* settings);

// Checks the rules that involve several settings. Run after all sources were applied.
Status ValidateS3Settings(const S3Settings& settings);

// Copies the settings that describe target access (EncryptionMode, ServerSideEncryptionKmsKeyId,
// CannedAclForObjects, ExpectedBucketOwner) into `target`, and resolves BucketName:
//   - target->url empty: becomes s3://<BucketName>;
//   - target->url is s3://<bucket>[/prefix]: BucketName must be empty or equal <bucket>;
//   - target->url is file://...: BucketName is ignored (a DMS settings file can be reused
//     unchanged against a local directory).
Status ApplyS3SettingsToTarget(const S3Settings& settings, TargetConfig* target);

// All accepted keys, in the DMS documentation's (alphabetical) order; for help texts.
std::vector<std::string_view> S3SettingNames();

// Edit distance between `a` and `b`, ignoring ASCII case (for "did you mean" suggestions).
size_t CaseInsensitiveEditDistance(std::string_view a, std::string_view b);
// The candidate closest to `name`, or "" if none is plausibly a misspelling of it.
std::string_view ClosestName(std::string_view name, std::span<const std::string_view> candidates);

}  // namespace binlake
