#include "store/credentials.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace binlake::s3 {
namespace {

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

std::string EnvOr(const Environment& env, const std::string& name, std::string fallback = "") {
  std::optional<std::string> v = env.get(name);
  return v && !v->empty() ? *v : fallback;
}

std::string ExpandHome(const Environment& env, const std::string& path) {
  if (path.rfind("~/", 0) == 0) return EnvOr(env, "HOME") + path.substr(1);
  return path;
}

std::string CredentialsFile(const Environment& env) {
  return ExpandHome(env, EnvOr(env, "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"));
}
std::string ConfigFile(const Environment& env) {
  return ExpandHome(env, EnvOr(env, "AWS_CONFIG_FILE", "~/.aws/config"));
}

// A missing file is an empty one; an unreadable one is an error (it was meant to be used).
Result<IniFile> LoadIni(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    if (errno == ENOENT || errno == ENOTDIR) return IniFile{};
    return IoError("cannot read AWS shared file " + path + ": " + std::strerror(errno));
  }
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) text.append(buf, n);
  const int err = std::ferror(f) ? errno : 0;
  std::fclose(f);
  if (err != 0) return IoError("cannot read AWS shared file " + path + ": " + std::strerror(err));
  return ParseIni(text);
}

const std::map<std::string, std::string>* Section(const IniFile& ini, const std::string& name) {
  auto it = ini.find(name);
  return it == ini.end() ? nullptr : &it->second;
}

std::string Get(const std::map<std::string, std::string>* section, const std::string& key) {
  if (section == nullptr) return "";
  auto it = section->find(key);
  return it == section->end() ? "" : it->second;
}

// The config file names profiles "[profile x]", except the default one ("[default]").
const std::map<std::string, std::string>* ConfigSection(const IniFile& ini,
                                                        const std::string& profile) {
  if (const auto* s = Section(ini, "profile " + profile)) return s;
  if (profile == "default") return Section(ini, "default");
  return nullptr;
}

std::string ProfileName(const TargetConfig& config, const Environment& env) {
  if (!config.profile.empty()) return config.profile;
  return EnvOr(env, "AWS_PROFILE", "default");
}

}  // namespace

Environment Environment::Process() {
  return Environment{[](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  }};
}

IniFile ParseIni(std::string_view text) {
  IniFile ini;
  std::string section;
  bool in_section = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    if (!raw.empty() && (raw[0] == ' ' || raw[0] == '\t')) continue;  // nested value
    std::string line = Trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[') {
      size_t close = line.find(']');
      if (close == std::string::npos) {
        in_section = false;
        continue;
      }
      // "[profile   dev]" -> "profile dev"
      std::string name = Trim(std::string_view(line).substr(1, close - 1));
      size_t sp = name.find_first_of(" \t");
      if (sp != std::string::npos) name = name.substr(0, sp) + " " + Trim(name.substr(sp));
      section = name;
      in_section = true;
      ini[section];
      continue;
    }
    size_t eq = line.find('=');
    if (!in_section || eq == std::string::npos) continue;
    ini[section][Trim(std::string_view(line).substr(0, eq))] =
        Trim(std::string_view(line).substr(eq + 1));
  }
  return ini;
}

Result<ResolvedCredentials> ResolveCredentials(const TargetConfig& config, const Environment& env) {
  ResolvedCredentials out;
  if (!config.credentials.access_key_id.empty()) {
    if (config.credentials.secret_access_key.empty()) {
      return InvalidArgument("the task config sets an S3 access key id but no secret access key");
    }
    out.credentials = {config.credentials.access_key_id, config.credentials.secret_access_key,
                       config.credentials.session_token};
    out.source = "task config";
    return out;
  }
  if (config.profile.empty()) {
    std::string id = EnvOr(env, "AWS_ACCESS_KEY_ID");
    std::string secret = EnvOr(env, "AWS_SECRET_ACCESS_KEY");
    if (!id.empty() || !secret.empty()) {
      if (id.empty() || secret.empty()) {
        return InvalidArgument(
            std::string(id.empty() ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID") +
            " is set but " + (id.empty() ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY") +
            " is not");
      }
      out.credentials = {id, secret, EnvOr(env, "AWS_SESSION_TOKEN")};
      out.source = "environment";
      return out;
    }
  }
  const std::string profile = ProfileName(config, env);
  const std::string cred_path = CredentialsFile(env);
  const std::string conf_path = ConfigFile(env);
  ASSIGN_OR_RETURN(IniFile creds_ini, LoadIni(cred_path));
  ASSIGN_OR_RETURN(IniFile conf_ini, LoadIni(conf_path));
  struct Candidate {
    const std::map<std::string, std::string>* section;
    std::string where;
  };
  bool profile_seen = false;
  for (const Candidate& c :
       {Candidate{Section(creds_ini, profile), cred_path + " [" + profile + "]"},
        Candidate{ConfigSection(conf_ini, profile), conf_path + " [profile " + profile + "]"}}) {
    if (c.section == nullptr) continue;
    profile_seen = true;
    std::string id = Get(c.section, "aws_access_key_id");
    std::string secret = Get(c.section, "aws_secret_access_key");
    if (id.empty() && secret.empty()) continue;
    if (id.empty() || secret.empty()) {
      return InvalidArgument(c.where + " has " +
                             (id.empty() ? "aws_secret_access_key but no aws_access_key_id"
                                         : "aws_access_key_id but no aws_secret_access_key"));
    }
    out.credentials = {id, secret, Get(c.section, "aws_session_token")};
    out.source = c.where;
    return out;
  }
  if (!profile_seen && (profile != "default")) {
    return InvalidArgument("AWS profile '" + profile + "' not found in " + cred_path + " or " +
                           conf_path);
  }
  return InvalidArgument(
      "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, give them in the task "
      "config, or add aws_access_key_id/aws_secret_access_key to profile '" +
      profile + "' in " + cred_path);
}

std::string ResolveRegion(const TargetConfig& config, const Environment& env) {
  if (!config.region.empty()) return config.region;
  std::string r = EnvOr(env, "AWS_REGION");
  if (!r.empty()) return r;
  r = EnvOr(env, "AWS_DEFAULT_REGION");
  if (!r.empty()) return r;
  Result<IniFile> conf = LoadIni(ConfigFile(env));
  if (conf.ok()) {
    r = Get(ConfigSection(*conf, ProfileName(config, env)), "region");
    if (!r.empty()) return r;
  }
  return "us-east-1";
}

ResolvedCaBundle ResolveCaBundle(const TargetConfig& config, const Environment& env) {
  if (!config.ca_bundle.empty())
    return {ExpandHome(env, config.ca_bundle), "--ca-bundle / target.ca_bundle"};
  std::string path = EnvOr(env, "AWS_CA_BUNDLE");
  if (!path.empty()) return {ExpandHome(env, path), "AWS_CA_BUNDLE"};
  const std::string conf_path = ConfigFile(env);
  Result<IniFile> conf = LoadIni(conf_path);
  if (conf.ok()) {
    const std::string profile = ProfileName(config, env);
    path = Get(ConfigSection(*conf, profile), "ca_bundle");
    if (!path.empty()) {
      return {ExpandHome(env, path), conf_path + " [" +
                                         (profile == "default" ? "default" : "profile " + profile) +
                                         "] ca_bundle"};
    }
  }
  return {};
}

}  // namespace binlake::s3
