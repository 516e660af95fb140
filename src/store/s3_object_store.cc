#include "store/s3_object_store.h"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <set>

#include "common/ascii.h"
#include "common/render_text.h"
#include "store/s3_object_writer.h"
#include "store/s3_range.h"
#include "store/s3_xml.h"

namespace binlake::s3 {
namespace {

constexpr size_t kMinPartSize = 5u << 20;      // S3: every part but the last
constexpr uint64_t kMaxPartSize = 5ull << 30;  // S3: 5 GiB per part / single PUT
constexpr size_t kListPageSize = 1000;

Status CheckKey(std::string_view key) {
  if (key.empty()) return InvalidArgument("empty object key");
  if (key.front() == '/')
    return InvalidArgument("object key '" + std::string(key) + "' starts with '/'");
  return Status::Ok();
}

}  // namespace

Result<std::string> CannedAclHeader(std::string_view dms_value) {
  std::string v = AsciiUpper(dms_value);
  std::replace(v.begin(), v.end(), '-', '_');
  static const std::pair<const char*, const char*> kAcls[] = {
      {"NONE", ""},
      {"PRIVATE", "private"},
      {"PUBLIC_READ", "public-read"},
      {"PUBLIC_READ_WRITE", "public-read-write"},
      {"AUTHENTICATED_READ", "authenticated-read"},
      {"AWS_EXEC_READ", "aws-exec-read"},
      {"BUCKET_OWNER_READ", "bucket-owner-read"},
      {"BUCKET_OWNER_FULL_CONTROL", "bucket-owner-full-control"},
  };
  if (v.empty()) return std::string();
  for (const auto& [dms, header] : kAcls) {
    if (v == dms) return std::string(header);
  }
  return InvalidArgument("CannedAclForObjects '" + std::string(dms_value) +
                         "' is not one of NONE, PRIVATE, PUBLIC_READ, PUBLIC_READ_WRITE, "
                         "AUTHENTICATED_READ, AWS_EXEC_READ, BUCKET_OWNER_READ, "
                         "BUCKET_OWNER_FULL_CONTROL");
}

Result<std::unique_ptr<S3ObjectStore>> S3ObjectStore::Open(const TargetConfig& config,
                                                           S3StoreHooks hooks) {
  ASSIGN_OR_RETURN(S3Location location, ParseS3Url(config.url));
  if (config.multipart_part_size < kMinPartSize || config.multipart_part_size > kMaxPartSize) {
    return InvalidArgument("multipart part size " + std::to_string(config.multipart_part_size) +
                           " is outside S3's limits (5 MiB to 5 GiB)");
  }
  if (config.max_attempts < 1) return InvalidArgument("max_attempts must be at least 1");
  std::unique_ptr<S3ObjectStore> store(new S3ObjectStore());
  store->bucket_ = location.bucket;
  store->prefix_ = location.prefix;
  store->part_size_ = config.multipart_part_size;
  const std::string mode = AsciiUpper(config.encryption_mode);
  if (mode == "SSE_S3") {
    store->sse_ = "AES256";
  } else if (mode == "SSE_KMS") {
    store->sse_ = "aws:kms";
    store->kms_key_id_ = config.kms_key_id;
  } else if (!mode.empty()) {
    return InvalidArgument("EncryptionMode '" + config.encryption_mode +
                           "' is not SSE_S3 or SSE_KMS");
  }
  if (!config.kms_key_id.empty() && mode != "SSE_KMS") {
    return InvalidArgument("ServerSideEncryptionKmsKeyId needs EncryptionMode SSE_KMS");
  }
  ASSIGN_OR_RETURN(store->acl_, CannedAclHeader(config.canned_acl));

  ASSIGN_OR_RETURN(ResolvedCredentials creds, ResolveCredentials(config, hooks.env));
  S3ClientOptions options;
  options.region = ResolveRegion(config, hooks.env);
  ASSIGN_OR_RETURN(options.endpoint, S3Endpoint::Create(config.endpoint_url, options.region,
                                                        location.bucket, config.force_path_style));
  options.credentials = std::move(creds.credentials);
  options.credentials_source = creds.source;
  options.expected_bucket_owner = config.expected_bucket_owner;
  options.retry.max_attempts = config.max_attempts;  // >= 1, checked above
  options.retry.initial_delay = std::chrono::milliseconds(config.base_backoff_ms);
  options.retry.max_delay = std::chrono::milliseconds(config.max_backoff_ms);
  // The CA bundle matters to https only (an unreadable one does not stop a plain http store).
  ResolvedCaBundle ca_bundle;
  if (options.endpoint.https()) ca_bundle = ResolveCaBundle(config, hooks.env);
  if (!ca_bundle.path.empty()) {
    if (::access(ca_bundle.path.c_str(), R_OK) != 0) {
      return InvalidArgument("the CA bundle " + ca_bundle.path + " (from " + ca_bundle.source +
                             ") cannot be read: " + std::strerror(errno));
    }
    spdlog::debug("S3 endpoint {}: trusting the CA bundle {} (from {})", options.endpoint.display(),
                  ca_bundle.path, ca_bundle.source);
  }
  if (const std::string warning = PlaintextEndpointWarning(options.endpoint); !warning.empty()) {
    spdlog::warn("{}", warning);
  }
  options.http = HttpOptions{config.connect_timeout_ms, config.request_timeout_ms, ca_bundle.path};
  options.retry_clock = hooks.retry_clock;
  options.jitter = hooks.jitter;
  store->client_ = std::make_unique<S3Client>(std::move(options));
  return store;
}

std::string S3ObjectStore::Describe() const {
  std::string out = "s3://" + bucket_;
  if (!prefix_.empty()) out += "/" + prefix_.substr(0, prefix_.size() - 1);
  return out;
}

sigv4::KeyValues S3ObjectStore::CreateHeaders(const PutOptions& options,
                                              bool with_if_none_match) const {
  sigv4::KeyValues h;
  if (!options.content_type.empty()) h.emplace_back("Content-Type", options.content_type);
  if (!sse_.empty()) h.emplace_back("x-amz-server-side-encryption", sse_);
  if (!kms_key_id_.empty())
    h.emplace_back("x-amz-server-side-encryption-aws-kms-key-id", kms_key_id_);
  if (!acl_.empty()) h.emplace_back("x-amz-acl", acl_);
  if (!options.tags.empty()) {
    std::string tagging;
    for (const auto& [key, value] : options.tags) {
      if (!tagging.empty()) tagging += '&';
      tagging += sigv4::UriEncode(key) + "=" + sigv4::UriEncode(value);
    }
    h.emplace_back("x-amz-tagging", tagging);
  }
  if (with_if_none_match) h.emplace_back("If-None-Match", "*");
  return h;
}

Status S3ObjectStore::PutObjectTagging(
    const std::string& full_key, const std::vector<std::pair<std::string, std::string>>& tags) {
  const std::string body = s3::BuildTagging(tags);
  // S3 requires a checksum of the body here: Content-MD5.
  unsigned char md5[EVP_MAX_MD_SIZE];
  unsigned int md5_size = 0;
  if (EVP_Digest(body.data(), body.size(), md5, &md5_size, EVP_md5(), nullptr) != 1) {
    return Internal("OpenSSL could not compute an MD5 digest");
  }
  std::string md5_base64;
  AppendBase64(std::string_view(reinterpret_cast<const char*>(md5), md5_size), &md5_base64);
  S3Request req{"PUT",
                full_key,
                {{"tagging", ""}},
                {{"Content-Type", "application/xml"}, {"Content-MD5", md5_base64}},
                body};
  ASSIGN_OR_RETURN(S3Outcome out, client_->Send(req));
  if (out.response.Is2xx()) return Status::Ok();
  return ErrorStatus(client_->Context("PutObjectTagging", full_key), out.response, out.attempts);
}

Status S3ObjectStore::Put(std::string_view key, std::string_view data, const PutOptions& options) {
  RETURN_IF_ERROR(CheckKey(key));
  if (data.size() <= kMaxPartSize) return PutWhole(FullKey(key), data, options);
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> writer, NewWriter(key, options));
  RETURN_IF_ERROR(writer->Write(data));
  return writer->Close();
}

