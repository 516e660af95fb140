#include "cdc/commit_log.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <tuple>

#include "config/target_layout.h"

namespace binlake {
namespace {

constexpr std::string_view kSegmentPrefix = "commits-";
constexpr std::string_view kSegmentSuffix = ".jsonl";

}  // namespace

std::string CommitLogFolder(std::string_view bucket_folder) {
  return CdcStateFolder(bucket_folder) + "log/";
}

std::string CommitLogSegmentKey(std::string_view bucket_folder, uint64_t first, uint64_t last) {
  return fmt::format("{}{}{:020}-{:020}{}", CommitLogFolder(bucket_folder), kSegmentPrefix, first,
                     last, kSegmentSuffix);
}

std::string CommitLogLine(const CdcCheckpoint& checkpoint) {
  CdcCheckpoint c = checkpoint;
  c.tables.clear();
  for (CdcFile& f : c.files) f.token.clear();
  // The serializer writes indented JSON; the log keeps one object per line.
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(SerializeCdcCheckpoint(c));
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

namespace {

// "commits-<20 digits>-<20 digits>.jsonl" -> (first, last).
std::optional<std::pair<uint64_t, uint64_t>> SegmentRange(std::string_view name) {
  constexpr size_t kDigits = 20;
  if (name.size() != kSegmentPrefix.size() + kDigits + 1 + kDigits + kSegmentSuffix.size() ||
      name.substr(0, kSegmentPrefix.size()) != kSegmentPrefix ||
      name.substr(name.size() - kSegmentSuffix.size()) != kSegmentSuffix ||
      name[kSegmentPrefix.size() + kDigits] != '-') {
    return std::nullopt;
  }
  auto number = [&](size_t at) -> std::optional<uint64_t> {
    uint64_t v = 0;
    for (size_t i = at; i < at + kDigits; ++i) {
      if (name[i] < '0' || name[i] > '9') return std::nullopt;
      if (v > (UINT64_MAX - 9) / 10) return std::nullopt;
      v = v * 10 + static_cast<uint64_t>(name[i] - '0');
    }
    return v;
  };
  auto first = number(kSegmentPrefix.size());
  auto last = number(kSegmentPrefix.size() + kDigits + 1);
  if (!first || !last || *first > *last) return std::nullopt;
  return std::make_pair(*first, *last);
}

// Parses a segment's lines into `out` (by sequence; an existing entry is kept).
Status ParseSegment(const ObjectStore& store, const std::string& key, std::string_view text,
                    std::map<uint64_t, CdcCheckpoint>* out) {
  size_t pos = 0;
  int line_number = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    ++line_number;
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    Result<CdcCheckpoint> c = ParseCdcCheckpoint(line);
    if (!c.ok()) {
      return Corruption(store.Describe() + "/" + key + " line " + std::to_string(line_number) +
                        ": " + c.status().message());
    }
    out->emplace(c->sequence, std::move(c).value());
  }
  return Status::Ok();
}

}  // namespace

Result<CommitLogIndex> ListCommitLog(ObjectStore& store, std::string_view bucket_folder) {
  CommitLogIndex index;
  const std::string log_folder = CommitLogFolder(bucket_folder);
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> segments, store.List(log_folder));
  for (const ObjectInfo& o : segments) {
    auto range = SegmentRange(std::string_view(o.key).substr(log_folder.size()));
    if (range) index.segments.push_back({o.key, range->first, range->second});
  }
  std::sort(index.segments.begin(), index.segments.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first, a.last) < std::tie(b.first, b.last);
  });
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> checkpoints,
                   store.List(CdcCheckpointPrefix(bucket_folder)));
  for (const ObjectInfo& o : checkpoints) {
    std::optional<uint64_t> seq = CdcCheckpointSequence(o.key);
    if (seq && o.key == CdcCheckpointKey(std::string(bucket_folder), *seq)) {
      index.checkpoints.push_back(*seq);
    }
  }
  std::sort(index.checkpoints.begin(), index.checkpoints.end());
  // Ranges covered, merged from the newest down.
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (const auto& s : index.segments) ranges.emplace_back(s.first, s.last);
  for (uint64_t c : index.checkpoints) ranges.emplace_back(c, c);
  if (ranges.empty()) return index;
  std::sort(ranges.begin(), ranges.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  index.newest = ranges.front().second;
  index.contiguous_from = ranges.front().first;
  for (const auto& [first, last] : ranges) {
    if (last + 1 < index.contiguous_from) break;  // a gap
    index.contiguous_from = std::min(index.contiguous_from, first);
  }
  return index;
}

