#include "lake/change_store.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <queue>

#include "common/spill_file.h"

namespace binlake {
namespace {

constexpr size_t kBlockBytes = 4u << 20;
constexpr size_t kRunBuffer = 256u << 10;
// A spilled record: u32 key length, u32 row length, u64 seq, u8 op, key, row.
constexpr size_t kRecordHeader = 4 + 4 + 8 + 1;

uint64_t PrefixOf(std::string_view key) {
  uint64_t p = 0;
  const size_t n = std::min<size_t>(8, key.size());
  for (size_t i = 0; i < 8; ++i) {
    p = (p << 8) | (i < n ? static_cast<unsigned char>(key[i]) : 0);
  }
  return p;
}

int CompareKeyBytes(const char* a, uint32_t na, const char* b, uint32_t nb) {
  const int c = std::memcmp(a, b, std::min(na, nb));
  if (c != 0) return c;
  return na < nb ? -1 : (na > nb ? 1 : 0);
}

bool EntryLess(const ChangeStore::Entry& a, const ChangeStore::Entry& b) {
  if (a.prefix != b.prefix) return a.prefix < b.prefix;
  if (a.key_len > 8 || b.key_len > 8 || a.key_len != b.key_len) {
    const int c = CompareKeyBytes(a.data, a.key_len, b.data, b.key_len);
    if (c != 0) return c < 0;
  }
  return a.seq < b.seq;
}

bool SameKey(const ChangeStore::Entry& a, const ChangeStore::Entry& b) {
  return a.prefix == b.prefix && a.key_len == b.key_len &&
         (a.key_len <= 8 || std::memcmp(a.data, b.data, a.key_len) == 0);
}

// The in-memory cursor: the sorted entries, grouped by key.
class MemoryCursor : public ChangeCursor {
 public:
  explicit MemoryCursor(std::vector<ChangeStore::Entry> entries) : entries_(std::move(entries)) {}
  Result<bool> Next() override {
    if (next_ >= entries_.size()) return false;
    const ChangeStore::Entry& first = entries_[next_];
    key_ = std::string_view(first.data, first.key_len);
    changes_.clear();
    while (next_ < entries_.size() && SameKey(entries_[next_], first)) {
      const ChangeStore::Entry& e = entries_[next_++];
      changes_.push_back({e.op, std::string_view(e.data + e.key_len, e.row_len)});
    }
    return true;
  }
  std::string_view key() const override { return key_; }
  const std::vector<Change>& changes() const override { return changes_; }

 protected:
  std::vector<ChangeStore::Entry> entries_;
  size_t next_ = 0;
  std::string_view key_;
  std::vector<Change> changes_;
};

}  // namespace

// A sorted run in a spill file, read back through a buffer.
struct ChangeStore::Run {
  int fd = -1;
  int tier = 0;         // 0: spilled from memory; n + 1: merged from kMergeWidth runs of tier n
  uint64_t size = 0;    // bytes in the file
  uint64_t offset = 0;  // file offset of buffer_[0]
  std::string buffer;
  size_t at = 0;  // current record in buffer
  // The current record.
  ChangeStore::Entry entry{};
  bool valid = false;

  ~Run() {
    if (fd >= 0) ::close(fd);
  }
  // Makes buffer hold [at, at + need) of the file from the current record on.
  Status Ensure(size_t need) {
    if (at + need <= buffer.size()) return Status::Ok();
    buffer.erase(0, at);
    offset += at;
    at = 0;
    const uint64_t target = std::max<uint64_t>(need, kRunBuffer);
    const uint64_t have = buffer.size();
    const uint64_t left = size - (offset + have);
    const size_t more =
        static_cast<size_t>(std::min<uint64_t>(target - std::min(target, have), left));
    if (more == 0) return Status::Ok();
    buffer.resize(have + more);
    return ReadSpill(fd, offset + have, more, buffer.data() + have);
  }
  // Loads the record at `at` into `entry`; valid=false at the end.
  Status Load() {
    if (offset + at >= size) {
      valid = false;
      return Status::Ok();
    }
    RETURN_IF_ERROR(Ensure(kRecordHeader));
    if (at + kRecordHeader > buffer.size()) return Corruption("a spill file is cut short");
    uint32_t key_len = 0, row_len = 0;
    std::memcpy(&key_len, buffer.data() + at, 4);
    std::memcpy(&row_len, buffer.data() + at + 4, 4);
    RETURN_IF_ERROR(Ensure(kRecordHeader + key_len + row_len));
    if (at + kRecordHeader + key_len + row_len > buffer.size()) {
      return Corruption("a spill file is cut short");
    }
    const char* p = buffer.data() + at;
    std::memcpy(&entry.seq, p + 8, 8);
    entry.op = p[16];
    entry.key_len = key_len;
    entry.row_len = row_len;
    entry.data = p + kRecordHeader;
    entry.prefix = PrefixOf(std::string_view(entry.data, key_len));
    valid = true;
    return Status::Ok();
  }
  Status Advance() {
    at += kRecordHeader + entry.key_len + entry.row_len;
    return Load();
  }
};

namespace {

// Merges the runs (each sorted) and the in-memory entries (sorted) by key, then add order.
class MergingCursor : public ChangeCursor {
 public:
  MergingCursor(std::vector<std::unique_ptr<ChangeStore::Run>> runs,
                std::vector<ChangeStore::Entry> memory)
      : runs_(std::move(runs)), memory_(std::move(memory)) {}

