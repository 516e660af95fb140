#include "store/testing/fake_s3.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <limits>
#include <pugixml.hpp>

#include "store/sigv4.h"

namespace binlake::testing {
namespace {

using Response = FakeS3::Response;

std::string Md5(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_md5(), nullptr);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string Unquote(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return std::string(s);
}

std::string XmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    const char* e = c == '&'   ? "&amp;"
                    : c == '<' ? "&lt;"
                    : c == '>' ? "&gt;"
                    : c == '"' ? "&quot;"
                               : nullptr;
    if (e != nullptr) {
      out += e;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// EncodingType=url as S3 does it: unreserved characters and '/' stay, a space is '+', everything
// else is %XX (so a '+' in a key is %2B).
std::string UrlEncode(std::string_view s) {
  std::string out = sigv4::UriEncodePath(s);
  for (size_t p; (p = out.find("%20")) != std::string::npos;) out.replace(p, 3, "+");
  return out;
}

// Percent-decoding of a path ('+' is a plus there); nullopt on a bad escape.
std::optional<std::string> PathDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    int v = 0;
    if (i + 2 >= s.size()) return std::nullopt;
    auto [end, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
    if (ec != std::errc() || end != s.data() + i + 3) return std::nullopt;
    out.push_back(static_cast<char>(v));
    i += 2;
  }
  return out;
}

// LastModified and Initiated: fixed, so answers are reproducible.
constexpr char kIsoTime[] = "2024-01-01T00:00:00.000Z";

Response Xml(int status, const std::string& root, const std::string& inner) {
  return Response{status,
                  {{"Content-Type", "application/xml"}},
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + root +
                      " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" + inner + "</" + root +
                      ">"};
}

std::string El(const std::string& name, std::string_view text) {
  return "<" + name + ">" + XmlEscape(text) + "</" + name + ">";
}

Response Error(int status, const std::string& code, const std::string& message,
               const std::string& key = "") {
  return Response{status,
                  {{"Content-Type", "application/xml"}},
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>" + El("Code", code) +
                      El("Message", message) + (key.empty() ? "" : El("Key", key)) +
                      El("RequestId", "fake-s3") + "</Error>"};
}

Response NoSuchUpload(const std::string& key) {
  return Error(404, "NoSuchUpload", "The specified upload does not exist.", key);
}

Response Dropped() {
  Response r;
  r.drop_connection = true;
  return r;
}

std::optional<size_t> ParseSize(const std::string& s) {
  size_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// The continuation token: opaque to clients, with characters that need encoding in a query.
std::string TokenFor(const std::string& last_key) {
  return "t/" + sigv4::UriEncode(last_key) + "=";
}
std::optional<std::string> KeyOfToken(const std::string& token) {
  if (token.size() < 3 || token.compare(0, 2, "t/") != 0 || token.back() != '=') {
    return std::nullopt;
  }
  return PathDecode(std::string_view(token).substr(2, token.size() - 3));
}

}  // namespace

Result<std::unique_ptr<FakeS3>> FakeS3::Start() { return Start(Options()); }

Result<std::unique_ptr<FakeS3>> FakeS3::Start(Options options) {
  std::unique_ptr<FakeS3> s3(new FakeS3(std::move(options)));
  ASSIGN_OR_RETURN(s3->server_, FakeHttpServer::Start(
                                    [p = s3.get()](const Request& r) { return p->Handle(r); }));
  return s3;
}

FakeS3::~FakeS3() { server_.reset(); }  // joins the threads that call Handle first

TargetConfig FakeS3::Target(std::string_view prefix) const {
  TargetConfig c;
  c.url = "s3://" + options_.bucket + (prefix.empty() ? "" : "/" + std::string(prefix));
  c.endpoint_url = endpoint();
  c.region = "us-east-1";
  c.credentials = {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
  c.multipart_part_size = 5u << 20;
  c.max_attempts = 4;
  c.base_backoff_ms = 1;
  c.max_backoff_ms = 2;
  c.connect_timeout_ms = 2000;
  c.request_timeout_ms = 5000;
  return c;
}

void FakeS3::set_honor_if_none_match(bool honor) {
  std::lock_guard<std::mutex> lock(mu_);
  options_.honor_if_none_match = honor;
}

void FakeS3::set_repeat_complete(RepeatComplete mode) {
  std::lock_guard<std::mutex> lock(mu_);
  options_.repeat_complete = mode;
}

void FakeS3::AddFault(Fault fault) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.push_back(std::move(fault));
}

void FakeS3::ClearFaults() {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.clear();
}

int FakeS3::faults_hit() const {
  std::lock_guard<std::mutex> lock(mu_);
  return faults_hit_;
}

std::optional<std::string> FakeS3::Object(std::string_view key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = objects_.find(std::string(key));
  if (it == objects_.end()) return std::nullopt;
  return it->second.data;
}

std::optional<std::string> FakeS3::ETag(std::string_view key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = objects_.find(std::string(key));
  if (it == objects_.end()) return std::nullopt;
  return it->second.etag;
}

void FakeS3::PutDirect(std::string_view key, std::string data) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string etag = Md5ETag(data);
  objects_[std::string(key)] = StoredObject{std::move(data), std::move(etag), ""};
}

size_t FakeS3::open_uploads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return uploads_.size();
}

