// How to reach a target: everything OpenObjectStore needs, filled from flags, the task config and
// DMS S3Settings (config/settings.h does that mapping).
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "store/object_store.h"

namespace binlake {

struct S3Credentials {
  std::string access_key_id;
  std::string secret_access_key;  // never logged
  std::string session_token;      // never logged
};

struct TargetConfig {
  // file:///absolute/path or s3://bucket[/prefix]
  std::string url;

  // S3 only.
  std::string
      endpoint_url;  // e.g. http://127.0.0.1:18081; empty = AWS (https://s3.<region>.amazonaws.com)
  std::string region;             // empty = AWS_REGION / AWS_DEFAULT_REGION / profile / us-east-1
  bool force_path_style = false;  // path-style addressing (always used with a custom endpoint IP)
  std::string profile;  // shared config/credentials profile; empty = AWS_PROFILE or default
  // Explicit credentials from the task config; when empty the standard chain is used:
  // AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, then ~/.aws/credentials and
  // ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE) for the profile.
  S3Credentials credentials;
  // PEM file of the CAs to trust for an https endpoint, instead of the system's (the task
  // config's target.ca_bundle or --ca-bundle); when empty, AWS_CA_BUNDLE, then the profile's
  // ca_bundle in the config file (AWS CLI order; store/credentials.h ResolveCaBundle).
  std::string ca_bundle;

  // DMS settings that become request headers.
  std::string encryption_mode;  // "", "SSE_S3" or "SSE_KMS"
  std::string kms_key_id;       // ServerSideEncryptionKmsKeyId
  std::string canned_acl;       // DMS CannedAclForObjects value, e.g. BUCKET_OWNER_FULL_CONTROL
  std::string expected_bucket_owner;

  // Transfer tuning.
  size_t multipart_part_size = 8u << 20;  // bytes per part (>= 5 MiB); memory per writer <= 2 parts
  int max_attempts = 8;                   // per request, including the first
  int base_backoff_ms = 100;              // exponential backoff with full jitter, capped
  int max_backoff_ms = 20000;
  int connect_timeout_ms = 10000;
  int request_timeout_ms = 120000;
};

// Opens the store named by config.url. Does not contact the target (call CheckAccess for that).
Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const TargetConfig& config);

}  // namespace binlake
