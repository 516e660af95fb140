#include "config/task_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "config/settings_parser.h"

namespace binlake {
namespace {

using json = nlohmann::json;

// ---- YAML -> JSON (YAML 1.2 core schema for plain scalars) ----

bool IsDigits(std::string_view s, size_t from, bool hex = false, bool octal = false) {
  if (from >= s.size()) return false;
  for (size_t i = from; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool ok = hex ? std::isxdigit(c) : octal ? (c >= '0' && c <= '7') : std::isdigit(c);
    if (!ok) return false;
  }
  return true;
}

json ResolvePlainScalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  const size_t sign = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  try {
    if (IsDigits(s, sign)) {
      if (s[0] == '-') return std::stoll(s);
      return std::stoull(s.substr(sign));
    }
    if (s.size() > 2 && s[0] == '0' && s[1] == 'x' && IsDigits(s, 2, true)) {
      return std::stoull(s.substr(2), nullptr, 16);
    }
    if (s.size() > 2 && s[0] == '0' && s[1] == 'o' && IsDigits(s, 2, false, true)) {
      return std::stoull(s.substr(2), nullptr, 8);
    }
    // Floats: digits with a '.' or exponent (e.g. 1.5, -2e3, .5).
    size_t pos = 0;
    if (s.find_first_not_of("0123456789+-.eE") == std::string::npos &&
        s.find_first_of("0123456789") != std::string::npos) {
      double d = std::stod(s, &pos);
      if (pos == s.size()) return d;
    }
  } catch (const std::exception&) {
    // out of range: keep the text
  }
  return s;
}

// Throws YAML::Exception (caught by the caller) or returns an error for duplicate keys.
Result<json> YamlToJson(const YAML::Node& node, const std::string& origin) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return json(nullptr);
    case YAML::NodeType::Scalar: {
      const std::string& tag = node.Tag();
      if (tag == "!" || tag == "tag:yaml.org,2002:str") return json(node.Scalar());
      return ResolvePlainScalar(node.Scalar());
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const YAML::Node& item : node) {
        ASSIGN_OR_RETURN(json v, YamlToJson(item, origin));
        out.push_back(std::move(v));
      }
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) {
          return InvalidArgument(origin + ": line " + std::to_string(kv.first.Mark().line + 1) +
                                 ": map keys must be plain text");
        }
        const std::string key = kv.first.Scalar();
        if (out.contains(key)) {
          std::string message = origin + ": line " + std::to_string(kv.first.Mark().line + 1);
          message += ": duplicate key '" + key + "'";
          return InvalidArgument(std::move(message));
        }
        ASSIGN_OR_RETURN(json v, YamlToJson(kv.second, origin));
        out[key] = std::move(v);
      }
      return out;
    }
  }
  return json(nullptr);
}

