#include "config/target_layout.h"

namespace binlake {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

void AppendEscaped(unsigned char c, std::string* out) {
  out->push_back('%');
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 0xF]);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // lowercase is never produced, so it is not accepted either
}

}  // namespace

std::string EncodeNameSegment(std::string_view name, bool is_schema) {
  std::string out;
  out.reserve(name.size());
  if (is_schema && name == "_binlake") {
    AppendEscaped('_', &out);
    out.append(name.substr(1));
    return out;
  }
  for (size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c == '%' || c == '/' || c < 0x20 || c == 0x7F || (i == 0 && c == '.')) {
      AppendEscaped(c, &out);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::optional<std::string> DecodeNameSegment(std::string_view segment) {
  std::string out;
  out.reserve(segment.size());
  for (size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] != '%') {
      out.push_back(segment[i]);
      continue;
    }
    if (i + 2 >= segment.size()) return std::nullopt;
    const int hi = HexValue(segment[i + 1]);
    const int lo = HexValue(segment[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::string BucketPrefix(std::string_view bucket_folder) {
  return bucket_folder.empty() ? std::string() : std::string(bucket_folder) + "/";
}

std::string TableFolder(std::string_view bucket_folder, std::string_view schema,
                        std::string_view table) {
  return BucketPrefix(bucket_folder) + EncodeNameSegment(schema, /*is_schema=*/true) + "/" +
         EncodeNameSegment(table) + "/";
}

std::string StateFolder(std::string_view bucket_folder) {
  return BucketPrefix(bucket_folder) + "_binlake/";
}

std::string FullLoadStateKey(std::string_view bucket_folder) {
  return StateFolder(bucket_folder) + "full_load.json";
}

std::string CdcStateFolder(std::string_view bucket_folder) {
  return StateFolder(bucket_folder) + "cdc/";
}

std::string CdcCheckpointPrefix(std::string_view bucket_folder) {
  return CdcStateFolder(bucket_folder) + "checkpoint-";
}

std::string SchemaHistoryFolder(std::string_view bucket_folder, std::string_view schema,
                                std::string_view table) {
  return StateFolder(bucket_folder) + "schema/" + EncodeNameSegment(schema) + "/" +
         EncodeNameSegment(table) + "/";
}

}  // namespace binlake
