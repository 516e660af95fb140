// FakeS3: an in-memory S3 bucket on 127.0.0.1 (over fake_http_server.h) for unit tests of code
// that talks to S3 through S3ObjectStore. It answers the operations binlake uses as the S3 API
// Reference describes them, path-style (/<bucket>/<key>):
//   PutObject (If-None-Match: * -> 412 PreconditionFailed), GetObject (Range: bytes=first-[last]
//   -> 206 with Content-Range, 416 InvalidRange when first >= size), HeadObject (no body),
//   DeleteObject (204, also when absent), ListObjectsV2 (prefix, max-keys, continuation-token,
//   start-after, encoding-type=url), CreateMultipartUpload, UploadPart, CompleteMultipartUpload
//   (If-None-Match: *; parts checked: ascending, known, matching ETag, all but the last >= 5 MiB),
//   AbortMultipartUpload, ListMultipartUploads (prefix, key-marker, upload-id-marker,
//   encoding-type=url).
// ETags: "\"<md5 hex>\"" for PutObject and UploadPart; "\"<md5 of the parts' binary MD5s>-N\""
// for a completed multipart upload (the ETag S3 gives such objects). Error bodies are S3's
// <Error><Code/><Message/><Key/><RequestId/></Error>. Signatures are not verified, but
// x-amz-content-sha256 must match the body (400 XAmzContentSHA256Mismatch otherwise). Anything
// else (delimiter, CopyObject, ...) answers 501 NotImplemented, so a test notices.
//
// Quirks of real S3-compatible stores are Options; failures of single requests are Faults:
//   FakeS3::Options o;
//   o.repeat_complete = FakeS3::RepeatComplete::kNoSuchUpload;  // MinIO
//   auto s3 = FakeS3::Start(o);
//   (*s3)->AddFault(FakeS3::LoseAnswer("PutObject"));  // applied, then the connection drops
//   (*s3)->AddFault(FakeS3::Fail("GetObject", 500, "InternalError", FakeS3::kAlways));
//   (*s3)->AddFault(FakeS3::Drop("HeadObject").When(
//       [](const FakeS3::Request& r) { return FakeS3::Key(r) == "pre/k"; }));
// Each request is matched against the faults in the order they were added; the first that
// matches (and has uses left) decides, and uses one of its `times`.
//
// Thread-safety: all methods may be called from any thread while the server runs; requests are
// handled one at a time. A Fault's `match` runs with the fake's lock held: it must not call the
// FakeS3.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/target_config.h"
#include "store/testing/fake_http_server.h"

namespace binlake::testing {

class FakeS3 {
 public:
  using Request = FakeHttpServer::Request;
  using Response = FakeHttpServer::Response;

  // What CompleteMultipartUpload answers for an upload that was already completed.
  enum class RepeatComplete {
    kOk,            // AWS: 200 with the first completion's result; the object is left alone
    kNoSuchUpload,  // MinIO: 404 NoSuchUpload (the upload is gone once completed)
  };

  struct Options {
    std::string bucket = "bkt";
    // false: a store that ignores If-None-Match (PutObject and CompleteMultipartUpload answer
    // 200 and overwrite), as S3-compatible stores without conditional writes do.
    bool honor_if_none_match = true;
    RepeatComplete repeat_complete = RepeatComplete::kOk;
    // The most keys (uploads) one ListObjectsV2 (ListMultipartUploads) page holds, whatever
    // max-keys asks: small values make listings page.
    size_t max_page = 1000;
    size_t min_part_size = 5u << 20;  // every part but the last (EntityTooSmall)
    // false: GetObject ignores Range and answers 200 with the whole object, as RFC 9110 allows.
    bool honor_range = true;
  };

  enum class FaultAction {
    kLoseAnswer,  // apply the request, then close the connection without answering
    kDrop,        // close the connection without applying the request
    kFail,        // answer `status` with <Error><Code>`code`</Code>, without applying the request
                  // (status 200 gives the "error inside a 200" of CompleteMultipartUpload)
  };
  static constexpr int kAlways = -1;
  struct Fault {
    std::string operation;  // an S3 operation name ("PutObject", ...); "" = any
    // An extra condition on the request (e.g. on its key: FakeS3::Key); empty = any.
    std::function<bool(const Request&)> match;
    int times = 1;  // how many matching requests it hits; kAlways = every one
    FaultAction action = FaultAction::kLoseAnswer;
    int status = 500;                    // kFail only
    std::string code = "InternalError";  // kFail only

