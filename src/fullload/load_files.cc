#include "fullload/load_files.h"

#include <spdlog/spdlog.h>

#include <map>

namespace binlake {
namespace {

constexpr int kCreateRounds = 3;

}  // namespace

bool IsLoadFileName(std::string_view rest) {
  return rest.rfind("LOAD", 0) == 0 && rest.find('/') == std::string_view::npos;
}

Status ClearEarlierLoadFiles(ObjectStore& store, const std::string& prefix) {
  ASSIGN_OR_RETURN(std::vector<UncommittedObject> uploads, store.ListUncommitted(prefix));
  for (const UncommittedObject& u : uploads) {
    if (u.key.size() < prefix.size() ||
        !IsLoadFileName(std::string_view(u.key).substr(prefix.size()))) {
      continue;
    }
    RETURN_IF_ERROR(store.DiscardUncommitted(u));
  }
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, store.List(prefix));
  for (const ObjectInfo& o : objects) {
    if (IsLoadFileName(std::string_view(o.key).substr(prefix.size()))) {
      RETURN_IF_ERROR(store.Delete(o.key));
    }
  }
  return Status::Ok();
}

Status CheckLoadFiles(ObjectStore& store, const std::string& prefix,
                      const std::vector<OutputFile>& written) {
  std::map<std::string, uint64_t> expected;
  for (const OutputFile& f : written) expected[f.key] = f.bytes;
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, store.List(prefix));
  for (const ObjectInfo& o : objects) {
    if (!IsLoadFileName(std::string_view(o.key).substr(prefix.size()))) continue;
    auto it = expected.find(o.key);
    if (it == expected.end()) {
      spdlog::warn(
          "{}/{} is not a file of this full load (a late write of an earlier, interrupted run?): "
          "deleting it",
          store.Describe(), o.key);
      RETURN_IF_ERROR(store.Delete(o.key));
      continue;
    }
    if (o.size != it->second) {
      return PreconditionFailed(
          store.Describe() + "/" + o.key + " holds " + std::to_string(o.size) + " bytes, not the " +
          std::to_string(it->second) +
          " this full load wrote: something else wrote it meanwhile (a late request "
          "of an earlier, interrupted run?); run the full load again");
    }
    expected.erase(it);
  }
  if (!expected.empty()) {
    return PreconditionFailed(
        store.Describe() + "/" + expected.begin()->first +
        " is missing after this full load wrote it: something deleted it meanwhile "
        "(a late request of an earlier, interrupted run?); run the full load again");
  }
  return Status::Ok();
}

Status CreateReplacing(ObjectStore& store, const std::string& key, std::string_view data) {
  PutOptions create;
  create.if_none_match = true;
  create.content_type = "application/json";
  Status last;
  for (int round = 0; round < kCreateRounds; ++round) {
    RETURN_IF_ERROR(store.Delete(key));
    last = store.Put(key, data, create);
    if (last.code() != StatusCode::kAlreadyExists) return last;
    spdlog::info(
        "{}/{} was created by another writer between its delete and its create (a late "
        "request of an earlier, interrupted run?): replacing it again",
        store.Describe(), key);
  }
  return last.WithContext("replacing " + key);
}

}  // namespace binlake
