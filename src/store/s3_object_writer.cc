#include "store/s3_object_writer.h"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/ascii.h"
#include "store/s3_object_store.h"
#include "store/sigv4.h"

namespace binlake::s3 {
namespace {

constexpr size_t kMaxParts = 10000;  // S3 limit per upload

std::string Unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

// 32 hex digits -> 16 bytes; false otherwise.
bool HexToBytes(const std::string& hex, std::string* out) {
  return hex.size() == 32 && AppendHexBytes(hex, out);
}

}  // namespace

S3ObjectWriter::S3ObjectWriter(S3ObjectStore* store, std::string full_key, PutOptions options)
    : store_(store), key_(std::move(full_key)), options_(std::move(options)) {}

S3ObjectWriter::~S3ObjectWriter() {
  // A prepared upload may be named by a checkpoint: only an explicit Abort discards it.
  if (!prepared_) Abort();
}

Status S3ObjectWriter::Write(std::string_view data) {
  if (finished_ || prepared_)
    return Internal("write to s3://" + store_->client().endpoint().bucket() + "/" + key_ +
                    " after Close or Abort");
  const size_t part_size = store_->part_size();
  while (!data.empty()) {
    // A full buffer is sent only when more data arrives, so an object of exactly one part
    // is still a single PUT and the last part is never empty.
    if (buffer_.size() == part_size) {
      Status s = UploadPartAsync();
      if (!s.ok()) {
        Abort();
        return s;
      }
    }
    if (buffer_.capacity() == 0) {
      buffer_.Allocate(part_size);  // only the pages written become resident
      max_capacity_ = part_size;
    }
    const size_t n = std::min(data.size(), part_size - buffer_.size());
    buffer_.Append(data.substr(0, n));
    data.remove_prefix(n);
    bytes_written_ += n;
  }
  return Status::Ok();
}

Status S3ObjectWriter::StartUpload() {
  S3Request req{"POST", key_, {{"uploads", ""}}, store_->CreateHeaders(options_, false), {}};
  ASSIGN_OR_RETURN(S3Outcome out, store_->client().Send(req));
  if (!out.response.Is2xx()) {
    return ErrorStatus(store_->client().Context("CreateMultipartUpload", key_), out.response,
                       out.attempts);
  }
  ASSIGN_OR_RETURN(upload_id_, ParseInitiateMultipartUpload(out.response.body));
  return Status::Ok();
}

Result<CompletedPart> S3ObjectWriter::SendPart(int number, std::string_view data) {
  S3Request req{
      "PUT", key_, {{"partNumber", std::to_string(number)}, {"uploadId", upload_id_}}, {}, data};
  ASSIGN_OR_RETURN(S3Outcome out, store_->client().Send(req));
  if (!out.response.Is2xx()) {
    return ErrorStatus(store_->client().Context("UploadPart", key_), out.response, out.attempts);
  }
  std::string etag = out.response.Header("etag");
  if (etag.empty()) {
    return Internal("UploadPart " + std::to_string(number) + " of s3://" +
                    store_->client().endpoint().bucket() + "/" + key_ + " returned no ETag");
  }
  return CompletedPart{number, std::move(etag)};
}

Status S3ObjectWriter::WaitForInflight() {
  if (!inflight_.valid()) return Status::Ok();
  Result<CompletedPart> done = inflight_.get();  // invalidates the future
  inflight_buffer_.Clear();                      // keeps the memory for the next part
  if (!done.ok()) return done.status();
  parts_.push_back(std::move(done).value());
  return Status::Ok();
}

Status S3ObjectWriter::UploadPartAsync() {
  RETURN_IF_ERROR(WaitForInflight());
  if (upload_id_.empty()) RETURN_IF_ERROR(StartUpload());
  if (parts_.size() + 1 > kMaxParts) {
    return InvalidArgument("s3://" + store_->client().endpoint().bucket() + "/" + key_ +
                           " needs more than 10000 parts of " +
                           std::to_string(store_->part_size()) +
                           " bytes: raise the multipart part size");
  }
  const int number = static_cast<int>(parts_.size()) + 1;
  swap(buffer_, inflight_buffer_);  // buffer_ is now the empty one (memory from Write)
  inflight_ = std::async(std::launch::async,
                         [this, number] { return SendPart(number, inflight_buffer_.view()); });
  return Status::Ok();
}

Status S3ObjectWriter::UploadPart() {
  RETURN_IF_ERROR(UploadPartAsync());
  return WaitForInflight();
}

std::string S3ObjectWriter::MultipartETag() const {
  std::string digests;
  for (const CompletedPart& p : parts_) {
    if (!HexToBytes(Unquote(p.etag), &digests)) return "";
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(digests.data(), digests.size(), md, &len, EVP_md5(), nullptr);
  return sigv4::HexEncode(std::string_view(reinterpret_cast<const char*>(md), len)) + "-" +
         std::to_string(parts_.size());
}

Result<S3ObjectWriter::Published> S3ObjectWriter::CheckPublished(std::string* etag) const {
  ASSIGN_OR_RETURN(std::optional<ObjectInfo> info, store_->HeadFull(key_));
  if (!info) return Published::kAbsent;
  *etag = info->etag;
  const std::string expected = MultipartETag();
  if (expected.empty()) {
    return Unsupported("cannot tell whether s3://" + store_->client().endpoint().bucket() + "/" +
                       key_ + " is the object of its multipart upload: the part ETags are not " +
                       "MD5 digests, so the object's multipart ETag is unknown");
  }
  return AsciiLower(Unquote(info->etag)) == expected ? Published::kOurs : Published::kOther;
}

Status S3ObjectWriter::ExpectPublished(const ErrorContext& ctx, std::string_view answer) {
  std::string etag;
  Result<Published> found = CheckPublished(&etag);
  if (!found.ok()) {
    return found.status().WithContext(ctx.operation + " " + ctx.object_url + " " +
                                      std::string(answer) + "; checking the object");
  }
  switch (*found) {
    case Published::kOurs:
      upload_id_.clear();  // completed: nothing to abort
      return Status::Ok();
    case Published::kAbsent:
      return NotFound(ctx.operation + " " + ctx.object_url + " " + std::string(answer) +
                      ", and the object does not exist: the upload was aborted or expired");
    case Published::kOther:
      break;
  }
  return NotOurs(ctx.object_url, etag);
}

Status S3ObjectWriter::NotOurs(const std::string& url, const std::string& etag) const {
  return PreconditionFailed(
      url + " is not the object its multipart upload published: its ETag is " + etag + ", not \"" +
      MultipartETag() + "\" (the multipart ETag of the parts the upload token " +
      "names); it was replaced after it was published, or something else writes that key");
}

Status S3ObjectWriter::Complete(bool republish) {
  S3Client& client = store_->client();
  ErrorContext ctx = client.Context("CompleteMultipartUpload", key_, options_.if_none_match);
  if (options_.if_none_match) {
    ASSIGN_OR_RETURN(std::optional<ObjectInfo> existing, store_->HeadFull(key_));
    if (existing) return AlreadyExists(ctx.object_url + " already exists");
  }
  const std::string body = BuildCompleteMultipartUpload(parts_);
  sigv4::KeyValues headers = {{"Content-Type", "application/xml"}};
  if (options_.if_none_match) headers.emplace_back("If-None-Match", "*");
  S3Request req{"POST", key_, {{"uploadId", upload_id_}}, headers, body, /*error_in_200=*/true};
  ASSIGN_OR_RETURN(S3Outcome out, client.Send(req));

  // Did the object we meant to create end up there? (answers that leave it open)
  auto ours = [&]() -> bool {
    std::string etag;
    Result<Published> found = CheckPublished(&etag);
    return found.ok() && *found == Published::kOurs;
  };
  if (out.response.Is2xx()) {
    if (ParseError(out.response.body).ok()) return ErrorStatus(ctx, out.response, out.attempts);
    Result<CompleteResult> done = ParseCompleteMultipartUpload(out.response.body);
    // A store may answer 200 to a repeated complete and leave whatever is under the key alone
    // (AWS does): publishing from a token checks that the object is this upload's.
    if (republish) return ExpectPublished(ctx, "answered 200");
    if (done.ok() || ours()) {
      upload_id_.clear();  // completed: nothing to abort
      return Status::Ok();
    }
    return done.status();
  }
  const std::string code = ErrorCode(out.response);
  if (code == "NoSuchUpload" && (republish || out.attempts > 1)) {
    // The upload is gone once completed on some stores (MinIO): completed by the request whose
    // answer was lost, or by the process that prepared it, or by an earlier recovery.
    Status s = ExpectPublished(ctx, "answered NoSuchUpload");
    if (s.ok()) {
      spdlog::info("{}: CompleteMultipartUpload answered NoSuchUpload; the object is ours",
                   ctx.object_url);
    }
    return s;
  }
  if (out.attempts > 1 && out.response.status == 412 && options_.if_none_match) {
    // Created by the request whose answer was lost, or by someone else? Only an object seen
    // with another ETag says someone else (AlreadyExists below).
    std::string etag;
    Result<Published> found = CheckPublished(&etag);
    if (!found.ok()) {
      return OutcomeUnknown(ctx, "checking the object failed (" + found.status().message() + ")");
    }
    if (*found == Published::kAbsent) return OutcomeUnknown(ctx, "the object is absent");
    if (*found == Published::kOurs) {
      spdlog::info("{}: CompleteMultipartUpload answered 412 on a retry; the object is ours",
                   ctx.object_url);
      upload_id_.clear();
      return Status::Ok();
    }
  }
  return ErrorStatus(ctx, out.response, out.attempts);
}

Result<std::string> S3ObjectWriter::Prepare() {
  if (finished_ || prepared_) {
    return Internal("Prepare of s3://" + store_->client().endpoint().bucket() + "/" + key_ +
                    " after Prepare, Close or Abort");
  }
  Status s = UploadPart();  // starts the upload when nothing was sent yet
  if (!s.ok()) {
    Abort();
    return s;
  }
  prepared_ = true;
  std::string token = upload_id_;
  for (const CompletedPart& p : parts_)
    token += "\n" + std::to_string(p.part_number) + " " + p.etag;
  buffer_ = PartBuffer();  // every part was sent (UploadPart waited): no memory is needed now
  inflight_buffer_ = PartBuffer();
  return token;
}

Status S3ObjectWriter::PublishPrepared(S3ObjectStore* store, std::string full_key,
                                       std::string_view token) {
  S3ObjectWriter w(store, std::move(full_key), PutOptions{});
  auto malformed = [&] {
    return InvalidArgument("malformed prepared-upload token for s3://" +
                           store->client().endpoint().bucket() + "/" + w.key_);
  };
  size_t nl = token.find('\n');
  w.upload_id_ = std::string(token.substr(0, nl));
  while (nl != std::string_view::npos) {
    token.remove_prefix(nl + 1);
    nl = token.find('\n');
    std::string_view line = token.substr(0, nl);
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos) return malformed();
    CompletedPart part;
    auto [end, ec] = std::from_chars(line.data(), line.data() + sp, part.part_number);
    if (ec != std::errc() || end != line.data() + sp || part.part_number <= 0) return malformed();
    part.etag = std::string(line.substr(sp + 1));
    w.parts_.push_back(std::move(part));
  }
  if (w.upload_id_.empty() || w.parts_.empty()) return malformed();
  w.prepared_ = true;
  // Published before (by the process that prepared it, or an earlier recovery)? Looked at first,
  // because stores answer a repeated complete in different ways: AWS 200 (the object left
  // alone), MinIO 404 NoSuchUpload, radosgw 200 - or, once the object was replaced, 500
  // "This multipart completion is already in progress", retried to no avail.
  ErrorContext ctx = store->client().Context("CompleteMultipartUpload", w.key_);
  std::string etag;
  Result<Published> found = w.CheckPublished(&etag);
  Status s;
  if (!found.ok()) {
    s = found.status().WithContext("publishing " + ctx.object_url + " from its token");
  } else if (*found == Published::kOther) {
    s = w.NotOurs(ctx.object_url, etag);
  } else if (*found == Published::kAbsent) {
    s = w.Complete(/*republish=*/true);  // it may still be completed meanwhile: checked there
  }
  w.upload_id_.clear();  // never abort an upload a checkpoint names
  w.finished_ = true;
  return s;
}

Status S3ObjectWriter::Close() {
  if (finished_)
    return Internal("Close of s3://" + store_->client().endpoint().bucket() + "/" + key_ +
                    " after Close or Abort");
  finished_ = true;
  Status s;
  if (!prepared_) {
    s = WaitForInflight();
    if (!s.ok()) {
      AbortUpload();
      buffer_ = PartBuffer();
      return s;
    }
  }
  if (prepared_) {
    s = Complete(/*republish=*/false);
    upload_id_.clear();  // a checkpoint may name it: recovery publishes it, never abort
  } else if (upload_id_.empty() && parts_.empty()) {
    s = store_->PutWhole(key_, buffer_.view(), options_);
  } else {
    s = UploadPart();
    if (s.ok()) s = Complete(/*republish=*/false);
    if (!s.ok()) AbortUpload();
  }
  // Tags of a multipart upload: sent with CreateMultipartUpload (AWS S3 applies them), and set
  // again once the object exists, for stores that ignore them there (radosgw 16).
  if (s.ok() && !options_.tags.empty() && !parts_.empty()) {
    s = store_->PutObjectTagging(key_, options_.tags);
  }
  buffer_ = PartBuffer();
  inflight_buffer_ = PartBuffer();
  return s;
}

void S3ObjectWriter::AbortUpload() {
  if (upload_id_.empty()) return;
  S3Request req{"DELETE", key_, {{"uploadId", upload_id_}}, {}, {}};
  Result<S3Outcome> out = store_->client().Send(req);
  if (!out.ok() || (!out->response.Is2xx() && out->response.status != 404)) {
    spdlog::warn(
        "could not abort the multipart upload of s3://{}/{} ({}); a bucket lifecycle "
        "rule for incomplete uploads will remove its parts",
        store_->client().endpoint().bucket(), key_,
        out.ok() ? "HTTP " + std::to_string(out->response.status) : out.status().message());
  }
  upload_id_.clear();
}

void S3ObjectWriter::Abort() {
  if (finished_) return;
  finished_ = true;
  (void)WaitForInflight();  // its outcome no longer matters: the upload is aborted
  AbortUpload();
  buffer_ = PartBuffer();
  inflight_buffer_ = PartBuffer();
}

}  // namespace binlake::s3
