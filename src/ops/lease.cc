#include "ops/lease.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace binlake::ops {
namespace {

using json = nlohmann::json;

constexpr std::string_view kTermPrefix = "term-";
constexpr std::string_view kTermSuffix = ".json";
constexpr std::string_view kHeartbeatSuffix = ".heartbeat.json";

std::string TermName(uint64_t term) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%020llu", static_cast<unsigned long long>(term));
  return std::string(kTermPrefix) + digits;
}

std::string TermKey(const std::string& folder, uint64_t term) {
  return LeasePrefix(folder) + TermName(term) + std::string(kTermSuffix);
}

std::string HeartbeatKey(const std::string& folder, uint64_t term) {
  return LeasePrefix(folder) + TermName(term) + std::string(kHeartbeatSuffix);
}

// The term of a lease object's key, and whether it is a heartbeat; nullopt for other keys.
std::optional<std::pair<uint64_t, bool>> ParseLeaseKey(std::string_view key) {
  const size_t slash = key.rfind('/');
  std::string_view name = slash == std::string_view::npos ? key : key.substr(slash + 1);
  if (name.substr(0, kTermPrefix.size()) != kTermPrefix) return std::nullopt;
  name.remove_prefix(kTermPrefix.size());
  if (name.size() < 20) return std::nullopt;
  uint64_t term = 0;
  for (char c : name.substr(0, 20)) {
    if (c < '0' || c > '9') return std::nullopt;
    term = term * 10 + static_cast<uint64_t>(c - '0');
  }
  const std::string_view rest = name.substr(20);
  if (rest == kTermSuffix) return std::make_pair(term, false);
  if (rest == kHeartbeatSuffix) return std::make_pair(term, true);
  return std::nullopt;
}

Result<json> ParseObject(const std::string& text, const std::string& where) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Corruption(where + ": not a lease object (a JSON object)");
  return j;
}

template <typename T>
Status Field(const json& j, const char* name, const std::string& where, T* out) {
  auto it = j.find(name);
  if (it == j.end()) return Corruption(where + ": the lease object has no '" + name + "'");
  try {
    *out = it->get<T>();
  } catch (const json::exception&) {
    return Corruption(where + ": the lease object's '" + name + "' has the wrong type");
  }
  return Status::Ok();
}

}  // namespace

std::string LeasePrefix(const std::string& bucket_folder) {
  return (bucket_folder.empty() ? "" : bucket_folder + "/") + "_binlake/lease/";
}

Result<uint64_t> NewestLeaseTerm(ObjectStore& store, const std::string& bucket_folder) {
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> listed, store.List(LeasePrefix(bucket_folder)));
  uint64_t newest = 0;
  for (const ObjectInfo& o : listed) {
    auto parsed = ParseLeaseKey(o.key);
    if (parsed && !parsed->second) newest = std::max(newest, parsed->first);
  }
  return newest;
}

Result<LeaseState> ReadLease(ObjectStore& store, const std::string& bucket_folder) {
  ASSIGN_OR_RETURN(const uint64_t newest, NewestLeaseTerm(store, bucket_folder));
  LeaseState state;
  if (newest == 0) return state;
  const std::string term_key = TermKey(bucket_folder, newest);
  const std::string where = store.Describe() + "/" + term_key;
  ASSIGN_OR_RETURN(std::string text, store.Get(term_key));
  ASSIGN_OR_RETURN(json j, ParseObject(text, where));
  LeaseTerm t;
  RETURN_IF_ERROR(Field(j, "term", where, &t.term));
  RETURN_IF_ERROR(Field(j, "holder", where, &t.holder));
  RETURN_IF_ERROR(Field(j, "acquired_at", where, &t.acquired_at));
  RETURN_IF_ERROR(Field(j, "lease_seconds", where, &t.lease_seconds));
  if (t.term != newest) {
    return Corruption(where + " says it is term " + std::to_string(t.term));
  }
  state.newest = std::move(t);

  const std::string beat_key = HeartbeatKey(bucket_folder, newest);
  Result<std::string> beat = store.Get(beat_key);
  if (!beat.ok()) {
    if (beat.status().code() == StatusCode::kNotFound) return state;
    return beat.status();
  }
  const std::string beat_where = store.Describe() + "/" + beat_key;
  ASSIGN_OR_RETURN(json b, ParseObject(*beat, beat_where));
  LeaseHeartbeat h;
  RETURN_IF_ERROR(Field(b, "term", beat_where, &h.term));
  RETURN_IF_ERROR(Field(b, "holder", beat_where, &h.holder));
  RETURN_IF_ERROR(Field(b, "renewed_at", beat_where, &h.renewed_at));
  RETURN_IF_ERROR(Field(b, "renewals", beat_where, &h.renewals));
  RETURN_IF_ERROR(Field(b, "released", beat_where, &h.released));
  state.heartbeat = std::move(h);
  state.heartbeat_bytes = std::move(beat).value();
  return state;
}

Result<bool> CreateLeaseTerm(ObjectStore& store, const std::string& bucket_folder,
                             const LeaseTerm& term) {
  json j = {{"term", term.term},
            {"holder", term.holder},
            {"acquired_at", term.acquired_at},
            {"lease_seconds", term.lease_seconds}};
  PutOptions options;
  options.if_none_match = true;
  options.content_type = "application/json";
  const std::string key = TermKey(bucket_folder, term.term);
  const std::string bytes = j.dump() + "\n";
  Status s = store.Put(key, bytes, options);
  if (s.ok()) return true;
  if (s.code() != StatusCode::kAlreadyExists) return s;
  // Ours after all when a retried create found the first attempt's object.
  Result<std::string> existing = store.Get(key);
  return existing.ok() && *existing == bytes;
}

Status WriteLeaseHeartbeat(ObjectStore& store, const std::string& bucket_folder,
                           const LeaseHeartbeat& beat) {
  json j = {{"term", beat.term},
            {"holder", beat.holder},
            {"renewed_at", beat.renewed_at},
            {"renewals", beat.renewals},
            {"released", beat.released}};
  PutOptions options;
  options.content_type = "application/json";
  return store.Put(HeartbeatKey(bucket_folder, beat.term), j.dump() + "\n", options);
}

Status DeleteLeaseTermsBelow(ObjectStore& store, const std::string& bucket_folder, uint64_t below) {
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> listed, store.List(LeasePrefix(bucket_folder)));
  for (const ObjectInfo& o : listed) {
    auto parsed = ParseLeaseKey(o.key);
    if (parsed && parsed->first < below) RETURN_IF_ERROR(store.Delete(o.key));
  }
  return Status::Ok();
}

}  // namespace binlake::ops
