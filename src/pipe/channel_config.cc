// Parsing of inputdataconfig.json, resourceconfig.json and --channel (channel_config.h).
#include "pipe/channel_config.h"

#include <nlohmann/json.hpp>

namespace binlake::pipe {
namespace {

using nlohmann::json;

Status CheckUri(const std::string& uri, const std::string& where) {
  if (uri.rfind("s3://", 0) == 0 || uri.rfind("file:///", 0) == 0) return Status::Ok();
  return InvalidArgument(where + ": '" + uri +
                         "' is not an s3://bucket/prefix or file:///absolute/path URI");
}

Result<json> ParseJson(std::string_view text, std::string_view source) {
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InvalidArgument(std::string(source) + " is not valid JSON");
  return doc;
}

// The string member `key` of `obj`, if present; an error if present but not a string.
Result<std::optional<std::string>> StringMember(const json& obj, const char* key,
                                                const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return InvalidArgument(where + ": " + key + " must be a string");
  return std::optional<std::string>(it->get<std::string>());
}

Result<ChannelConfig> ParseChannelEntry(const std::string& name, const json& entry,
                                        const std::string& where) {
  if (!entry.is_object()) return InvalidArgument(where + " must be a JSON object");
  RETURN_IF_ERROR(CheckChannelName(name).WithContext(where));
  ChannelConfig channel;
  channel.name = name;
  // The API shape's DataSource.S3DataSource, when present, is read first; the runtime file's
  // keys (S3DistributionType) and a top-level S3Uri override it.
  const json* s3 = nullptr;
  if (auto ds = entry.find("DataSource"); ds != entry.end() && ds->is_object()) {
    if (auto it = ds->find("S3DataSource"); it != ds->end() && it->is_object())
      s3 = &*it;
    else
      return InvalidArgument(where + ": DataSource has no S3DataSource (only S3 is served)");
  }
  std::optional<std::string> uri, data_type, distribution;
  std::optional<std::vector<std::string>> attributes;
  auto read_attributes = [&](const json& obj) -> Status {
    auto it = obj.find("AttributeNames");
    if (it == obj.end() || it->is_null()) return Status::Ok();
    if (!it->is_array()) return InvalidArgument(where + ": AttributeNames must be a list");
    std::vector<std::string> names;
    for (const json& n : *it) {
      if (!n.is_string() || n.get<std::string>().empty()) {
        return InvalidArgument(where + ": AttributeNames must hold non-empty strings");
      }
      names.push_back(n.get<std::string>());
    }
    attributes = std::move(names);
    return Status::Ok();
  };
  for (const json* obj : {s3, &entry}) {
    if (obj == nullptr) continue;
    ASSIGN_OR_RETURN(auto u, StringMember(*obj, "S3Uri", where));
    if (u) uri = u;
    ASSIGN_OR_RETURN(auto t, StringMember(*obj, "S3DataType", where));
    if (t) data_type = t;
    ASSIGN_OR_RETURN(auto d, StringMember(*obj, "S3DataDistributionType", where));
    if (d) distribution = d;
    RETURN_IF_ERROR(read_attributes(*obj));
  }
  ASSIGN_OR_RETURN(auto runtime_distribution, StringMember(entry, "S3DistributionType", where));
  if (runtime_distribution) distribution = runtime_distribution;

  ASSIGN_OR_RETURN(auto mode, StringMember(entry, "TrainingInputMode", where));
  if (!mode) {
    ASSIGN_OR_RETURN(mode, StringMember(entry, "InputMode", where));
  }
  if (mode && *mode != "Pipe") {
    return InvalidArgument(where + ": TrainingInputMode is " + *mode +
                           "; binlake pipe serves only Pipe mode channels");
  }
  if (!uri || uri->empty()) {
    return InvalidArgument(where +
                           " names no data: add \"S3Uri\" to the channel (or the API's "
                           "DataSource.S3DataSource.S3Uri), or give --channel " +
                           name + "=URL");
  }
  channel.uri = *uri;
  RETURN_IF_ERROR(CheckUri(channel.uri, where));
  if (data_type) {
    ASSIGN_OR_RETURN(channel.data_type, ParseDataType(*data_type));
  }
  if (distribution) {
    ASSIGN_OR_RETURN(channel.distribution, ParseDistribution(*distribution));
  }
  ASSIGN_OR_RETURN(auto wrapper, StringMember(entry, "RecordWrapperType", where));
  if (wrapper) {
    ASSIGN_OR_RETURN(channel.record_wrapper, ParseRecordWrapper(*wrapper));
  }
  ASSIGN_OR_RETURN(auto compression, StringMember(entry, "CompressionType", where));
  if (compression) {
    ASSIGN_OR_RETURN(channel.compression, ParseCompression(*compression));
  }
  if (auto it = entry.find("ShuffleConfig"); it != entry.end() && !it->is_null()) {
    auto seed = it->is_object() ? it->find("Seed") : it->end();
    if (seed == it->end() || !seed->is_number_integer()) {
      return InvalidArgument(where + ": ShuffleConfig must be {\"Seed\": <integer>}");
    }
    channel.shuffle_seed = seed->get<int64_t>();
  }
  if (attributes) channel.attribute_names = std::move(*attributes);
  if (channel.data_type == DataType::kAugmentedManifestFile && channel.attribute_names.empty()) {
    return InvalidArgument(where + ": an AugmentedManifestFile channel needs AttributeNames");
  }
  return channel;
}

}  // namespace

Status CheckChannelName(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return InvalidArgument("a channel name has 1 to 64 characters: '" + std::string(name) + "'");
  }
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_';
    if (!ok) {
      return InvalidArgument("channel name '" + std::string(name) +
                             "' may hold only letters, digits, '.', '-' and '_'");
    }
  }
  return Status::Ok();
}