Result<CdcCheckpoint> ReadCommit(ObjectStore& store, std::string_view bucket_folder,
                                 const CommitLogIndex& index, uint64_t sequence) {
  const std::string folder(bucket_folder);
  if (std::binary_search(index.checkpoints.begin(), index.checkpoints.end(), sequence)) {
    const std::string key = CdcCheckpointKey(folder, sequence);
    Result<std::string> text = store.Get(key);
    if (text.ok()) {
      Result<CdcCheckpoint> c = ParseCdcCheckpoint(*text);
      if (!c.ok()) return Corruption(store.Describe() + "/" + key + ": " + c.status().message());
      return c;
    }
    // Folded since the listing: look in the segments (which may be newer than the index).
    if (text.status().code() != StatusCode::kNotFound) return text.status();
  }
  for (const auto& s : index.segments) {
    if (sequence < s.first || sequence > s.last) continue;
    ASSIGN_OR_RETURN(std::string text, store.Get(s.key));
    std::map<uint64_t, CdcCheckpoint> lines;
    RETURN_IF_ERROR(ParseSegment(store, s.key, text, &lines));
    auto it = lines.find(sequence);
    if (it != lines.end()) return std::move(it->second);
  }
  return NotFound("CDC commit " + std::to_string(sequence) + " is not in the commit log of " +
                  store.Describe());
}

Result<CommitHistory> ReadCommitHistory(ObjectStore& store, std::string_view bucket_folder) {
  ASSIGN_OR_RETURN(CommitLogIndex index, ListCommitLog(store, bucket_folder));
  std::map<uint64_t, CdcCheckpoint> by_sequence;
  for (const auto& s : index.segments) {
    ASSIGN_OR_RETURN(std::string text, store.Get(s.key));
    RETURN_IF_ERROR(ParseSegment(store, s.key, text, &by_sequence));
  }
  const std::string folder(bucket_folder);
  for (uint64_t seq : index.checkpoints) {
    const std::string key = CdcCheckpointKey(folder, seq);
    Result<std::string> text = store.Get(key);
    // Folded between the listing and now: its line is in a segment written meanwhile.
    if (text.status().code() == StatusCode::kNotFound && by_sequence.count(seq)) continue;
    if (text.status().code() == StatusCode::kNotFound) {
      ASSIGN_OR_RETURN(CommitLogIndex again, ListCommitLog(store, bucket_folder));
      ASSIGN_OR_RETURN(CdcCheckpoint c, ReadCommit(store, bucket_folder, again, seq));
      by_sequence[seq] = std::move(c);
      continue;
    }
    RETURN_IF_ERROR(text.status());
    Result<CdcCheckpoint> c = ParseCdcCheckpoint(*text);
    if (!c.ok()) return Corruption(store.Describe() + "/" + key + ": " + c.status().message());
    by_sequence[seq] = std::move(c).value();  // the object has tokens and statistics
  }
  CommitHistory history;
  for (auto& [seq, c] : by_sequence) history.commits.push_back(std::move(c));
  history.contiguous_from = index.contiguous_from;
  return history;
}

Status FoldCheckpoints(ObjectStore& store, std::string_view bucket_folder,
                       const std::vector<uint64_t>& sequences,
                       const std::map<uint64_t, std::string>& known) {
  if (sequences.empty()) return Status::Ok();
  const std::string folder(bucket_folder);
  std::string segment;
  for (uint64_t seq : sequences) {
    std::string text;
    auto it = known.find(seq);
    if (it != known.end()) {
      text = it->second;
    } else {
      ASSIGN_OR_RETURN(text, store.Get(CdcCheckpointKey(folder, seq)));
    }
    Result<CdcCheckpoint> c = ParseCdcCheckpoint(text);
    if (!c.ok()) {
      return Corruption(store.Describe() + "/" + CdcCheckpointKey(folder, seq) + ": " +
                        c.status().message());
    }
    segment += CommitLogLine(*c);
  }
  PutOptions create;
  create.if_none_match = true;
  create.content_type = "application/x-ndjson";
  Status put = store.Put(CommitLogSegmentKey(bucket_folder, sequences.front(), sequences.back()),
                         segment, create);
  if (!put.ok() && put.code() != StatusCode::kAlreadyExists) return put;
  for (uint64_t seq : sequences) RETURN_IF_ERROR(store.Delete(CdcCheckpointKey(folder, seq)));
  return Status::Ok();
}

}  // namespace binlake
