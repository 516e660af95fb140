// ManifestFile and AugmentedManifestFile parsing (manifest.h).
#include "pipe/manifest.h"

#include <nlohmann/json.hpp>

namespace binlake::pipe {

using nlohmann::json;

Result<Manifest> ParseManifest(std::string_view text, std::string_view source) {
  const std::string src(source);
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InvalidArgument("manifest " + src + " is not valid JSON");
  if (!doc.is_array() || doc.empty() || !doc[0].is_object()) {
    return InvalidArgument("manifest " + src +
                           " must be a JSON array starting with {\"prefix\": \"s3://...\"}");
  }
  auto prefix = doc[0].find("prefix");
  if (prefix == doc[0].end() || !prefix->is_string() || prefix->get<std::string>().empty()) {
    return InvalidArgument("manifest " + src + ": its first element has no \"prefix\" URI");
  }
  Manifest m;
  m.prefix = prefix->get<std::string>();
  for (size_t i = 1; i < doc.size(); ++i) {
    if (!doc[i].is_string() || doc[i].get<std::string>().empty()) {
      return InvalidArgument("manifest " + src + ": element " + std::to_string(i) +
                             " is not a relative key (a non-empty string)");
    }
    m.entries.push_back(doc[i].get<std::string>());
  }
  if (m.entries.empty()) return InvalidArgument("manifest " + src + " lists no object");
  return m;
}

Result<std::vector<AugmentedValue>> ParseAugmentedLine(std::string_view line,
                                                       const std::vector<std::string>& attributes,
                                                       std::string_view source,
                                                       size_t line_number) {
  const std::string where =
      "augmented manifest " + std::string(source) + " line " + std::to_string(line_number);
  json doc = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgument(where + " is not a JSON object");
  }
  std::vector<AugmentedValue> out;
  out.reserve(attributes.size());
  for (const std::string& name : attributes) {
    auto it = doc.find(name);
    if (it == doc.end()) return InvalidArgument(where + " has no attribute \"" + name + "\"");
    AugmentedValue v;
    v.is_ref = name.size() >= 4 && name.compare(name.size() - 4, 4, "-ref") == 0;
    if (v.is_ref) {
      if (!it->is_string() || it->get<std::string>().empty()) {
        return InvalidArgument(where + ": \"" + name + "\" must be an object's URI (a string)");
      }
      v.bytes = it->get<std::string>();
    } else if (it->is_string()) {
      v.bytes = it->get<std::string>();
    } else {
      v.bytes = it->dump();
    }
    out.push_back(std::move(v));
  }
  return out;
}

Result<std::vector<std::vector<AugmentedValue>>> ParseAugmentedManifest(
    std::string_view text, const std::vector<std::string>& attributes, std::string_view source) {
  std::vector<std::vector<AugmentedValue>> lines;
  size_t number = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    ASSIGN_OR_RETURN(auto values, ParseAugmentedLine(line, attributes, source, number));
    lines.push_back(std::move(values));
  }
  if (lines.empty()) {
    return InvalidArgument("augmented manifest " + std::string(source) + " has no line");
  }
  return lines;
}

}  // namespace binlake::pipe