Result<DataType> ParseDataType(std::string_view text) {
  if (text == "S3Prefix") return DataType::kS3Prefix;
  if (text == "ManifestFile") return DataType::kManifestFile;
  if (text == "AugmentedManifestFile") return DataType::kAugmentedManifestFile;
  return InvalidArgument("S3DataType '" + std::string(text) +
                         "' is not one of S3Prefix, ManifestFile, AugmentedManifestFile");
}

Result<Distribution> ParseDistribution(std::string_view text) {
  if (text == "FullyReplicated") return Distribution::kFullyReplicated;
  if (text == "ShardedByS3Key") return Distribution::kShardedByS3Key;
  return InvalidArgument("distribution '" + std::string(text) +
                         "' is not one of FullyReplicated, ShardedByS3Key");
}

Result<RecordWrapper> ParseRecordWrapper(std::string_view text) {
  if (text == "None") return RecordWrapper::kNone;
  if (text == "RecordIO") return RecordWrapper::kRecordIo;
  return InvalidArgument("RecordWrapperType '" + std::string(text) +
                         "' is not one of None, RecordIO");
}

Result<Compression> ParseCompression(std::string_view text) {
  if (text == "None") return Compression::kNone;
  if (text == "Gzip") return Compression::kGzip;
  return InvalidArgument("CompressionType '" + std::string(text) + "' is not one of None, Gzip");
}

Result<std::vector<ChannelConfig>> ParseInputDataConfig(std::string_view text,
                                                        std::string_view source) {
  ASSIGN_OR_RETURN(json doc, ParseJson(text, source));
  std::vector<ChannelConfig> out;
  const std::string src(source);
  if (doc.is_object()) {
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      ASSIGN_OR_RETURN(ChannelConfig c,
                       ParseChannelEntry(it.key(), it.value(), src + ": channel " + it.key()));
      out.push_back(std::move(c));
    }
  } else if (doc.is_array()) {
    for (const json& entry : doc) {
      auto name = entry.is_object() ? entry.find("ChannelName") : entry.end();
      if (!entry.is_object() || name == entry.end() || !name->is_string()) {
        return InvalidArgument(src + ": every entry of the list needs a ChannelName");
      }
      const std::string n = name->get<std::string>();
      ASSIGN_OR_RETURN(ChannelConfig c, ParseChannelEntry(n, entry, src + ": channel " + n));
      out.push_back(std::move(c));
    }
  } else {
    return InvalidArgument(src + " must be a JSON object of channels");
  }
  if (out.empty()) return InvalidArgument(src + " names no channel");
  for (size_t i = 0; i < out.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (out[i].name == out[j].name) {
        return InvalidArgument(src + ": channel " + out[i].name + " is named twice");
      }
    }
  }
  return out;
}

Result<HostPlacement> ParseResourceConfig(std::string_view text, std::string_view source) {
  ASSIGN_OR_RETURN(json doc, ParseJson(text, source));
  const std::string src(source);
  if (!doc.is_object()) return InvalidArgument(src + " must be a JSON object");
  auto current = doc.find("current_host");
  auto hosts = doc.find("hosts");
  if (current == doc.end() || !current->is_string()) {
    return InvalidArgument(src + " has no \"current_host\" string");
  }
  if (hosts == doc.end() || !hosts->is_array() || hosts->empty()) {
    return InvalidArgument(src + " has no \"hosts\" list");
  }
  HostPlacement placement;
  placement.count = hosts->size();
  bool found = false;
  for (size_t i = 0; i < hosts->size(); ++i) {
    if (!(*hosts)[i].is_string()) return InvalidArgument(src + ": \"hosts\" must hold strings");
    if ((*hosts)[i].get<std::string>() == current->get<std::string>()) {
      if (found)
        return InvalidArgument(src + ": host " + current->get<std::string>() +
                               " is listed twice in \"hosts\"");
      placement.index = i;
      found = true;
    }
  }
  if (!found) {
    return InvalidArgument(src + ": current_host " + current->get<std::string>() +
                           " is not in \"hosts\"");
  }
  return placement;
}

Result<ChannelConfig> ParseChannelFlag(std::string_view flag) {
  size_t eq = flag.find('=');
  if (eq == std::string_view::npos || eq + 1 == flag.size()) {
    return InvalidArgument("--channel takes NAME=URL (e.g. train=s3://bucket/train/), not '" +
                           std::string(flag) + "'");
  }
  ChannelConfig channel;
  channel.name = std::string(flag.substr(0, eq));
  channel.uri = std::string(flag.substr(eq + 1));
  RETURN_IF_ERROR(CheckChannelName(channel.name));
  RETURN_IF_ERROR(CheckUri(channel.uri, "--channel " + channel.name));
  return channel;
}

}  // namespace binlake::pipe