Result<json> ParseDocument(std::string_view text, const std::string& origin, ConfigFormat format) {
  if (format == ConfigFormat::kAuto) {
    size_t first = text.find_first_not_of(" \t\r\n");
    format = (first != std::string_view::npos && text[first] == '{') ? ConfigFormat::kJson
                                                                     : ConfigFormat::kYaml;
  }
  if (format == ConfigFormat::kJson) {
    try {
      return json::parse(text.begin(), text.end());
    } catch (const json::exception& e) {
      std::string what = e.what();
      size_t bracket = what.find("] ");
      if (bracket != std::string::npos) what = what.substr(bracket + 2);
      return InvalidArgument(origin + ": invalid JSON: " + what);
    }
  }
  try {
    YAML::Node root = YAML::Load(std::string(text));
    return YamlToJson(root, origin);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(origin + ": invalid YAML at line " + std::to_string(e.mark.line + 1) +
                           ", column " + std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

Result<std::string> ReadFile(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open the " + std::string(what));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return IoError(path + ": cannot read the " + std::string(what));
  return text.str();
}

// ---- Section helpers. Messages are "<origin>: <section.key>: <problem>". ----

class Section {
 public:
  Section(const std::string& origin, std::string path, const json& object)
      : origin_(origin), path_(std::move(path)), object_(object) {}

  Status Error(std::string_view key, std::string_view problem) const {
    return InvalidArgument(origin_ + ": " + Qualified(key) + ": " + std::string(problem));
  }
  std::string Qualified(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  // Unknown keys are errors, with the closest allowed key as a suggestion.
  Status CheckKeys(std::initializer_list<std::string_view> allowed) const {
    if (!object_.is_object()) {
      return InvalidArgument(origin_ + ": " + path_ + " must be a map of keys");
    }
    std::vector<std::string_view> names(allowed);
    for (auto it = object_.begin(); it != object_.end(); ++it) {
      if (std::find(names.begin(), names.end(), it.key()) != names.end()) continue;
      std::string message = origin_ + ": unknown key '" + Qualified(it.key()) + "'";
      std::string_view best = ClosestName(it.key(), names);
      if (!best.empty()) message += " (did you mean '" + Qualified(best) + "'?)";
      return InvalidArgument(message);
    }
    return Status::Ok();
  }

  bool Has(const std::string& key) const { return object_.contains(key); }
  const json& Get(const std::string& key) const { return object_.at(key); }

  // Sets *out if the key is present. Values are never echoed (some are secrets).
  Status String(const std::string& key, std::string* out) const {
    if (!Has(key)) return Status::Ok();
    const json& v = object_.at(key);
    if (v.is_string()) {
      *out = v.get<std::string>();
    } else if (v.is_number_integer()) {
      *out = v.dump();
    } else {
      return Error(key, "must be a string");
    }
    return Status::Ok();
  }
  Status Bool(const std::string& key, bool* out) const {
    if (!Has(key)) return Status::Ok();
    const json& v = object_.at(key);
    if (!v.is_boolean()) return Error(key, "must be true or false");
    *out = v.get<bool>();
    return Status::Ok();
  }
  Status Int(const std::string& key, int64_t min, int64_t max, int64_t* out) const {
    if (!Has(key)) return Status::Ok();
    const json& v = object_.at(key);
    std::string range =
        "must be an integer between " + std::to_string(min) + " and " + std::to_string(max);
    if (v.is_number_unsigned()) {
      if (v.get<uint64_t>() > static_cast<uint64_t>(max)) return Error(key, range);
      *out = static_cast<int64_t>(v.get<uint64_t>());
    } else if (v.is_number_integer()) {
      *out = v.get<int64_t>();
    } else {
      return Error(key, range);
    }
    if (*out < min || *out > max) return Error(key, range);
    return Status::Ok();
  }

 private:
  const std::string& origin_;
  std::string path_;
  const json& object_;
};

std::string ResolvePath(const std::string& base_dir, const std::string& path) {
  if (path.empty() || base_dir.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base_dir) / path).string();
}

// `tls` is applied separately (ApplyTls).
Status ApplySource(const Section& s, SourceConfig* source) {
  RETURN_IF_ERROR(s.CheckKeys({"url", "password_env", "password", "tls", "server_id"}));
  if (s.Has("url")) {
    std::string url;
    RETURN_IF_ERROR(s.String("url", &url));
    Result<SourceConfig> parsed = ParseSourceUrl(url);
    if (!parsed.ok()) return s.Error("url", parsed.status().message());
    source->user = parsed->user;
    source->password = parsed->password;
    source->host = parsed->host;
    source->port = parsed->port;
    source->other_hosts = parsed->other_hosts;
    source->database = parsed->database;
  }
  const bool url_password = !source->password.empty() && s.Has("url");
  if (s.Has("password") && s.Has("password_env")) {
    return s.Error("password", "give either password or password_env, not both");
  }
  if (url_password && (s.Has("password") || s.Has("password_env"))) {
    return s.Error("url", "has a password and password/password_env gives another");
  }
  RETURN_IF_ERROR(s.String("password", &source->password));
  if (s.Has("password_env")) {
    std::string name;
    RETURN_IF_ERROR(s.String("password_env", &name));
    const char* value = name.empty() ? nullptr : std::getenv(name.c_str());
    if (value == nullptr) {
      return s.Error("password_env", "environment variable '" + name + "' is not set");
    }
    source->password = value;
  }
  int64_t server_id = source->server_id;
  RETURN_IF_ERROR(s.Int("server_id", 1, std::numeric_limits<uint32_t>::max(), &server_id));
  source->server_id = static_cast<uint32_t>(server_id);
  return Status::Ok();
}

Status ApplyTls(const std::string& origin, const json& object, const std::string& base_dir,
                TlsOptions* tls) {
  Section s(origin, "source.tls", object);
  RETURN_IF_ERROR(s.CheckKeys({"mode", "ca", "cert", "key"}));
  if (s.Has("mode")) {
    std::string mode;
    RETURN_IF_ERROR(s.String("mode", &mode));
    Result<TlsMode> m = ParseTlsMode(mode);
    if (!m.ok()) return s.Error("mode", m.status().message());
    tls->mode = *m;
  }
  RETURN_IF_ERROR(s.String("ca", &tls->ca));
  RETURN_IF_ERROR(s.String("cert", &tls->cert));
  RETURN_IF_ERROR(s.String("key", &tls->key));
  tls->ca = ResolvePath(base_dir, tls->ca);
  tls->cert = ResolvePath(base_dir, tls->cert);
  tls->key = ResolvePath(base_dir, tls->key);
  if (tls->cert.empty() != tls->key.empty()) {
    return s.Error(tls->cert.empty() ? "cert" : "key", "cert and key must be given together");
  }
  if (tls->mode == TlsMode::kDisabled && (!tls->ca.empty() || !tls->cert.empty())) {
    return s.Error("mode", "is disabled but certificates are given");
  }
  return Status::Ok();
}

Status ApplyTarget(const Section& s, const std::string& base_dir, TargetConfig* target) {
  RETURN_IF_ERROR(
      s.CheckKeys({"url", "endpoint_url", "region", "force_path_style", "profile", "access_key_id",
                   "secret_access_key", "session_token", "ca_bundle"}));
  RETURN_IF_ERROR(s.String("url", &target->url));
  RETURN_IF_ERROR(s.String("endpoint_url", &target->endpoint_url));
  RETURN_IF_ERROR(s.String("region", &target->region));
  RETURN_IF_ERROR(s.Bool("force_path_style", &target->force_path_style));
  RETURN_IF_ERROR(s.String("profile", &target->profile));
  RETURN_IF_ERROR(s.String("access_key_id", &target->credentials.access_key_id));
  RETURN_IF_ERROR(s.String("secret_access_key", &target->credentials.secret_access_key));
  RETURN_IF_ERROR(s.String("session_token", &target->credentials.session_token));
  std::string ca_bundle;
  RETURN_IF_ERROR(s.String("ca_bundle", &ca_bundle));
  if (!ca_bundle.empty()) target->ca_bundle = ResolvePath(base_dir, ca_bundle);
  if (target->credentials.access_key_id.empty() != target->credentials.secret_access_key.empty()) {
    return s.Error("access_key_id", "access_key_id and secret_access_key must be given together");
  }
  return Status::Ok();
}

}  // namespace

Status ApplyTaskConfigText(std::string_view text, std::string_view origin_view, ConfigFormat format,
                           const std::string& base_dir, TaskConfig* config) {
  const std::string origin(origin_view);
  ASSIGN_OR_RETURN(json doc, ParseDocument(text, origin, format));
  if (doc.is_null()) return InvalidArgument(origin + ": the task config is empty");
  Section top(origin, "", doc);
  if (!doc.is_object()) return InvalidArgument(origin + ": the task config must be a map of keys");
  RETURN_IF_ERROR(top.CheckKeys({"source", "target", "settings", "table_mappings",
                                 "table_mappings_file", "threads", "standby"}));

  if (top.Has("source")) {
    Section source(origin, "source", top.Get("source"));
    RETURN_IF_ERROR(ApplySource(source, &config->source));
    if (source.Has("tls")) {
      RETURN_IF_ERROR(ApplyTls(origin, source.Get("tls"), base_dir, &config->source.tls));
    }
  }
  if (top.Has("target")) {
    RETURN_IF_ERROR(
        ApplyTarget(Section(origin, "target", top.Get("target")), base_dir, &config->target));
  }
  if (top.Has("settings")) {
    RETURN_IF_ERROR(
        ApplyS3SettingsJson(top.Get("settings"), origin + ": settings", &config->settings));
  }
  if (top.Has("table_mappings") && top.Has("table_mappings_file")) {
    return top.Error("table_mappings", "give table_mappings or table_mappings_file, not both");
  }
  if (top.Has("table_mappings")) {
    const json& m = top.Get("table_mappings");
    const std::string where = origin + ": table_mappings";
    Result<TableMappings> parsed = m.is_string() ? TableMappings::Parse(m.get<std::string>(), where)
                                                 : TableMappings::FromJson(m, where);
    if (!parsed.ok()) return parsed.status();
    config->table_mappings = std::move(parsed).value();
  }
  if (top.Has("table_mappings_file")) {
    std::string path;
    RETURN_IF_ERROR(top.String("table_mappings_file", &path));
    ASSIGN_OR_RETURN(config->table_mappings, TableMappings::LoadFile(ResolvePath(base_dir, path)));
  }
  int64_t threads = config->threads;
  RETURN_IF_ERROR(top.Int("threads", 1, 1024, &threads));
  config->threads = static_cast<int>(threads);
  if (top.Has("standby")) {
    Section s(origin, "standby", top.Get("standby"));
    RETURN_IF_ERROR(s.CheckKeys({"enabled", "lease_seconds", "instance_id"}));
    RETURN_IF_ERROR(s.Bool("enabled", &config->standby.enabled));
    int64_t lease = config->standby.lease_seconds;
    RETURN_IF_ERROR(s.Int("lease_seconds", 1, 3600, &lease));
    config->standby.lease_seconds = static_cast<int>(lease);
    RETURN_IF_ERROR(s.String("instance_id", &config->standby.instance_id));
  }
  return Status::Ok();
}

Status LoadTaskConfigFile(const std::string& path, TaskConfig* config) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path, "task config file"));
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  ConfigFormat format = ext == ".json"                      ? ConfigFormat::kJson
                        : (ext == ".yaml" || ext == ".yml") ? ConfigFormat::kYaml
                                                            : ConfigFormat::kAuto;
  std::string base_dir = std::filesystem::path(path).parent_path().string();
  return ApplyTaskConfigText(text, path, format, base_dir, config);
}

Status FinalizeTaskConfig(TaskConfig* config) {
  RETURN_IF_ERROR(ValidateS3Settings(config->settings));
  RETURN_IF_ERROR(ApplyS3SettingsToTarget(config->settings, &config->target));
  if (config->source.host.empty()) {
    return InvalidArgument("no source: set source.url in the task config (or --source)");
  }
  const std::string& url = config->target.url;
  if (url.empty()) {
    return InvalidArgument("no target: set target.url in the task config (or --target)");
  }
  const bool file = url.rfind("file:///", 0) == 0 && url.size() > 8;
  const bool s3 = url.rfind("s3://", 0) == 0 && url.size() > 5 && url[5] != '/';
  if (!file && !s3) {
    return InvalidArgument("target URL '" + url +
                           "' must be file:///absolute/path or s3://bucket[/prefix]");
  }
  return Status::Ok();
}

}  // namespace binlake