Status S3ObjectStore::PutWhole(const std::string& full_key, std::string_view data,
                               const PutOptions& options) {
  S3Request req{"PUT", full_key, {}, CreateHeaders(options, options.if_none_match), data};
  ASSIGN_OR_RETURN(S3Outcome out, client_->Send(req));
  if (out.response.Is2xx()) return Status::Ok();
  ErrorContext ctx = client_->Context("PutObject", full_key, options.if_none_match);
  if (out.response.status == 412 && options.if_none_match && out.attempts > 1) {
    // An earlier attempt may have stored the object before its answer was lost: then the 412
    // is about our own bytes, and the write succeeded. Only other bytes, read back, mean that
    // someone else created it; when they cannot be read the outcome is unknown.
    Result<std::string> stored = GetFull(full_key);
    if (!stored.ok()) {
      return OutcomeUnknown(ctx, "reading it back failed (" + stored.status().message() + ")");
    }
    if (*stored == data) {
      spdlog::info("{}: conditional PUT answered 412 on a retry; the stored object is ours",
                   ctx.object_url);
      return Status::Ok();
    }
  }
  return ErrorStatus(ctx, out.response, out.attempts);
}

Status S3ObjectStore::PublishPrepared(std::string_view key, std::string_view token) {
  return S3ObjectWriter::PublishPrepared(this, FullKey(key), token);
}

