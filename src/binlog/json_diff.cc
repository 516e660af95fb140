#include "binlog/json_diff.h"

#include <nlohmann/json.hpp>
#include <vector>

#include "binlog/json_binary.h"

namespace binlake::binlog {
namespace {

using Json = nlohmann::ordered_json;

struct Leg {
  bool member = false;
  std::string key;
  bool from_last = false;  // [last] / [last-N]
  uint64_t index = 0;      // N
};

Status BadPath(std::string_view path) {
  return Corruption("invalid JSON path in partial update: " + std::string(path));
}

Result<std::vector<Leg>> ParsePath(std::string_view path) {
  std::vector<Leg> legs;
  size_t i = 0;
  auto skip_ws = [&] {
    while (i < path.size() && (path[i] == ' ' || path[i] == '\t')) ++i;
  };
  skip_ws();
  if (i >= path.size() || path[i] != '$') return BadPath(path);
  ++i;
  while (true) {
    skip_ws();
    if (i >= path.size()) break;
    Leg leg;
    if (path[i] == '.') {
      ++i;
      skip_ws();
      leg.member = true;
      if (i < path.size() && path[i] == '"') {
        size_t start = i++;
        while (i < path.size() && path[i] != '"') i += path[i] == '\\' ? 2 : 1;
        if (i >= path.size()) return BadPath(path);
        ++i;
        auto s = Json::parse(path.substr(start, i - start), nullptr, false);
        if (!s.is_string()) return BadPath(path);
        leg.key = s.get<std::string>();
      } else {
        size_t start = i;
        while (i < path.size() && path[i] != '.' && path[i] != '[' && path[i] != ' ') ++i;
        if (i == start) return BadPath(path);
        leg.key = std::string(path.substr(start, i - start));
        if (leg.key == "*") return BadPath(path);
      }
    } else if (path[i] == '[') {
      ++i;
      skip_ws();
      if (path.substr(i, 4) == "last") {
        leg.from_last = true;
        i += 4;
        skip_ws();
        if (i < path.size() && path[i] == '-') {
          ++i;
          skip_ws();
        } else {
          leg.index = 0;
          skip_ws();
          if (i >= path.size() || path[i] != ']') return BadPath(path);
          ++i;
          legs.push_back(leg);
          continue;
        }
      }
      size_t start = i;
      while (i < path.size() && path[i] >= '0' && path[i] <= '9') {
        leg.index = leg.index * 10 + static_cast<uint64_t>(path[i] - '0');
        if (leg.index > (1ULL << 40)) return BadPath(path);
        ++i;
      }
      if (i == start) return BadPath(path);
      skip_ws();
      if (i >= path.size() || path[i] != ']') return BadPath(path);
      ++i;
    } else {
      return BadPath(path);
    }
    legs.push_back(std::move(leg));
  }
  return legs;
}

// Index of `leg` in an array of `size` elements; may be >= size (out of bounds).
uint64_t ArrayIndex(const Leg& leg, size_t size) {
  if (!leg.from_last) return leg.index;
  if (size == 0 || leg.index > size - 1) return UINT64_MAX;
  return size - 1 - leg.index;
}

// Follows `legs` exactly (no auto-wrapping); nullptr if a leg does not match.
Json* Seek(Json* doc, const std::vector<Leg>& legs, size_t count) {
  for (size_t k = 0; k < count; ++k) {
    const Leg& leg = legs[k];
    if (leg.member) {
      if (!doc->is_object()) return nullptr;
      auto it = doc->find(leg.key);
      if (it == doc->end()) return nullptr;
      doc = &*it;
    } else {
      if (!doc->is_array()) return nullptr;
      uint64_t idx = ArrayIndex(leg, doc->size());
      if (idx >= doc->size()) return nullptr;
      doc = &(*doc)[idx];
    }
  }
  return doc;
}

// MySQL's binary JSON key order: shorter keys first, then bytewise.
bool KeyLess(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

void InsertMember(Json* object, const std::string& key, Json value) {
  Json result = Json::object();
  bool placed = false;
  for (auto& [k, v] : object->items()) {
    if (!placed && KeyLess(key, k)) {
      result[key] = std::move(value);
      placed = true;
    }
    result[k] = std::move(v);
  }
  if (!placed) result[key] = std::move(value);
  *object = std::move(result);
}

Status Rejected(std::string_view op, std::string_view path) {
  return Corruption("partial JSON " + std::string(op) + " does not apply at " + std::string(path));
}

}  // namespace

Status ApplyJsonDiffVector(std::string_view before_json, ByteView diffs, std::string* out) {
  Json doc = Json::parse(before_json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Corruption("before-image JSON does not parse");
  ByteReader r(diffs);
  std::string value_text;
  while (!r.empty()) {
    uint8_t op = 0;
    uint64_t path_len = 0;
    std::string_view path;
    RETURN_IF_ERROR(r.ReadU8(&op, "JSON diff operation"));
    if (op > 2) return r.Error("unknown JSON diff operation " + std::to_string(op));
    RETURN_IF_ERROR(r.ReadPackedInt(&path_len, "JSON diff path length"));
    RETURN_IF_ERROR(r.ReadString(path_len, &path, "JSON diff path"));
    ASSIGN_OR_RETURN(std::vector<Leg> legs, ParsePath(path));
    if (legs.empty()) return Rejected("diff", path);  // the root is never diffed
    Json value;
    if (op != 2) {
      uint64_t value_len = 0;
      ByteView binary;
      RETURN_IF_ERROR(r.ReadPackedInt(&value_len, "JSON diff value length"));
      RETURN_IF_ERROR(r.ReadBytes(value_len, &binary, "JSON diff value"));
      value_text.clear();
      RETURN_IF_ERROR(AppendJsonFromBinary(binary, &value_text));
      value = Json::parse(value_text, nullptr, false);
      if (value.is_discarded()) return Corruption("JSON diff value does not parse");
    }
    const Leg& last = legs.back();
    if (op == 0) {  // REPLACE
      Json* target = Seek(&doc, legs, legs.size());
      if (target == nullptr) return Rejected("REPLACE", path);
      *target = std::move(value);
      continue;
    }
    Json* parent = Seek(&doc, legs, legs.size() - 1);
    if (parent == nullptr) return Rejected(op == 1 ? "INSERT" : "REMOVE", path);
    if (op == 1) {  // INSERT
      if (parent->is_object() && last.member) {
        if (parent->contains(last.key)) return Rejected("INSERT", path);
        InsertMember(parent, last.key, std::move(value));
      } else if (parent->is_array() && !last.member) {
        uint64_t idx = ArrayIndex(last, parent->size());
        if (idx > parent->size()) idx = parent->size();
        parent->insert(parent->begin() + static_cast<std::ptrdiff_t>(idx), std::move(value));
      } else {
        return Rejected("INSERT", path);
      }
    } else {  // REMOVE
      if (parent->is_object() && last.member) {
        if (parent->erase(last.key) == 0) return Rejected("REMOVE", path);
      } else if (parent->is_array() && !last.member) {
        uint64_t idx = ArrayIndex(last, parent->size());
        if (idx >= parent->size()) return Rejected("REMOVE", path);
        parent->erase(static_cast<size_t>(idx));
      } else {
        return Rejected("REMOVE", path);
      }
    }
  }
  out->append(doc.dump(-1, ' ', false, Json::error_handler_t::replace));
  return Status::Ok();
}

}  // namespace binlake::binlog