    // This fault, only for requests `match` accepts.
    Fault When(std::function<bool(const Request&)> predicate) const {
      Fault f = *this;
      f.match = std::move(predicate);
      return f;
    }
  };
  static Fault LoseAnswer(std::string operation, int times = 1) {
    return Fault{std::move(operation), {}, times, FaultAction::kLoseAnswer, 0, ""};
  }
  static Fault Drop(std::string operation, int times = 1) {
    return Fault{std::move(operation), {}, times, FaultAction::kDrop, 0, ""};
  }
  static Fault Fail(std::string operation, int status, std::string code, int times = 1) {
    return Fault{std::move(operation), {}, times, FaultAction::kFail, status, std::move(code)};
  }

  static Result<std::unique_ptr<FakeS3>> Start();
  static Result<std::unique_ptr<FakeS3>> Start(Options options);
  ~FakeS3();
  FakeS3(const FakeS3&) = delete;
  FakeS3& operator=(const FakeS3&) = delete;

  std::string endpoint() const { return server_->endpoint(); }
  const std::string& bucket() const { return options_.bucket; }
  // A TargetConfig for s3://<bucket>[/<prefix>] on this server: test credentials, 4 attempts per
  // request, backoff of 1-2 ms, 5 MiB parts, 5 s request timeout.
  TargetConfig Target(std::string_view prefix = "") const;

  // Quirks may change while the server runs.
  void set_honor_if_none_match(bool honor);
  void set_repeat_complete(RepeatComplete mode);

  void AddFault(Fault fault);
  void ClearFaults();
  int faults_hit() const;  // requests a fault decided so far

  // --- The bucket, seen directly (no HTTP). Keys are full keys (the store prefix included). ---
  std::optional<std::string> Object(std::string_view key) const;
  std::optional<std::string> ETag(std::string_view key) const;  // quoted, as HeadObject sends it
  // Stores an object as another writer's PutObject would (no condition).
  void PutDirect(std::string_view key, std::string data);
  size_t open_uploads() const;  // created, neither completed nor aborted

  // Every request received so far, in order (faulted ones included).
  std::vector<Request> requests() const { return server_->requests(); }
  // How many requests of `operation` were received.
  int Count(std::string_view operation) const;

  // The S3 operation a request is ("PutObject", "UploadPart", ...; "" if none binlake uses).
  static std::string Operation(const Request& request);
  // The object key a request names (percent-decoded path after "/<bucket>/"; "" for bucket
  // requests).
  static std::string Key(const Request& request);
  // "\"<md5 hex>\"" and the multipart ETag of parts with these contents.
  static std::string Md5ETag(std::string_view data);
  static std::string MultipartETag(const std::vector<std::string>& parts);

 private:
  struct StoredObject {
    std::string data;
    std::string etag;
    std::string content_type;
  };
  struct Part {
    std::string data;
    std::string etag;
  };
  struct Upload {
    std::string key;
    std::string initiated;
    std::map<int, Part> parts;
  };
  struct Completed {
    std::string key;
    std::string etag;
  };

  explicit FakeS3(Options options) : options_(std::move(options)) {}
  Response Handle(const Request& request);
  // The operations; mu_ held.
  Response Apply(const std::string& operation, const Request& request);
  Response PutObject(const std::string& key, const Request& request);
  Response GetObject(const std::string& key, bool head, const Request& request);
  Response ListObjects(const Request& request);
  Response CreateUpload(const std::string& key);
  Response UploadPart(const std::string& key, const Request& request);
  Response CompleteUpload(const std::string& key, const Request& request);
  Response AbortUpload(const std::string& key, const Request& request);
  Response ListUploads(const Request& request);

  Options options_;  // guarded by mu_ (quirks change at run time)
  std::unique_ptr<FakeHttpServer> server_;
  mutable std::mutex mu_;
  std::vector<Fault> faults_;                    // guarded by mu_
  int faults_hit_ = 0;                           // guarded by mu_
  std::map<std::string, StoredObject> objects_;  // guarded by mu_
  std::map<std::string, Upload> uploads_;        // by upload id; guarded by mu_
  std::map<std::string, Completed> completed_;   // by upload id; guarded by mu_
  int next_upload_ = 0;                          // guarded by mu_
};

}  // namespace binlake::testing