int FakeS3::Count(std::string_view operation) const {
  int n = 0;
  for (const Request& r : requests()) n += Operation(r) == operation ? 1 : 0;
  return n;
}

std::string FakeS3::Md5ETag(std::string_view data) {
  return "\"" + sigv4::HexEncode(Md5(data)) + "\"";
}

std::string FakeS3::MultipartETag(const std::vector<std::string>& parts) {
  std::string digests;
  for (const std::string& p : parts) digests += Md5(p);
  return "\"" + sigv4::HexEncode(Md5(digests)) + "-" + std::to_string(parts.size()) + "\"";
}

std::string FakeS3::Key(const Request& request) {
  std::string path = request.Path();
  size_t slash = path.find('/', 1);
  if (slash == std::string::npos) return "";
  return PathDecode(path.substr(slash + 1)).value_or("");
}

std::string FakeS3::Operation(const Request& r) {
  const bool object = !Key(r).empty();
  const std::string& m = r.method;
  if (!object) {
    if (m == "GET" && r.HasQuery("uploads")) return "ListMultipartUploads";
    if (m == "GET" && r.Query("list-type") == "2") return "ListObjectsV2";
    return "";
  }
  if (m == "PUT" && !r.Header("x-amz-copy-source").empty()) return "";
  if (m == "PUT") return r.HasQuery("uploadId") ? "UploadPart" : "PutObject";
  if (m == "GET") return "GetObject";
  if (m == "HEAD") return "HeadObject";
  if (m == "DELETE") return r.HasQuery("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
  if (m == "POST" && r.HasQuery("uploads")) return "CreateMultipartUpload";
  if (m == "POST" && r.HasQuery("uploadId")) return "CompleteMultipartUpload";
  return "";
}

FakeS3::Response FakeS3::Handle(const Request& request) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string operation = Operation(request);
  const Fault* fault = nullptr;
  for (Fault& f : faults_) {
    if (f.times == 0) continue;
    if (!f.operation.empty() && f.operation != operation) continue;
    if (f.match && !f.match(request)) continue;
    if (f.times > 0) --f.times;
    ++faults_hit_;
    fault = &f;
    break;
  }
  if (fault != nullptr && fault->action == FaultAction::kDrop) return Dropped();
  if (fault != nullptr && fault->action == FaultAction::kFail) {
    return Error(fault->status, fault->code, "injected by the test", Key(request));
  }
  Response response = Apply(operation, request);
  if (fault != nullptr) return Dropped();  // kLoseAnswer: applied, never answered
  return response;
}

