#include "store/s3_xml.h"

#include <charconv>
#include <pugixml.hpp>

#include "common/ascii.h"

namespace binlake::s3 {
namespace {

// Element name without a namespace prefix ("s3:Key" -> "Key").
std::string_view LocalName(const pugi::xml_node& node) {
  std::string_view name = node.name();
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node Child(const pugi::xml_node& parent, std::string_view name) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && LocalName(c) == name) return c;
  }
  return {};
}

std::string Text(const pugi::xml_node& parent, std::string_view name) {
  pugi::xml_node c = Child(parent, name);
  return c ? std::string(c.text().get()) : std::string();
}

Status Malformed(std::string_view what, std::string_view detail) {
  return Corruption("malformed S3 " + std::string(what) + " response: " + std::string(detail));
}

Result<pugi::xml_node> Load(pugi::xml_document& doc, std::string_view body, std::string_view what) {
  if (body.empty()) return Malformed(what, "empty body");
  pugi::xml_parse_result r =
      doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!r) {
    return Malformed(what, std::string("not XML (") + r.description() + " at byte " +
                               std::to_string(r.offset) + ")");
  }
  pugi::xml_node root = doc.document_element();
  if (!root) return Malformed(what, "no root element");
  return root;
}

Result<uint64_t> ParseUint(const std::string& s, std::string_view what, std::string_view field) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
    return Malformed(what, std::string(field) + " is not a number");
  }
  return v;
}

// One line, bounded: server text goes into user-facing messages.
std::string OneLine(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (out.size() >= 300) {
      out += "...";
      break;
    }
    unsigned char u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
  }
  return out;
}

// Element text: '<', '&' and '>' escaped; quotes may stay.
std::string XmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace

Result<std::string> UrlDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto hex = AsciiHexDigit;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%') {
      if (i + 2 >= s.size() || hex(s[i + 1]) < 0 || hex(s[i + 2]) < 0) {
        return Corruption("malformed S3 listing: bad percent-encoding in '" + OneLine(s) + "'");
      }
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

Result<S3Error> ParseError(std::string_view body) {
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, Load(doc, body, "error"));
  pugi::xml_node error = root;
  if (LocalName(root) == "ErrorResponse") error = Child(root, "Error");
  if (!error || LocalName(error) != "Error") {
    return Malformed("error", "root element is <" + OneLine(root.name()) + ">, not <Error>");
  }
  S3Error e;
  e.code = OneLine(Text(error, "Code"));
  e.message = OneLine(Text(error, "Message"));
  e.request_id = OneLine(Text(error, "RequestId"));
  if (e.request_id.empty()) e.request_id = OneLine(Text(root, "RequestId"));
  e.bucket_name = OneLine(Text(error, "BucketName"));
  e.region = OneLine(Text(error, "Region"));
  if (e.code.empty()) return Malformed("error", "<Error> without <Code>");
  return e;
}

Result<ListResult> ParseListObjectsV2(std::string_view body) {
  constexpr std::string_view kWhat = "ListObjectsV2";
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, Load(doc, body, kWhat));
  if (LocalName(root) != "ListBucketResult") {
    return Malformed(kWhat, "root element is <" + OneLine(root.name()) + ">");
  }
  ListResult out;
  out.name = Text(root, "Name");
  out.encoding_type = Text(root, "EncodingType");
  const bool url = out.encoding_type == "url";
  auto decode = [url](std::string s) -> Result<std::string> {
    if (!url) return s;
    return UrlDecode(s);
  };
  ASSIGN_OR_RETURN(out.prefix, decode(Text(root, "Prefix")));
  std::string truncated = Text(root, "IsTruncated");
  if (truncated == "true") {
    out.is_truncated = true;
  } else if (!truncated.empty() && truncated != "false") {
    return Malformed(kWhat, "IsTruncated is '" + OneLine(truncated) + "'");
  }
  out.next_continuation_token = Text(root, "NextContinuationToken");
  if (Child(root, "KeyCount")) {
    ASSIGN_OR_RETURN(out.key_count, ParseUint(Text(root, "KeyCount"), kWhat, "KeyCount"));
  }
  for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    if (LocalName(c) == "Contents") {
      ListEntry e;
      if (!Child(c, "Key")) return Malformed(kWhat, "<Contents> without <Key>");
      ASSIGN_OR_RETURN(e.key, decode(Text(c, "Key")));
      ASSIGN_OR_RETURN(e.size, ParseUint(Text(c, "Size"), kWhat, "Size"));
      e.etag = Text(c, "ETag");
      e.last_modified = Text(c, "LastModified");
      out.contents.push_back(std::move(e));
    } else if (LocalName(c) == "CommonPrefixes") {
      ASSIGN_OR_RETURN(std::string p, decode(Text(c, "Prefix")));
      out.common_prefixes.push_back(std::move(p));
    }
  }
  if (out.key_count && *out.key_count != out.contents.size() + out.common_prefixes.size()) {
    return Malformed(kWhat, "KeyCount " + std::to_string(*out.key_count) + " but " +
                                std::to_string(out.contents.size() + out.common_prefixes.size()) +
                                " keys and prefixes");
  }
  if (out.is_truncated && out.next_continuation_token.empty()) {
    return Malformed(kWhat, "truncated listing without NextContinuationToken");
  }
  return out;
}