Result<std::unique_ptr<ObjectWriter>> S3ObjectStore::NewWriter(std::string_view key,
                                                               const PutOptions& options) {
  RETURN_IF_ERROR(CheckKey(key));
  return std::unique_ptr<ObjectWriter>(new S3ObjectWriter(this, FullKey(key), options));
}

Result<std::string> S3ObjectStore::GetFull(const std::string& full_key,
                                           std::optional<std::pair<uint64_t, uint64_t>> range) {
  S3Request req{"GET", full_key, {}, {}, {}};
  if (range) req.headers.emplace_back("Range", RangeHeaderValue(range->first, range->second));
  ASSIGN_OR_RETURN(S3Outcome out, client_->Send(req));
  ErrorContext ctx = client_->Context("GetObject", full_key);
  if (range) {
    return SliceOfRangeAnswer(out.response, range->first, range->second, ctx, out.attempts);
  }
  if (out.response.Is2xx()) return std::move(out.response.body);
  return ErrorStatus(ctx, out.response, out.attempts);
}

Result<std::string> S3ObjectStore::Get(std::string_view key) {
  RETURN_IF_ERROR(CheckKey(key));
  return GetFull(FullKey(key));
}

Result<std::string> S3ObjectStore::GetRange(std::string_view key, uint64_t offset,
                                            uint64_t length) {
  RETURN_IF_ERROR(CheckKey(key));
  if (length == 0) return std::string();
  return GetFull(FullKey(key), std::make_pair(offset, length));
}

Result<std::optional<ObjectInfo>> S3ObjectStore::HeadFull(const std::string& full_key) {
  ASSIGN_OR_RETURN(S3Outcome out, client_->Send(S3Request{"HEAD", full_key, {}, {}, {}}));
  if (out.response.status == 404) return std::optional<ObjectInfo>();
  if (!out.response.Is2xx()) {
    return ErrorStatus(client_->Context("HeadObject", full_key), out.response, out.attempts);
  }
  ObjectInfo info;
  info.key = full_key;
  std::string len = out.response.Header("content-length");
  auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), info.size);
  if (len.empty() || ec != std::errc() || end != len.data() + len.size()) {
    return Corruption("HeadObject s3://" + bucket_ + "/" + full_key +
                      ": no valid Content-Length in the answer");
  }
  info.etag = out.response.Header("etag");
  return std::optional<ObjectInfo>(std::move(info));
}

Result<std::optional<ObjectInfo>> S3ObjectStore::Head(std::string_view key) {
  RETURN_IF_ERROR(CheckKey(key));
  ASSIGN_OR_RETURN(std::optional<ObjectInfo> info, HeadFull(FullKey(key)));
  if (info) info->key = std::string(key);
  return info;
}

