// Where S3 credentials and the region come from, in the order the AWS CLI/SDKs use:
//  1. TargetConfig.credentials (the task config), if access_key_id is set;
//  2. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, unless a profile is named in
//     TargetConfig.profile (an explicit profile wins over the environment, as with --profile);
//  3. the profile (TargetConfig.profile, else AWS_PROFILE, else "default") in the shared
//     credentials file (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials; section [name]),
//     then in the config file (AWS_CONFIG_FILE, else ~/.aws/config; section [profile name], or
//     [default]). Keys: aws_access_key_id, aws_secret_access_key, aws_session_token.
// Region: TargetConfig.region, AWS_REGION, AWS_DEFAULT_REGION, the profile's `region` in the
// config file, then us-east-1.
// CA bundle (PEM file of the CAs trusted for https, replacing the system's), as the AWS CLI:
// TargetConfig.ca_bundle (--ca-bundle), AWS_CA_BUNDLE, the profile's `ca_bundle` in the config
// file; none: the system's CAs.
// Not supported (yet): instance metadata / ECS / SSO / credential_process / assume-role.
//
// The environment is injected so tests never read the real one. Secrets are never put in a
// message: errors name variables, files and profiles only.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "store/sigv4.h"
#include "store/target_config.h"

namespace binlake::s3 {

struct Environment {
  // Returns the variable's value, or nullopt if unset.
  std::function<std::optional<std::string>(const std::string& name)> get;
  // The process environment (getenv; HOME for "~").
  static Environment Process();
};

struct ResolvedCredentials {
  sigv4::Credentials credentials;
  std::string source;  // for logs: "task config", "environment", "/root/.aws/credentials [dev]"
};

Result<ResolvedCredentials> ResolveCredentials(const TargetConfig& config, const Environment& env);
std::string ResolveRegion(const TargetConfig& config, const Environment& env);

struct ResolvedCaBundle {
  std::string path;    // "" = the system's CAs
  std::string source;  // for messages: "AWS_CA_BUNDLE", "/root/.aws/config [default] ca_bundle"
};
// The CA bundle (see the order above). A path starting with "~/" is under HOME. The file is not
// opened here.
ResolvedCaBundle ResolveCaBundle(const TargetConfig& config, const Environment& env);

// The AWS shared-file INI dialect: [section] headers, "key = value" lines, '#'/';' comment lines;
// indented lines (nested values such as "s3 =\n  max_concurrent_requests = 4") are skipped.
// Section and key names are kept as written (trimmed); later duplicates win.
using IniFile = std::map<std::string, std::map<std::string, std::string>>;
IniFile ParseIni(std::string_view text);

}  // namespace binlake::s3
