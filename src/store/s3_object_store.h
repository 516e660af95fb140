// ObjectStore over S3 (AWS or any S3-compatible server, e.g. Ceph radosgw) for s3://bucket/prefix.
// Keys are relative to the prefix. Objects up to one part are written with a single PUT, larger
// ones with a multipart upload (s3_object_writer.h), so an object is visible only once complete.
// Request headers from the DMS settings: x-amz-server-side-encryption (SSE_S3 -> AES256,
// SSE_KMS -> aws:kms + x-amz-server-side-encryption-aws-kms-key-id), x-amz-acl (from
// CannedAclForObjects), x-amz-expected-bucket-owner, If-None-Match: * for PutOptions.
//
// Thread-safety: all methods may be called from several threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "store/credentials.h"
#include "store/object_store.h"
#include "store/s3_client.h"
#include "store/target_config.h"

namespace binlake::s3 {

// Test hooks; the defaults are the real environment, sleeping and randomness.
struct S3StoreHooks {
  Environment env = Environment::Process();
  RetryClock* retry_clock = nullptr;
  JitterSource jitter;
};

// DMS CannedAclForObjects -> x-amz-acl value ("" for NONE/empty). Accepts the DMS names in any
// case (PUBLIC_READ) and the header values (public-read).
Result<std::string> CannedAclHeader(std::string_view dms_value);

class S3ObjectStore : public ObjectStore {
 public:
  // Validates the settings and resolves credentials and region; does not contact S3.
  static Result<std::unique_ptr<S3ObjectStore>> Open(const TargetConfig& config,
                                                     S3StoreHooks hooks = {});

  Status Put(std::string_view key, std::string_view data, const PutOptions& options) override;
  Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view key,
                                                  const PutOptions& options) override;
  Result<std::string> Get(std::string_view key) override;
  // GetObject with Range: bytes=<offset>-<last> (s3_range.h): 206 is the slice, 200 (a server
  // that ignores Range) is cut to the slice, 416 InvalidRange (offset past the end) is "".
  Result<std::string> GetRange(std::string_view key, uint64_t offset, uint64_t length) override;
  // A HEAD 404 carries no body, so a missing bucket also reads as "absent" here; CheckAccess
  // (and any write) tells the bucket apart.
  Result<std::optional<ObjectInfo>> Head(std::string_view key) override;
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override;
  Status Delete(std::string_view key) override;
  Status PublishPrepared(std::string_view key, std::string_view token) override;
  // ListMultipartUploads under the prefix: incomplete uploads (`id` = the upload id).
  Result<std::vector<UncommittedObject>> ListUncommitted(std::string_view prefix) override;
  // AbortMultipartUpload; an upload that is already gone (404 NoSuchUpload) is fine.
  Status DiscardUncommitted(const UncommittedObject& object) override;
  // ListObjectsV2 (max-keys=1) under the prefix: proves the endpoint answers, the bucket exists
  // and the credentials are accepted. Write permission is not probed (no object is created).
  Status CheckAccess() override;
  std::string Describe() const override;

  // --- For the writer (s3_object_writer.cc). ---
  S3Client& client() { return *client_; }
  std::string FullKey(std::string_view key) const { return prefix_ + std::string(key); }
  size_t part_size() const { return part_size_; }
  // Headers of PutObject / CreateMultipartUpload: content type, SSE, ACL, If-None-Match.
  sigv4::KeyValues CreateHeaders(const PutOptions& options, bool with_if_none_match) const;
  // PutObjectTagging: replaces the tags of the object at `full_key`.
  Status PutObjectTagging(const std::string& full_key,
                          const std::vector<std::pair<std::string, std::string>>& tags);
  // Single PUT of a whole object, with the If-None-Match ambiguity resolved: a 412 after a
  // retried attempt is success if the stored bytes are ours.
  Status PutWhole(const std::string& full_key, std::string_view data, const PutOptions& options);
  // HEAD of a full key; nullopt if absent.
  Result<std::optional<ObjectInfo>> HeadFull(const std::string& full_key);

 private:
  S3ObjectStore() = default;
  // GetObject of a full key; with `range` (offset, length > 0) the slice GetRange describes.
  Result<std::string> GetFull(const std::string& full_key,
                              std::optional<std::pair<uint64_t, uint64_t>> range = std::nullopt);

  std::unique_ptr<S3Client> client_;
  std::string bucket_;
  std::string prefix_;  // "" or ends in '/'
  size_t part_size_ = 0;
  std::string sse_;  // x-amz-server-side-encryption value or ""
  std::string kms_key_id_;
  std::string acl_;  // x-amz-acl value or ""
};

}  // namespace binlake::s3
