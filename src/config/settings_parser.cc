#include "config/settings_parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>

#include "config/settings_keys.h"

namespace binlake {
namespace {

using settings_internal::AllSpecs;
using settings_internal::FindSpec;
using settings_internal::Input;
using settings_internal::Kind;
using settings_internal::Lower;
using settings_internal::Spec;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

Status UnknownKey(std::string_view origin, std::string_view key) {
  std::vector<std::string_view> names = S3SettingNames();
  std::string message = std::string(origin) + ": unknown S3Settings key '" + std::string(key) + "'";
  std::string_view best = ClosestName(key, names);
  if (!best.empty()) message += " (did you mean '" + std::string(best) + "'?)";
  return InvalidArgument(message);
}

std::string Brief(const nlohmann::json& v) {
  std::string s = v.dump();
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

Result<bool> ParseBoolText(std::string_view text) {
  const std::string v = Lower(text);
  if (v == "true" || v == "y") return true;
  if (v == "false" || v == "n") return false;
  return InvalidArgument("must be true or false (or y/n), got '" + std::string(text) + "'");
}

// Checks `value` against the kind of `spec` and converts it.
Result<Input> ToInput(const Spec& spec, const nlohmann::json& value) {
  Input in;
  switch (spec.kind) {
    case Kind::kBool:
      if (value.is_boolean()) {
        in.b = value.get<bool>();
      } else if (value.is_string()) {
        ASSIGN_OR_RETURN(in.b, ParseBoolText(value.get<std::string>()));
      } else {
        return InvalidArgument("must be true or false, got " + Brief(value));
      }
      return in;
    case Kind::kInt: {
      std::string range =
          "an integer between " + std::to_string(spec.min) + " and " + std::to_string(spec.max);
      if (spec.max == kInt64Max) range = "an integer >= " + std::to_string(spec.min);
      if (value.is_number_unsigned()) {
        uint64_t u = value.get<uint64_t>();
        if (u > static_cast<uint64_t>(spec.max)) {
          return InvalidArgument("must be " + range + ", got " + Brief(value));
        }
        in.i = static_cast<int64_t>(u);
      } else if (value.is_number_integer()) {
        in.i = value.get<int64_t>();
      } else {
        return InvalidArgument("must be " + range + ", got " + Brief(value));
      }
      if (in.i < spec.min || in.i > spec.max) {
        return InvalidArgument("must be " + range + ", got " + Brief(value));
      }
      return in;
    }
    case Kind::kString:
      if (value.is_string()) {
        in.s = value.get<std::string>();
      } else if (value.is_number_integer()) {
        in.s = value.dump();  // e.g. an unquoted account id in YAML
      } else if (value.is_null()) {
        return InvalidArgument("must be a string, got null (quote the value, e.g. 'NULL')");
      } else {
        return InvalidArgument("must be a string, got " + Brief(value));
      }
      return in;
  }
  return Internal("unreachable");
}

Status ApplyOne(const Spec& spec, const nlohmann::json& value, std::string_view origin,
                S3Settings* settings) {
  auto prefix = [&](const Status& s) {
    return Status(s.code(),
                  std::string(origin) + ": " + std::string(spec.name) + ": " + s.message());
  };
  Result<Input> in = ToInput(spec, value);
  if (!in.ok()) return prefix(in.status());
  Status s = spec.apply(*in, settings);
  if (!s.ok()) return prefix(s);
  return Status::Ok();
}

Result<nlohmann::json> ParseJsonText(std::string_view text, std::string_view origin) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." -> after "] ".
    size_t bracket = what.find("] ");
    if (bracket != std::string::npos) what = what.substr(bracket + 2);
    return InvalidArgument(std::string(origin) + ": invalid JSON: " + what);
  }
}

}  // namespace

size_t CaseInsensitiveEditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                  std::tolower(static_cast<unsigned char>(b[j - 1]));
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string_view ClosestName(std::string_view name, std::span<const std::string_view> candidates) {
  std::string_view best;
  size_t best_distance = std::numeric_limits<size_t>::max();
  for (std::string_view c : candidates) {
    size_t d = CaseInsensitiveEditDistance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  // A plausible misspelling: at most a third of the name changed (and at most 4 edits).
  size_t limit = std::min<size_t>(4, std::max<size_t>(1, name.size() / 3));
  return best_distance <= limit ? best : std::string_view();
}

std::vector<std::string_view> S3SettingNames() {
  std::vector<std::string_view> names;
  for (const Spec& spec : AllSpecs()) names.push_back(spec.name);
  return names;
}

Status ApplyS3SettingsJson(const nlohmann::json& object, std::string_view origin,
                           S3Settings* settings) {
  if (!object.is_object()) {
    return InvalidArgument(std::string(origin) +
                           ": S3Settings must be a JSON object of DMS setting names, got " +
                           Brief(object));
  }
  for (auto it = object.begin(); it != object.end(); ++it) {
    const Spec* spec = FindSpec(it.key());
    if (spec == nullptr) return UnknownKey(origin, it.key());
    RETURN_IF_ERROR(ApplyOne(*spec, it.value(), origin, settings));
  }
  return Status::Ok();
}

Status ApplyS3SettingsText(std::string_view text, std::string_view origin, S3Settings* settings) {
  ASSIGN_OR_RETURN(nlohmann::json doc, ParseJsonText(text, origin));
  return ApplyS3SettingsJson(doc, origin, settings);
}

Status LoadS3SettingsFile(const std::string& path, S3Settings* settings) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open the S3Settings file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return IoError(path + ": cannot read the S3Settings file");
  return ApplyS3SettingsText(text.str(), path, settings);
}