FakeS3::Response FakeS3::Apply(const std::string& operation, const Request& r) {
  std::string path = r.Path();
  size_t slash = path.find('/', 1);
  if (path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1) !=
      options_.bucket) {
    return Error(404, "NoSuchBucket", "The specified bucket does not exist");
  }
  const std::string sha = r.Header("x-amz-content-sha256");
  if (!sha.empty() && sha != "UNSIGNED-PAYLOAD" && sha != sigv4::Sha256Hex(r.body)) {
    return Error(400, "XAmzContentSHA256Mismatch",
                 "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const std::string key = Key(r);
  if (operation == "PutObject") return PutObject(key, r);
  if (operation == "GetObject") return GetObject(key, false, r);
  if (operation == "HeadObject") return GetObject(key, true, r);
  if (operation == "DeleteObject") {
    objects_.erase(key);
    return Response{204, {}, ""};
  }
  if (operation == "ListObjectsV2") return ListObjects(r);
  if (operation == "CreateMultipartUpload") return CreateUpload(key);
  if (operation == "UploadPart") return UploadPart(key, r);
  if (operation == "CompleteMultipartUpload") return CompleteUpload(key, r);
  if (operation == "AbortMultipartUpload") return AbortUpload(key, r);
  if (operation == "ListMultipartUploads") return ListUploads(r);
  return Error(501, "NotImplemented", "FakeS3 does not implement " + r.method + " " + r.target);
}

FakeS3::Response FakeS3::PutObject(const std::string& key, const Request& r) {
  const std::string if_none_match = r.Header("if-none-match");
  if (!if_none_match.empty() && if_none_match != "*") {
    return Error(501, "NotImplemented", "If-None-Match other than * is not implemented");
  }
  if (if_none_match == "*" && options_.honor_if_none_match && objects_.count(key)) {
    return Error(412, "PreconditionFailed",
                 "At least one of the pre-conditions you specified did not hold", key);
  }
  StoredObject& o = objects_[key];
  o = StoredObject{r.body, Md5ETag(r.body), r.Header("content-type")};
  return Response{200, {{"ETag", o.etag}}, ""};
}

FakeS3::Response FakeS3::GetObject(const std::string& key, bool head, const Request& r) {
  auto it = objects_.find(key);
  if (it == objects_.end()) {
    if (head) return Response{404, {}, ""};  // HEAD answers carry no body
    return Error(404, "NoSuchKey", "The specified key does not exist.", key);
  }
  const StoredObject& o = it->second;
  Response resp{200, {{"ETag", o.etag}, {"Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT"}}, ""};
  if (!o.content_type.empty()) resp.headers.emplace_back("Content-Type", o.content_type);
  if (head) {
    resp.headers.emplace_back("Content-Length", std::to_string(o.data.size()));
    return resp;
  }
  resp.body = o.data;
  // Range: bytes=first-[last], the one form binlake sends; any other form is ignored (200).
  const std::string range = r.Header("range");
  const size_t dash = range.find('-');
  std::optional<size_t> first, last;
  if (options_.honor_range && range.rfind("bytes=", 0) == 0 && dash != std::string::npos) {
    first = ParseSize(range.substr(6, dash - 6));
    last = dash + 1 == range.size() ? std::numeric_limits<size_t>::max()
                                    : ParseSize(range.substr(dash + 1));
  }
  if (!first || !last || *last < *first) return resp;
  if (*first >= o.data.size()) {
    return Error(416, "InvalidRange", "The requested range is not satisfiable", key);
  }
  *last = std::min(*last, o.data.size() - 1);
  resp.status = 206;
  resp.body = o.data.substr(*first, *last - *first + 1);
  resp.headers.emplace_back("Content-Range", "bytes " + std::to_string(*first) + "-" +
                                                 std::to_string(*last) + "/" +
                                                 std::to_string(o.data.size()));
  return resp;
}

FakeS3::Response FakeS3::ListObjects(const Request& r) {
  if (r.HasQuery("delimiter")) return Error(501, "NotImplemented", "delimiter");
  const std::string prefix = r.Query("prefix");
  const bool url = r.Query("encoding-type") == "url";
  if (r.HasQuery("encoding-type") && !url) {
    return Error(400, "InvalidArgument", "Invalid Encoding Method specified in Request");
  }
  size_t max_keys = 1000;
  if (r.HasQuery("max-keys")) {
    std::optional<size_t> v = ParseSize(r.Query("max-keys"));
    if (!v) return Error(400, "InvalidArgument", "Provided max-keys is not an integer");
    max_keys = std::min<size_t>(*v, 1000);
  }
  max_keys = std::min(max_keys, options_.max_page);
  std::string after = r.Query("start-after");
  if (r.HasQuery("continuation-token")) {
    std::optional<std::string> k = KeyOfToken(r.Query("continuation-token"));
    if (!k) return Error(400, "InvalidArgument", "The continuation token provided is incorrect");
    after = std::max(after, *k);
  }
  auto enc = [url](const std::string& s) { return url ? UrlEncode(s) : s; };
  std::string contents, last;
  size_t n = 0;
  bool truncated = false;
  for (auto it = objects_.upper_bound(after); it != objects_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) {
      if (it->first > prefix) break;
      continue;
    }
    if (n == max_keys) {
      truncated = true;
      break;
    }
    contents += "<Contents>" + El("Key", enc(it->first)) + El("LastModified", kIsoTime) +
                El("ETag", it->second.etag) + El("Size", std::to_string(it->second.data.size())) +
                El("StorageClass", "STANDARD") + "</Contents>";
    last = it->first;
    ++n;
  }
  std::string inner = El("Name", options_.bucket) + El("Prefix", enc(prefix));
  if (r.HasQuery("continuation-token")) {
    inner += El("ContinuationToken", r.Query("continuation-token"));
  }
  inner += El("KeyCount", std::to_string(n)) + El("MaxKeys", std::to_string(max_keys));
  if (url) inner += El("EncodingType", "url");
  inner += El("IsTruncated", truncated ? "true" : "false");
  if (truncated) inner += El("NextContinuationToken", TokenFor(last));
  return Xml(200, "ListBucketResult", inner + contents);
}

