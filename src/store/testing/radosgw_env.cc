#include "store/testing/radosgw_env.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace binlake::testing {

Result<RadosgwEnv> ParseRadosgwEnv(std::string_view text) {
  std::map<std::string, std::string> vars;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    constexpr std::string_view kExport = "export ";
    if (line.rfind(kExport, 0) != 0) continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    vars[line.substr(kExport.size(), eq - kExport.size())] = line.substr(eq + 1);
  }
  RadosgwEnv env;
  const std::pair<const char*, std::string*> kFields[] = {
      {"S3_ENDPOINT", &env.endpoint},
      {"S3_REGION", &env.region},
      {"S3_BUCKET", &env.bucket},
      {"S3_KMS_KEY_ID", &env.kms_key_id},
      {"AWS_ACCESS_KEY_ID", &env.access_key_id},
      {"AWS_SECRET_ACCESS_KEY", &env.secret_access_key},
      {"S3_STATE_DIR", &env.state_dir}};
  for (const auto& [name, field] : kFields) {
    auto it = vars.find(name);
    if (it == vars.end() || it->second.empty()) {
      return InvalidArgument(std::string("radosgw env file has no ") + name);
    }
    *field = it->second;
  }
  if (auto it = vars.find("S3_HTTPS_ENDPOINT"); it != vars.end()) env.https_endpoint = it->second;
  if (auto it = vars.find("S3_CA_BUNDLE"); it != vars.end()) env.ca_bundle = it->second;
  return env;
}

Result<RadosgwEnv> LoadRadosgwEnv() {
  std::string path;
  if (const char* p = std::getenv("BINLAKE_RADOSGW_ENV")) {
    path = p;
  } else if (const char* b = std::getenv("BINLAKE_BINARY_DIR")) {
    path = std::string(b) + "/test-servers/radosgw.env";
  } else {
    return InvalidArgument("BINLAKE_BINARY_DIR is not set: run this test through ctest");
  }
  std::ifstream in(path);
  if (!in) {
    return NotFound("no " + path +
                    ": run this test through ctest, whose fixture 'radosgw' "
                    "starts the server (scripts/test-servers/radosgw-start.sh)");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseRadosgwEnv(ss.str());
}

TargetConfig RadosgwTarget(const RadosgwEnv& env, std::string_view prefix) {
  TargetConfig c;
  c.url = "s3://" + env.bucket + (prefix.empty() ? "" : "/" + std::string(prefix));
  c.endpoint_url = env.endpoint;
  c.region = env.region;
  c.force_path_style = true;
  c.credentials = {env.access_key_id, env.secret_access_key, ""};
  return c;
}

}  // namespace binlake::testing
