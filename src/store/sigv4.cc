#include "store/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <map>

#include "common/ascii.h"

namespace binlake::sigv4 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Trims the value and turns every run of whitespace (including folded line breaks) into one
// space, as the canonical-headers step requires.
std::string TrimAll(std::string_view v) {
  std::string out;
  bool pending_space = false;
  for (char c : v) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

// RFC 3986 section 5.2.4 dot-segment removal, plus collapsing empty segments ("//").
std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(pos, end - pos);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    pos = end + 1;
  }
  std::string out = "/";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(segments[i]);
  }
  // A trailing slash survives ("/example/" stays a directory-like path).
  if (!segments.empty() && !path.empty() && path.back() == '/') out.push_back('/');
  return out;
}

bool HasHeader(const KeyValues& headers, std::string_view lower_name) {
  for (const auto& [name, value] : headers) {
    if (AsciiLower(name) == lower_name) return true;
  }
  return false;
}

struct Canonical {
  std::string headers;         // "name:value\n" lines
  std::string signed_headers;  // "a;b;c"
};

Canonical CanonicalHeaders(const KeyValues& headers) {
  // std::map sorts by lowercase name; values of repeated names keep their order.
  std::map<std::string, std::vector<std::string>> by_name;
  for (const auto& [name, value] : headers) by_name[AsciiLower(name)].push_back(TrimAll(value));
  Canonical c;
  for (const auto& [name, values] : by_name) {
    c.headers += name;
    c.headers += ':';
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) c.headers += ',';
      c.headers += values[i];
    }
    c.headers += '\n';
    if (!c.signed_headers.empty()) c.signed_headers += ';';
    c.signed_headers += name;
  }
  return c;
}

std::string CanonicalRequest(const Request& request, const KeyValues& query,
                             const Canonical& headers, const Options& options) {
  std::string path = request.path.empty() ? "/" : request.path;
  if (options.normalize_path) path = NormalizePath(path);
  std::string out;
  out.reserve(256 + headers.headers.size());
  out += request.method;
  out += '\n';
  out += UriEncodePath(path);
  out += '\n';
  out += CanonicalQueryString(query);
  out += '\n';
  out += headers.headers;
  out += '\n';
  out += headers.signed_headers;
  out += '\n';
  out += request.payload_hash;
  return out;
}

std::string Scope(const Options& options) {
  return options.amz_date.substr(0, 8) + "/" + options.region + "/" + options.service +
         "/aws4_request";
}

std::string StringToSign(const Options& options, const std::string& canonical_request) {
  std::string out(kAlgorithm);
  out += '\n';
  out += options.amz_date;
  out += '\n';
  out += Scope(options);
  out += '\n';
  out += Sha256Hex(canonical_request);
  return out;
}

std::string Signature(const Credentials& credentials, const Options& options,
                      const std::string& string_to_sign) {
  std::string key =
      HmacSha256("AWS4" + credentials.secret_access_key, options.amz_date.substr(0, 8));
  key = HmacSha256(key, options.region);
  key = HmacSha256(key, options.service);
  key = HmacSha256(key, "aws4_request");
  return HexEncode(HmacSha256(key, string_to_sign));
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xF]);
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

namespace {
std::string Encode(std::string_view s, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0xF]);
    }
  }
  return out;
}
}  // namespace

std::string UriEncode(std::string_view s) { return Encode(s, false); }
std::string UriEncodePath(std::string_view path) { return Encode(path, true); }

std::string CanonicalQueryString(const KeyValues& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) encoded.emplace_back(UriEncode(name), UriEncode(value));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

HeaderSignature SignHeaders(const Request& request, const Credentials& credentials,
                            const Options& options) {
  HeaderSignature result;
  KeyValues headers = request.headers;
  KeyValues added;
  if (!HasHeader(headers, "x-amz-date")) added.emplace_back("X-Amz-Date", options.amz_date);
  if (options.add_content_sha256_header && !HasHeader(headers, "x-amz-content-sha256")) {
    added.emplace_back("x-amz-content-sha256", request.payload_hash);
  }
  bool add_token =
      !credentials.session_token.empty() && !HasHeader(headers, "x-amz-security-token");
  if (add_token && options.sign_session_token) {
    added.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  headers.insert(headers.end(), added.begin(), added.end());

  Canonical canonical = CanonicalHeaders(headers);
  result.canonical_request = CanonicalRequest(request, request.query, canonical, options);
  result.string_to_sign = StringToSign(options, result.canonical_request);
  result.signature = Signature(credentials, options, result.string_to_sign);
  result.signed_headers = canonical.signed_headers;
  result.authorization = std::string(kAlgorithm) + " Credential=" + credentials.access_key_id +
                         "/" + Scope(options) + ", SignedHeaders=" + canonical.signed_headers +
                         ", Signature=" + result.signature;
  if (add_token && !options.sign_session_token) {
    added.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  added.emplace_back("Authorization", result.authorization);
  result.headers_to_add = std::move(added);
  return result;
}

QuerySignature SignQuery(const Request& request, const Credentials& credentials,
                         const Options& options, int expires_seconds) {
  QuerySignature result;
  Canonical canonical = CanonicalHeaders(request.headers);
  KeyValues added = {
      {"X-Amz-Algorithm", std::string(kAlgorithm)},
      {"X-Amz-Credential", credentials.access_key_id + "/" + Scope(options)},
      {"X-Amz-Date", options.amz_date},
      {"X-Amz-Expires", std::to_string(expires_seconds)},
      {"X-Amz-SignedHeaders", canonical.signed_headers},
  };
  bool add_token = !credentials.session_token.empty();
  if (add_token && options.sign_session_token) {
    added.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  KeyValues query = request.query;
  query.insert(query.end(), added.begin(), added.end());
  result.canonical_request = CanonicalRequest(request, query, canonical, options);
  result.string_to_sign = StringToSign(options, result.canonical_request);
  result.signature = Signature(credentials, options, result.string_to_sign);
  if (add_token && !options.sign_session_token) {
    added.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  added.emplace_back("X-Amz-Signature", result.signature);
  result.query_to_add = std::move(added);
  return result;
}

}  // namespace binlake::sigv4