Result<std::string> ParseInitiateMultipartUpload(std::string_view body) {
  constexpr std::string_view kWhat = "CreateMultipartUpload";
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, Load(doc, body, kWhat));
  if (LocalName(root) != "InitiateMultipartUploadResult") {
    return Malformed(kWhat, "root element is <" + OneLine(root.name()) + ">");
  }
  std::string id = Text(root, "UploadId");
  if (id.empty()) return Malformed(kWhat, "no UploadId");
  return id;
}

Result<CompleteResult> ParseCompleteMultipartUpload(std::string_view body) {
  constexpr std::string_view kWhat = "CompleteMultipartUpload";
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, Load(doc, body, kWhat));
  if (LocalName(root) == "Error") {
    ASSIGN_OR_RETURN(S3Error e, ParseError(body));
    return Internal("CompleteMultipartUpload failed after S3 answered 200: " + e.code +
                    (e.message.empty() ? "" : ": " + e.message));
  }
  if (LocalName(root) != "CompleteMultipartUploadResult") {
    return Malformed(kWhat, "root element is <" + OneLine(root.name()) + ">");
  }
  CompleteResult r;
  r.location = Text(root, "Location");
  r.bucket = Text(root, "Bucket");
  r.key = Text(root, "Key");
  r.etag = Text(root, "ETag");
  return r;
}

Result<ListUploadsResult> ParseListMultipartUploads(std::string_view body) {
  constexpr std::string_view kWhat = "ListMultipartUploads";
  pugi::xml_document doc;
  ASSIGN_OR_RETURN(pugi::xml_node root, Load(doc, body, kWhat));
  if (LocalName(root) != "ListMultipartUploadsResult") {
    return Malformed(kWhat, "root element is <" + OneLine(root.name()) + ">");
  }
  ListUploadsResult out;
  const bool url = Text(root, "EncodingType") == "url";
  auto decode = [url](std::string s) -> Result<std::string> {
    if (!url) return s;
    return UrlDecode(s);
  };
  std::string truncated = Text(root, "IsTruncated");
  if (truncated == "true") {
    out.is_truncated = true;
  } else if (!truncated.empty() && truncated != "false") {
    return Malformed(kWhat, "IsTruncated is '" + OneLine(truncated) + "'");
  }
  ASSIGN_OR_RETURN(out.next_key_marker, decode(Text(root, "NextKeyMarker")));
  out.next_upload_id_marker = Text(root, "NextUploadIdMarker");
  for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element || LocalName(c) != "Upload") continue;
    MultipartUpload u;
    if (!Child(c, "Key")) return Malformed(kWhat, "<Upload> without <Key>");
    ASSIGN_OR_RETURN(u.key, decode(Text(c, "Key")));
    u.upload_id = Text(c, "UploadId");
    if (u.upload_id.empty()) return Malformed(kWhat, "<Upload> without <UploadId>");
    u.initiated = Text(c, "Initiated");
    out.uploads.push_back(std::move(u));
  }
  if (out.is_truncated && out.next_key_marker.empty() && out.next_upload_id_marker.empty()) {
    return Malformed(kWhat, "truncated listing without NextKeyMarker");
  }
  return out;
}

std::string BuildCompleteMultipartUpload(const std::vector<CompletedPart>& parts) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (const CompletedPart& p : parts) {
    out += "<Part><ETag>" + XmlEscape(p.etag) + "</ETag><PartNumber>" +
           std::to_string(p.part_number) + "</PartNumber></Part>";
  }
  out += "</CompleteMultipartUpload>";
  return out;
}

std::string BuildTagging(const std::vector<std::pair<std::string, std::string>>& tags) {
  std::string out = "<Tagging><TagSet>";
  for (const auto& [key, value] : tags) {
    out += "<Tag><Key>" + XmlEscape(key) + "</Key><Value>" + XmlEscape(value) + "</Value></Tag>";
  }
  out += "</TagSet></Tagging>";
  return out;
}

}  // namespace binlake::s3