FakeS3::Response FakeS3::CreateUpload(const std::string& key) {
  char id[48];
  std::snprintf(id, sizeof(id), "fake-upload-%08d", ++next_upload_);
  uploads_[id] = Upload{key, kIsoTime, {}};
  return Xml(200, "InitiateMultipartUploadResult",
             El("Bucket", options_.bucket) + El("Key", key) + El("UploadId", id));
}

FakeS3::Response FakeS3::UploadPart(const std::string& key, const Request& r) {
  auto it = uploads_.find(r.Query("uploadId"));
  if (it == uploads_.end() || it->second.key != key) return NoSuchUpload(key);
  std::optional<size_t> number = ParseSize(r.Query("partNumber"));
  if (!number || *number < 1 || *number > 10000) {
    return Error(400, "InvalidArgument", "Part number must be an integer between 1 and 10000");
  }
  Part& part = it->second.parts[static_cast<int>(*number)];
  part = Part{r.body, Md5ETag(r.body)};
  return Response{200, {{"ETag", part.etag}}, ""};
}

FakeS3::Response FakeS3::CompleteUpload(const std::string& key, const Request& r) {
  const std::string id = r.Query("uploadId");
  if (auto done = completed_.find(id); done != completed_.end() && done->second.key == key) {
    if (options_.repeat_complete == RepeatComplete::kNoSuchUpload) return NoSuchUpload(key);
    return Xml(200, "CompleteMultipartUploadResult",
               El("Location", "http://fake/" + options_.bucket + "/" + key) +
                   El("Bucket", options_.bucket) + El("Key", key) + El("ETag", done->second.etag));
  }
  auto it = uploads_.find(id);
  if (it == uploads_.end() || it->second.key != key) return NoSuchUpload(key);
  const std::string if_none_match = r.Header("if-none-match");
  if (!if_none_match.empty() && if_none_match != "*") {
    return Error(501, "NotImplemented", "If-None-Match other than * is not implemented");
  }
  pugi::xml_document doc;
  if (!doc.load_buffer(r.body.data(), r.body.size()) ||
      std::string_view(doc.document_element().name()) != "CompleteMultipartUpload") {
    return Error(400, "MalformedXML", "The XML you provided was not well-formed");
  }
  std::vector<std::string> datas;
  int previous = 0;
  for (pugi::xml_node p : doc.document_element().children("Part")) {
    const int number = p.child("PartNumber").text().as_int();
    if (number <= previous) {
      return Error(400, "InvalidPartOrder", "The list of parts was not in ascending order.");
    }
    previous = number;
    auto part = it->second.parts.find(number);
    if (part == it->second.parts.end() ||
        Unquote(part->second.etag) != Unquote(p.child("ETag").text().get())) {
      return Error(400, "InvalidPart", "One or more of the specified parts could not be found.");
    }
    datas.push_back(part->second.data);
  }
  if (datas.empty()) return Error(400, "MalformedXML", "no parts");
  for (size_t i = 0; i + 1 < datas.size(); ++i) {
    if (datas[i].size() < options_.min_part_size) {
      return Error(400, "EntityTooSmall",
                   "Your proposed upload is smaller than the minimum allowed size");
    }
  }
  if (if_none_match == "*" && options_.honor_if_none_match && objects_.count(key)) {
    return Error(412, "PreconditionFailed",
                 "At least one of the pre-conditions you specified did not hold", key);
  }
  std::string data;
  for (const std::string& d : datas) data += d;
  const std::string etag = MultipartETag(datas);
  objects_[key] = StoredObject{std::move(data), etag, ""};
  uploads_.erase(it);
  completed_[id] = Completed{key, etag};
  return Xml(200, "CompleteMultipartUploadResult",
             El("Location", "http://fake/" + options_.bucket + "/" + key) +
                 El("Bucket", options_.bucket) + El("Key", key) + El("ETag", etag));
}