  Status Start() {
    for (auto& r : runs_) RETURN_IF_ERROR(r->Load());
    return Status::Ok();
  }

  Result<bool> Next() override {
    // The smallest current entry among the runs and the memory.
    const ChangeStore::Entry* best = nullptr;
    for (auto& r : runs_) {
      if (r->valid && (!best || EntryLess(r->entry, *best))) best = &r->entry;
    }
    if (next_ < memory_.size() && (!best || EntryLess(memory_[next_], *best))) {
      best = &memory_[next_];
    }
    if (!best) return false;
    key_.assign(best->data, best->key_len);
    ChangeStore::Entry probe = *best;
    probe.data = key_.data();
    // Every entry of that key, in add order: repeatedly take the smallest equal one.
    rows_.clear();
    ops_.clear();
    offsets_.clear();
    while (true) {
      ChangeStore::Entry* pick = nullptr;
      ChangeStore::Run* pick_run = nullptr;
      for (auto& r : runs_) {
        if (r->valid && SameKey(r->entry, probe) && (!pick || r->entry.seq < pick->seq)) {
          pick = &r->entry;
          pick_run = r.get();
        }
      }
      if (next_ < memory_.size() && SameKey(memory_[next_], probe) &&
          (!pick || memory_[next_].seq < pick->seq)) {
        pick = &memory_[next_];
        pick_run = nullptr;
      }
      if (!pick) break;
      offsets_.push_back(rows_.size());
      rows_.append(pick->data + pick->key_len, pick->row_len);
      ops_.push_back(pick->op);
      if (pick_run) {
        RETURN_IF_ERROR(pick_run->Advance());
      } else {
        ++next_;
      }
    }
    changes_.clear();
    for (size_t i = 0; i < ops_.size(); ++i) {
      const size_t end = i + 1 < offsets_.size() ? offsets_[i + 1] : rows_.size();
      changes_.push_back({ops_[i], std::string_view(rows_).substr(offsets_[i], end - offsets_[i])});
    }
    return true;
  }
  std::string_view key() const override { return key_; }
  const std::vector<Change>& changes() const override { return changes_; }

