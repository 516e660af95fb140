#include "materialize/staged_parts.h"

#include <vector>

#include "materialize/work_pool.h"

namespace binlake {
namespace {

constexpr std::string_view kStagedSuffix = ".pending";

}  // namespace

std::string StagedPartKey(std::string_view part) {
  const size_t slash = part.rfind('/');
  const size_t name = slash == std::string_view::npos ? 0 : slash + 1;
  return std::string(part.substr(0, name)) + "." + std::string(part.substr(name)) +
         std::string(kStagedSuffix);
}

bool IsStagedPartKey(std::string_view key) {
  const size_t slash = key.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? key : key.substr(slash + 1);
  return name.starts_with(".part-") && name.ends_with(kStagedSuffix);
}

std::string StagedParts::Where(std::string_view key) {
  if (!is_part_(key)) return std::string(key);
  std::lock_guard<std::mutex> lock(mu_);
  return staged_.count(std::string(key)) ? StagedPartKey(key) : std::string(key);
}

Status StagedParts::Put(std::string_view key, std::string_view data, const PutOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> w, NewWriter(key, options));
  RETURN_IF_ERROR(w->Write(data));
  return w->Close();
}

Result<std::unique_ptr<ObjectWriter>> StagedParts::NewWriter(std::string_view key,
                                                             const PutOptions& options) {
  if (!is_part_(key)) return inner_.NewWriter(key, options);
  {
    std::lock_guard<std::mutex> lock(mu_);
    staged_.insert(std::string(key));
  }
  return inner_.NewWriter(StagedPartKey(key), options);
}

Result<std::optional<ObjectInfo>> StagedParts::Head(std::string_view key) {
  ASSIGN_OR_RETURN(std::optional<ObjectInfo> info, inner_.Head(Where(key)));
  if (info) info->key = std::string(key);
  return info;
}

Status StagedParts::Delete(std::string_view key) {
  if (!is_part_(key)) return inner_.Delete(key);
  bool staged = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    staged = staged_.erase(std::string(key)) > 0;
  }
  return inner_.Delete(staged ? StagedPartKey(key) : key);
}

Status StagedParts::Publish(size_t threads) {
  std::vector<std::string> parts;
  {
    std::lock_guard<std::mutex> lock(mu_);
    parts.assign(staged_.begin(), staged_.end());
  }
  return RunEach(parts.size(), threads, [&](size_t i) {
    RETURN_IF_ERROR(inner_.Rename(StagedPartKey(parts[i]), parts[i]));
    std::lock_guard<std::mutex> lock(mu_);
    staged_.erase(parts[i]);
    return Status::Ok();
  });
}

}  // namespace binlake
