// Fuzzes the binary JSON decoder and the partial-update (JSON diff) applier. The first byte
// splits the input into a document and a diff vector. Seeds: type-vectors/*.json jsonb vectors.
#include <cstddef>
#include <cstdint>
#include <string>

#include "binlog/json_binary.h"
#include "binlog/json_diff.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace binlake::binlog;  // NOLINT(build/namespaces)
  if (size < 1) return 0;
  size_t split = data[0] < size - 1 ? data[0] : size - 1;
  ByteView doc(data + 1, split);
  ByteView diff(data + 1 + split, size - 1 - split);
  std::string text;
  if (!AppendJsonFromBinary(doc, &text).ok()) text = "{\"a\":[1,2,{\"b\":null}],\"c\":\"x\"}";
  std::string after;
  (void)ApplyJsonDiffVector(text, diff, &after);
  text.clear();
  (void)AppendJsonFromBinary(ByteView(data + 1, size - 1), &text);
  return 0;
}