Status ApplyS3SettingOverride(std::string_view assignment, S3Settings* settings) {
  constexpr std::string_view kOrigin = "--set";
  size_t eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return InvalidArgument(std::string(kOrigin) + ": '" + std::string(assignment) +
                           "' is not Key=Value (e.g. CsvDelimiter=';')");
  }
  std::string_view key = assignment.substr(0, eq);
  std::string_view text = assignment.substr(eq + 1);
  const Spec* spec = FindSpec(key);
  if (spec == nullptr) return UnknownKey(kOrigin, key);
  nlohmann::json value;
  if (spec->kind == Kind::kInt) {
    int64_t i = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
      return InvalidArgument(std::string(kOrigin) + ": " + std::string(key) +
                             ": must be an integer, got '" + std::string(text) + "'");
    }
    value = i;
  } else {
    value = std::string(text);  // booleans are parsed from text by ToInput
  }
  return ApplyOne(*spec, value, kOrigin, settings);
}

Status ApplyS3SettingOverrides(std::span<const std::string> assignments, S3Settings* settings) {
  for (const std::string& a : assignments) RETURN_IF_ERROR(ApplyS3SettingOverride(a, settings));
  return Status::Ok();
}

Status ValidateS3Settings(const S3Settings& s) {
  auto bad = [](std::string m) { return InvalidArgument("S3Settings: " + std::move(m)); };
  if (s.cdc_inserts_only && s.cdc_inserts_and_updates) {
    return bad("CdcInsertsOnly and CdcInsertsAndUpdates cannot both be true");
  }
  if (s.preserve_transactions) {
    if (s.cdc_path.empty()) return bad("PreserveTransactions=true requires CdcPath");
    if (s.date_partition_enabled) {
      return bad("PreserveTransactions cannot be combined with DatePartitionEnabled");
    }
    if (s.add_column_name) return bad("PreserveTransactions cannot be combined with AddColumnName");
  }
  if (s.date_partition_enabled && !s.cdc_path.empty()) {
    return bad("DatePartitionEnabled cannot be combined with CdcPath");
  }
  if (s.data_format == DataFormat::kCsv &&
      (s.compression == Compression::kSnappy || s.compression == Compression::kZstd)) {
    return bad("CompressionType " + std::string(CompressionName(s.compression)) +
               " is only for DataFormat=parquet (CSV supports NONE or GZIP)");
  }
  if (s.compression == Compression::kGzip && s.compression_level > 9) {
    return bad("CompressionLevel for GZIP must be between 0 (default) and 9, got " +
               std::to_string(s.compression_level));
  }
  if (s.csv_delimiter.empty() || s.csv_row_delimiter.empty()) {
    return bad("CsvDelimiter and CsvRowDelimiter must not be empty");
  }
  if (s.csv_delimiter.find(s.csv_row_delimiter) != std::string::npos ||
      s.csv_row_delimiter.find(s.csv_delimiter) != std::string::npos) {
    return bad("CsvDelimiter and CsvRowDelimiter must differ and not contain each other");
  }
  if (s.rfc4180 && (s.csv_delimiter.find('"') != std::string::npos ||
                    s.csv_row_delimiter.find('"') != std::string::npos)) {
    return bad("with Rfc4180=true, CsvDelimiter and CsvRowDelimiter cannot contain '\"'");
  }
  // NULL is written unquoted, so its marker must not be mistaken for field or row structure.
  const std::string& nv = s.csv_null_value;
  if (!nv.empty() && (nv.find(s.csv_delimiter) != std::string::npos ||
                      nv.find(s.csv_row_delimiter) != std::string::npos ||
                      nv.find_first_of("\"\r\n") != std::string::npos)) {
    return bad("CsvNullValue must not contain CsvDelimiter, CsvRowDelimiter, '\"', CR or LF");
  }
  if (!s.kms_key_id.empty() && s.encryption_mode != "SSE_KMS") {
    return bad("ServerSideEncryptionKmsKeyId requires EncryptionMode=SSE_KMS");
  }
  if (s.add_trailing_padding_character) {
    return Unsupported(
        "S3Settings: AddTrailingPaddingCharacter=true is not supported (DMS does not specify "
        "the padding)");
  }
  if (s.glue_catalog_generation) {
    return Unsupported("S3Settings: GlueCatalogGeneration=true is not supported");
  }
  return Status::Ok();
}

Status ApplyS3SettingsToTarget(const S3Settings& settings, TargetConfig* target) {
  target->encryption_mode = settings.encryption_mode;
  target->kms_key_id = settings.kms_key_id;
  target->canned_acl = settings.canned_acl;
  target->expected_bucket_owner = settings.expected_bucket_owner;
  if (settings.bucket_name.empty()) return Status::Ok();
  constexpr std::string_view kS3 = "s3://";
  std::string_view url = target->url;
  if (url.empty()) {
    target->url = std::string(kS3) + settings.bucket_name;
    return Status::Ok();
  }
  if (url.substr(0, kS3.size()) == kS3) {
    std::string_view rest = url.substr(kS3.size());
    std::string_view bucket = rest.substr(0, rest.find('/'));
    if (bucket != settings.bucket_name) {
      return InvalidArgument("S3Settings: BucketName '" + settings.bucket_name +
                             "' conflicts with the target URL " + target->url);
    }
  }
  return Status::Ok();  // file:// targets ignore BucketName (see header)
}

}  // namespace binlake
