// An in-memory ObjectStore, for unit tests of the stages that write to a store (real stores are
// tested in src/store against a directory and radosgw).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "store/object_store.h"

namespace binlake {

class MemoryObjectStore : public ObjectStore {
 public:
  class Writer : public ObjectWriter {
   public:
    Writer(MemoryObjectStore* store, std::string key, bool create_only)
        : store_(store), key_(std::move(key)), create_only_(create_only) {}
    Status Write(std::string_view data) override {
      data_.append(data);
      return Status::Ok();
    }
    Status Close() override {
      std::lock_guard<std::mutex> lock(store_->mu_);
      if (create_only_ && store_->objects_.count(key_)) {
        return AlreadyExists(key_ + " already exists");
      }
      store_->objects_[key_] = data_;
      store_->prepared_.erase(token_);
      return Status::Ok();
    }
    Result<std::string> Prepare() override {
      std::lock_guard<std::mutex> lock(store_->mu_);
      token_ = "prepared-" + std::to_string(++store_->next_token_);
      store_->prepared_[token_] = Prepared{key_, data_};
      return token_;
    }
    // Discards what was prepared (a writer destroyed without Close or Abort leaves it).
    void Abort() override {
      std::lock_guard<std::mutex> lock(store_->mu_);
      store_->prepared_.erase(token_);
    }
    uint64_t bytes_written() const override { return data_.size(); }

   private:
    MemoryObjectStore* store_;
    std::string key_;
    std::string data_;
    std::string token_;
    bool create_only_;
  };

  Status Put(std::string_view key, std::string_view data, const PutOptions& options) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (options.if_none_match && objects_.count(std::string(key))) {
      return AlreadyExists(std::string(key) + " already exists");
    }
    objects_[std::string(key)] = std::string(data);
    return Status::Ok();
  }
  Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view key,
                                                  const PutOptions& options) override {
    return std::unique_ptr<ObjectWriter>(new Writer(this, std::string(key), options.if_none_match));
  }
  Result<std::string> Get(std::string_view key) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(std::string(key));
    if (it == objects_.end()) return NotFound(std::string(key));
    return it->second;
  }
  Result<std::string> GetRange(std::string_view key, uint64_t offset, uint64_t length) override {
    if (length == 0) return std::string();
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(std::string(key));
    if (it == objects_.end()) return NotFound(std::string(key));
    if (offset >= it->second.size()) return std::string();
    return it->second.substr(static_cast<size_t>(offset), static_cast<size_t>(length));
  }
  Result<std::optional<ObjectInfo>> Head(std::string_view key) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(std::string(key));
    if (it == objects_.end()) return std::optional<ObjectInfo>();
    return std::optional<ObjectInfo>(ObjectInfo{it->first, it->second.size(), ""});
  }
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<ObjectInfo> out;
    for (auto& [k, v] : objects_) {
      if (k.rfind(prefix, 0) == 0) out.push_back(ObjectInfo{k, v.size(), ""});
    }
    return out;
  }
  Status Delete(std::string_view key) override {
    std::lock_guard<std::mutex> lock(mu_);
    objects_.erase(std::string(key));
    return Status::Ok();
  }
  Status PublishPrepared(std::string_view key, std::string_view token) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = prepared_.find(std::string(token));
    if (it == prepared_.end()) {
      return objects_.count(std::string(key)) ? Status::Ok() : NotFound("no prepared object");
    }
    objects_[std::string(key)] = it->second.data;
    prepared_.erase(it);
    return Status::Ok();
  }
  Result<std::vector<UncommittedObject>> ListUncommitted(std::string_view prefix) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<UncommittedObject> out;
    for (const auto& [token, p] : prepared_) {
      if (p.key.rfind(prefix, 0) == 0) out.push_back(UncommittedObject{p.key, token});
    }
    return out;
  }
  Status DiscardUncommitted(const UncommittedObject& object) override {
    std::lock_guard<std::mutex> lock(mu_);
    prepared_.erase(object.id);
    return Status::Ok();
  }
  Status CheckAccess() override { return Status::Ok(); }
  size_t prepared_count() {
    std::lock_guard<std::mutex> lock(mu_);
    return prepared_.size();
  }
  std::string Describe() const override { return "memory://"; }

  std::map<std::string, std::string> objects() {
    std::lock_guard<std::mutex> lock(mu_);
    return objects_;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::string> objects_;
  struct Prepared {
    std::string key;
    std::string data;
  };
  std::map<std::string, Prepared> prepared_;  // by token
  int next_token_ = 0;
};

}  // namespace binlake