FakeS3::Response FakeS3::AbortUpload(const std::string& key, const Request& r) {
  auto it = uploads_.find(r.Query("uploadId"));
  if (it == uploads_.end() || it->second.key != key) return NoSuchUpload(key);
  uploads_.erase(it);
  return Response{204, {}, ""};
}

FakeS3::Response FakeS3::ListUploads(const Request& r) {
  if (r.HasQuery("delimiter")) return Error(501, "NotImplemented", "delimiter");
  const std::string prefix = r.Query("prefix");
  const bool url = r.Query("encoding-type") == "url";
  const std::string key_marker = r.Query("key-marker");
  const std::string id_marker = r.Query("upload-id-marker");
  auto enc = [url](const std::string& s) { return url ? UrlEncode(s) : s; };
  // S3 lists uploads by key, then by initiation time (our ids grow with it).
  std::vector<std::pair<std::string, std::string>> all;  // key, id
  for (const auto& [id, u] : uploads_) all.emplace_back(u.key, id);
  std::sort(all.begin(), all.end());
  std::string body, next_key, next_id;
  size_t n = 0;
  bool truncated = false;
  for (const auto& [key, id] : all) {
    if (key.compare(0, prefix.size(), prefix) != 0) continue;
    if (!key_marker.empty() &&
        (key < key_marker || (key == key_marker && (id_marker.empty() || id <= id_marker)))) {
      continue;
    }
    if (n == options_.max_page) {
      truncated = true;
      break;
    }
    body += "<Upload>" + El("Key", enc(key)) + El("UploadId", id) + El("StorageClass", "STANDARD") +
            El("Initiated", uploads_[id].initiated) + "</Upload>";
    next_key = key;
    next_id = id;
    ++n;
  }
  std::string inner = El("Bucket", options_.bucket) + El("KeyMarker", enc(key_marker)) +
                      El("UploadIdMarker", id_marker) + El("Prefix", enc(prefix));
  if (truncated) inner += El("NextKeyMarker", enc(next_key)) + El("NextUploadIdMarker", next_id);
  if (url) inner += El("EncodingType", "url");
  inner += El("MaxUploads", std::to_string(options_.max_page)) +
           El("IsTruncated", truncated ? "true" : "false");
  return Xml(200, "ListMultipartUploadsResult", inner + body);
}

}  // namespace binlake::testing