 private:
  std::vector<std::unique_ptr<ChangeStore::Run>> runs_;
  std::vector<ChangeStore::Entry> memory_;
  size_t next_ = 0;
  std::string key_;
  std::string rows_;
  std::vector<char> ops_;
  std::vector<size_t> offsets_;
  std::vector<Change> changes_;
};

}  // namespace

ChangeStore::ChangeStore(Options options) : options_(std::move(options)) {}
ChangeStore::~ChangeStore() = default;

char* ChangeStore::Allocate(size_t bytes) {
  if (blocks_.empty() || block_used_ + bytes > block_size_) {
    // Blocks of a sixteenth of the budget (4 KiB to 4 MiB), so small budgets spill in time.
    const size_t block = static_cast<size_t>(
        std::clamp<uint64_t>(options_.memory_bytes / 16, 4u << 10, kBlockBytes));
    block_size_ = std::max(block, bytes);
    blocks_.push_back(std::unique_ptr<char[]>(new char[block_size_]));  // not zeroed
    block_bytes_ += block_size_;
    block_used_ = 0;
  }
  char* p = blocks_.back().get() + block_used_;
  block_used_ += bytes;
  return p;
}

uint64_t ChangeStore::MemoryUsed() const {
  return block_bytes_ + entries_.capacity() * sizeof(Entry);
}

Status ChangeStore::Add(char op, std::string_view key, std::string_view row) {
  if (key.size() > UINT32_MAX || row.size() > UINT32_MAX) {
    return InvalidArgument("a row over 4 GiB");
  }
  if (!entries_.empty() && MemoryUsed() + key.size() + row.size() > options_.memory_bytes) {
    RETURN_IF_ERROR(Spill());
  }
  char* p = Allocate(key.size() + row.size());
  std::memcpy(p, key.data(), key.size());
  std::memcpy(p + key.size(), row.data(), row.size());
  entries_.push_back({PrefixOf(key), seq_++, p, static_cast<uint32_t>(key.size()),
                      static_cast<uint32_t>(row.size()), op});
  ++count_;
  return Status::Ok();
}

void ChangeStore::Clear() {
  entries_ = {};
  blocks_.clear();
  block_bytes_ = 0;
  block_size_ = 0;
  block_used_ = 0;
  runs_.clear();
  count_ = 0;
}

void ChangeStore::SortEntries() { std::sort(entries_.begin(), entries_.end(), EntryLess); }

namespace {

// Writes records to a new run file through a buffer.
class RunWriter {
 public:
  Status Open(const std::string& spill_dir, std::unique_ptr<ChangeStore::Run>* run) {
    *run = std::make_unique<ChangeStore::Run>();
    run_ = run->get();
    ASSIGN_OR_RETURN(run_->fd, CreateSpillFile(spill_dir));
    buffer_.reserve(kRunBuffer + 64);
    return Status::Ok();
  }
  Status Append(const ChangeStore::Entry& e) {
    char header[kRecordHeader];
    std::memcpy(header, &e.key_len, 4);
    std::memcpy(header + 4, &e.row_len, 4);
    std::memcpy(header + 8, &e.seq, 8);
    header[16] = e.op;
    buffer_.append(header, kRecordHeader);
    buffer_.append(e.data, e.key_len + e.row_len);
    return buffer_.size() >= kRunBuffer ? Flush() : Status::Ok();
  }
  Status Flush() {
    RETURN_IF_ERROR(WriteSpill(run_->fd, buffer_.data(), buffer_.size()));
    run_->size += buffer_.size();
    buffer_.clear();
    return Status::Ok();
  }

 private:
  ChangeStore::Run* run_ = nullptr;
  std::string buffer_;
};

}  // namespace

Status ChangeStore::Spill() {
  SortEntries();
  std::unique_ptr<Run> run;
  RunWriter writer;
  RETURN_IF_ERROR(writer.Open(options_.spill_dir, &run));
  for (const Entry& e : entries_) RETURN_IF_ERROR(writer.Append(e));
  RETURN_IF_ERROR(writer.Flush());
  runs_.push_back(std::move(run));
  ++runs_spilled_;
  entries_ = {};
  blocks_.clear();
  block_bytes_ = 0;
  block_size_ = 0;
  block_used_ = 0;
  return MergeTiers();
}

Status ChangeStore::MergeTiers() {
  while (runs_.size() >= kMergeWidth) {
    const size_t first = runs_.size() - kMergeWidth;
    const int tier = runs_[first]->tier;
    for (size_t i = first; i < runs_.size(); ++i) {
      if (runs_[i]->tier != tier) return Status::Ok();
    }
    // The runs hold consecutive adds (a run's changes all came after the previous run's): their
    // merge by key, then add order, is one run of the next tier.
    std::unique_ptr<Run> merged;
    RunWriter writer;
    RETURN_IF_ERROR(writer.Open(options_.spill_dir, &merged));
    merged->tier = tier + 1;
    for (size_t i = first; i < runs_.size(); ++i) RETURN_IF_ERROR(runs_[i]->Load());
    while (true) {
      Run* best = nullptr;
      for (size_t i = first; i < runs_.size(); ++i) {
        Run* r = runs_[i].get();
        if (r->valid && (!best || EntryLess(r->entry, best->entry))) best = r;
      }
      if (!best) break;
      RETURN_IF_ERROR(writer.Append(best->entry));
      RETURN_IF_ERROR(best->Advance());
    }
    RETURN_IF_ERROR(writer.Flush());
    runs_.resize(first);  // closes (and so frees) the merged runs' files
    runs_.push_back(std::move(merged));
  }
  return Status::Ok();
}

Result<std::unique_ptr<ChangeCursor>> ChangeStore::Finish() {
  SortEntries();
  if (runs_.empty()) return std::unique_ptr<ChangeCursor>(new MemoryCursor(std::move(entries_)));
  auto cursor = std::make_unique<MergingCursor>(std::move(runs_), std::move(entries_));
  RETURN_IF_ERROR(cursor->Start());
  return std::unique_ptr<ChangeCursor>(std::move(cursor));
}

}  // namespace binlake
