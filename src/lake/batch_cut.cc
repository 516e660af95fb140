#include "lake/batch_cut.h"

#include <string>

namespace binlake {

Result<BatchCut> CutBatch(ObjectStore& store, const CdcCheckpoint& batch,
                          const TxnPredicate& take) {
  constexpr uint64_t kChunk = 4u << 20;
  const std::string name = store.Describe() + "/" + batch.txindex + " (the transaction index of " +
                           "checkpoint " + std::to_string(batch.sequence) + ")";
  auto bad = [&](const Status& s) { return Corruption(name + ": " + s.message()); };
  BatchCut cut;
  cut.rows.assign(batch.files.size(), 0);
  TxnIndexParser parser(batch);
  TxnIndexEntry entry;
  bool cutting = true;  // still in the prefix
  auto line = [&](std::string_view text) -> Status {
    Result<bool> parsed = parser.Line(text, &entry);
    if (!parsed.ok()) return bad(parsed.status());
    if (!*parsed) return Status::Ok();
    const bool accepted = take(entry);
    if (cutting && accepted) {
      ++cut.taken;
      for (const auto& [file, rows] : entry.rows) cut.rows[file] = rows;
      cut.last = entry;
    } else if (!accepted) {
      cutting = false;
    } else {
      cut.prefix = false;
    }
    return Status::Ok();
  };
  std::string buffer;
  uint64_t offset = 0;
  while (true) {
    Result<std::string> chunk = store.GetRange(batch.txindex, offset, kChunk);
    if (chunk.status().code() == StatusCode::kNotFound) {
      return Corruption(name + " is missing");
    }
    RETURN_IF_ERROR(chunk.status());
    offset += chunk->size();
    const bool last = chunk->size() < kChunk;
    buffer += *chunk;
    size_t start = 0;
    for (size_t nl; (nl = buffer.find('\n', start)) != std::string::npos; start = nl + 1) {
      RETURN_IF_ERROR(line(std::string_view(buffer).substr(start, nl - start)));
    }
    buffer.erase(0, start);
    if (last) break;
  }
  if (!buffer.empty()) return Corruption(name + ": its last line is cut short");
  if (Status s = parser.Finish(); !s.ok()) return bad(s);
  return cut;
}

}  // namespace binlake