Result<std::vector<ObjectInfo>> S3ObjectStore::List(std::string_view prefix) {
  const std::string full = prefix_ + std::string(prefix);
  std::vector<ObjectInfo> out;
  std::string token;
  std::set<std::string> seen_tokens;
  while (true) {
    S3Request req{"GET",
                  "",
                  {{"list-type", "2"},
                   {"prefix", full},
                   {"encoding-type", "url"},
                   {"max-keys", std::to_string(kListPageSize)}},
                  {},
                  {}};
    if (!token.empty()) req.query.emplace_back("continuation-token", token);
    ASSIGN_OR_RETURN(S3Outcome page, client_->Send(req));
    ErrorContext ctx = client_->Context("ListObjectsV2", full + "*");
    if (!page.response.Is2xx()) return ErrorStatus(ctx, page.response, page.attempts);
    Result<ListResult> parsed = ParseListObjectsV2(page.response.body);
    if (!parsed.ok()) return parsed.status().WithContext("listing " + ctx.object_url);
    for (ListEntry& e : parsed->contents) {
      if (e.key.compare(0, full.size(), full) != 0) {
        return Corruption("listing " + ctx.object_url + " returned key '" + e.key +
                          "' outside the prefix");
      }
      out.push_back(ObjectInfo{e.key.substr(prefix_.size()), e.size, std::move(e.etag)});
    }
    if (!parsed->is_truncated) break;
    token = parsed->next_continuation_token;
    if (!seen_tokens.insert(token).second) {
      return Corruption("listing " + ctx.object_url + " repeated a continuation token");
    }
  }
  std::sort(out.begin(), out.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return out;
}

Status S3ObjectStore::Delete(std::string_view key) {
  RETURN_IF_ERROR(CheckKey(key));
  const std::string full = FullKey(key);
  ASSIGN_OR_RETURN(S3Outcome out, client_->Send(S3Request{"DELETE", full, {}, {}, {}}));
  if (out.response.Is2xx()) return Status::Ok();
  if (out.response.status == 404 && ErrorCode(out.response) != "NoSuchBucket") {
    return Status::Ok();
  }
  return ErrorStatus(client_->Context("DeleteObject", full), out.response, out.attempts);
}

Result<std::vector<UncommittedObject>> S3ObjectStore::ListUncommitted(std::string_view prefix) {
  const std::string full = prefix_ + std::string(prefix);
  std::vector<UncommittedObject> out;
  std::string key_marker, upload_marker;
  std::set<std::string> seen_markers;
  while (true) {
    S3Request req{"GET", "", {{"uploads", ""}, {"prefix", full}, {"encoding-type", "url"}}, {}, {}};
    if (!key_marker.empty()) req.query.emplace_back("key-marker", key_marker);
    if (!upload_marker.empty()) req.query.emplace_back("upload-id-marker", upload_marker);
    ASSIGN_OR_RETURN(S3Outcome page, client_->Send(req));
    ErrorContext ctx = client_->Context("ListMultipartUploads", full + "*");
    if (!page.response.Is2xx()) return ErrorStatus(ctx, page.response, page.attempts);
    Result<ListUploadsResult> parsed = ParseListMultipartUploads(page.response.body);
    if (!parsed.ok()) return parsed.status().WithContext("listing " + ctx.object_url);
    for (MultipartUpload& u : parsed->uploads) {
      if (u.key.compare(0, full.size(), full) != 0) continue;  // servers may ignore the prefix
      out.push_back(UncommittedObject{u.key.substr(prefix_.size()), std::move(u.upload_id)});
    }
    if (!parsed->is_truncated) break;
    key_marker = parsed->next_key_marker;
    upload_marker = parsed->next_upload_id_marker;
    if (!seen_markers.insert(key_marker + "\n" + upload_marker).second) {
      return Corruption("listing " + ctx.object_url + " repeated a marker");
    }
  }
  return out;
}

Status S3ObjectStore::DiscardUncommitted(const UncommittedObject& object) {
  RETURN_IF_ERROR(CheckKey(object.key));
  if (object.id.empty()) return InvalidArgument("no upload id for " + object.key);
  const std::string full = FullKey(object.key);
  ASSIGN_OR_RETURN(S3Outcome out,
                   client_->Send(S3Request{"DELETE", full, {{"uploadId", object.id}}, {}, {}}));
  if (out.response.Is2xx() || out.response.status == 404) return Status::Ok();
  return ErrorStatus(client_->Context("AbortMultipartUpload", full), out.response, out.attempts);
}

Status S3ObjectStore::CheckAccess() {
  S3Request req{"GET", "", {{"list-type", "2"}, {"prefix", prefix_}, {"max-keys", "1"}}, {}, {}};
  ASSIGN_OR_RETURN(S3Outcome out, client_->Send(req));
  ErrorContext ctx = client_->Context("ListObjectsV2", prefix_);
  if (!out.response.Is2xx()) return ErrorStatus(ctx, out.response, out.attempts);
  Result<ListResult> parsed = ParseListObjectsV2(out.response.body);
  if (!parsed.ok()) {
    return Status(parsed.status().code(),
                  client_->endpoint().display() +
                      " did not answer ListObjectsV2 like S3 does: " + parsed.status().message());
  }
  return Status::Ok();
}

}  // namespace binlake::s3
