// Reads what the CTest fixture "radosgw" (tests/radosgw_fixture.cmake) leaves for integration
// tests: ${BINLAKE_BINARY_DIR}/test-servers/radosgw.env, the `export K=V` lines printed by
// scripts/test-servers/radosgw-start.sh.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "store/target_config.h"

namespace binlake::testing {

struct RadosgwEnv {
  std::string endpoint;           // S3_ENDPOINT, e.g. http://127.0.0.1:18081
  std::string region;             // S3_REGION
  std::string bucket;             // S3_BUCKET (exists)
  std::string kms_key_id;         // S3_KMS_KEY_ID (SSE-KMS key known to radosgw's testing backend)
  std::string access_key_id;      // AWS_ACCESS_KEY_ID
  std::string secret_access_key;  // AWS_SECRET_ACCESS_KEY
  std::string state_dir;          // S3_STATE_DIR
  // The same gateway over TLS (optional in the file): S3_HTTPS_ENDPOINT, e.g.
  // https://127.0.0.1:18084, and S3_CA_BUNDLE, the PEM file of the CA that signed its certificate.
  std::string https_endpoint;
  std::string ca_bundle;
};

// Parses the env file text; kInvalidArgument naming the first missing variable.
Result<RadosgwEnv> ParseRadosgwEnv(std::string_view text);

// Loads ${BINLAKE_BINARY_DIR}/test-servers/radosgw.env (or $BINLAKE_RADOSGW_ENV if set). A clear
// error if it is missing: the test was not run through ctest with the radosgw fixture.
Result<RadosgwEnv> LoadRadosgwEnv();

// A TargetConfig for s3://<bucket>/<prefix> on that server, with explicit credentials.
TargetConfig RadosgwTarget(const RadosgwEnv& env, std::string_view prefix);

}  // namespace binlake::testing
