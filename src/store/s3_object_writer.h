// Streams one S3 object with bounded memory: at most two parts (the store's
// multipart_part_size) - one filling while the previous one uploads on a background thread, so
// the writer's caller keeps producing data during the upload. Each is a PartBuffer (only the
// pages written are resident; the memory is reused from part to part). An object that fits in
// one part is written by a single PUT at Close (one buffer only); a larger one by a multipart
// upload whose parts are sent as they fill (spec: S3 API Reference, CreateMultipartUpload /
// UploadPart / CompleteMultipartUpload / AbortMultipartUpload). A failed background upload is
// reported by the next Write, Prepare or Close. Nothing is visible under the key before Close
// succeeds; Abort (or destruction without Close) aborts the upload, so no parts are left behind.
//
// If-None-Match: sent on the PUT and on CompleteMultipartUpload. Because S3-compatible servers
// that predate conditional completes (radosgw 16) ignore it there, Close also checks with HEAD
// just before completing; a writer racing in that window can still win on such servers.
// Ambiguous retries are resolved: a 412 or NoSuchUpload after a retried complete is success when
// the object's ETag is the multipart ETag of our parts.
//
// Publishing from a token (PublishPrepared, after a restart) must succeed when the upload was
// already completed. Stores answer a repeated CompleteMultipartUpload differently: AWS with 200
// (leaving the object under the key alone, even a replaced one), MinIO with 404 NoSuchUpload,
// radosgw 16 with 200, or 500 "This multipart completion is already in progress" once the
// object was replaced. So the object under the key is looked at (HEAD) before, and after any
// answer that allows an earlier completion: it is the upload's when it carries the multipart
// ETag of the token's parts (S3: the MD5 of the concatenated binary part MD5s, then "-N").
//
// Thread-safety: one thread per writer (the store it came from must outlive it).
#pragma once

#include <future>
#include <string>
#include <string_view>
#include <vector>

#include "store/object_store.h"
#include "store/part_buffer.h"
#include "store/s3_errors.h"
#include "store/s3_xml.h"

namespace binlake::s3 {

class S3ObjectStore;

class S3ObjectWriter : public ObjectWriter {
 public:
  S3ObjectWriter(S3ObjectStore* store, std::string full_key, PutOptions options);
  ~S3ObjectWriter() override;

  Status Write(std::string_view data) override;
  // Uploads the buffered tail as the last part of a multipart upload (started now if the object
  // was small) and returns "<uploadId>\n<part> <etag>\n...": CompleteMultipartUpload needs no
  // more. After Prepare, a failed Close does not abort the upload (a checkpoint may name it).
  Result<std::string> Prepare() override;
  Status Close() override;
  void Abort() override;

  // Completes an upload prepared (possibly by another process) from its token. Idempotent: an
  // upload completed before is success when the object under the key is still its object (its
  // ETag is the multipart ETag of the token's parts); another object there is kPreconditionFailed,
  // none kNotFound (the upload was aborted or expired).
  static Status PublishPrepared(S3ObjectStore* store, std::string full_key, std::string_view token);
  uint64_t bytes_written() const override { return bytes_written_; }

  // The largest capacity either of its buffers has had (memory bound checks in tests): the
  // part size once data was written.
  size_t max_buffer_capacity() const { return max_capacity_; }
  // Part memory the writer holds now (both buffers): 0 once Prepare, Close or Abort returned.
  size_t buffer_capacity() const { return buffer_.capacity() + inflight_buffer_.capacity(); }
  // Parts sent so far, the one uploading included (0 when the object will be a single PUT).
  size_t parts_uploaded() const { return parts_.size() + (inflight_.valid() ? 1 : 0); }

 private:
  Status StartUpload();
  // Sends buffer_ as the next part in the background (after the previous one finished) and
  // hands the caller an empty buffer.
  Status UploadPartAsync();
  Status UploadPart();       // sends buffer_ as the next part, waits for every part
  Status WaitForInflight();  // the background part's outcome, recorded in parts_
  Result<CompletedPart> SendPart(int number, std::string_view data);
  // CompleteMultipartUpload of parts_. `republish`: publishing from a token, where the upload may
  // have been completed before (ExpectPublished decides on any answer that allows that).
  Status Complete(bool republish);
  enum class Published { kOurs, kAbsent, kOther };
  // HEAD of the key against MultipartETag(); the object's ETag goes to `etag`. Fails if HEAD
  // fails or the multipart ETag cannot be computed.
  Result<Published> CheckPublished(std::string* etag) const;
  // Ok (and the upload forgotten) if the key holds this upload's object; otherwise a clear error
  // saying what is there. `answer` says what CompleteMultipartUpload answered.
  Status ExpectPublished(const ErrorContext& ctx, std::string_view answer);
  // kPreconditionFailed: `url` holds another object (ETag `etag`) than this upload's.
  Status NotOurs(const std::string& url, const std::string& etag) const;
  void AbortUpload();
  // "\"<md5 of the parts' md5s>-N\"", or "" if a part ETag is not an MD5 hex digest.
  std::string MultipartETag() const;

  S3ObjectStore* store_;
  std::string key_;  // full key, prefix included
  PutOptions options_;
  PartBuffer buffer_;                            // the part being filled
  PartBuffer inflight_buffer_;                   // the part uploading (read by the task only)
  std::future<Result<CompletedPart>> inflight_;  // valid while a part uploads
  std::string upload_id_;
  std::vector<CompletedPart> parts_;
  uint64_t bytes_written_ = 0;
  size_t max_capacity_ = 0;
  bool finished_ = false;  // closed or aborted
  bool prepared_ = false;
};

}  // namespace binlake::s3
