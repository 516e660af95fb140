// Fuzzes ParseRenderedText (common/parse_rendered_text.h) on field text of a target's CSV files,
// which come from a store and are untrusted: every text must parse or fail with a one-line
// kCorruption, and a text that parses must be exactly what render_text writes for the parsed
// Value (JSON: render_text canonicalizes, so there the rendering must be a fixed point).
// The first byte picks the column type (low 7 bits, an index into kTypes below; scripts/fuzz.sh
// writes seeds by the same index) and the binary encoding (top bit: base64); the rest is the text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/parse_rendered_text.h"
#include "common/render_text.h"

namespace {

using binlake::ColumnType;
using binlake::SqlType;

ColumnType Make(SqlType st, bool is_unsigned = false, int precision = 0, int scale = 0, int fsp = 0,
                uint32_t length = 0) {
  ColumnType t;
  t.type = st;
  t.is_unsigned = is_unsigned;
  t.precision = static_cast<uint8_t>(precision);
  t.scale = static_cast<uint8_t>(scale);
  t.fsp = static_cast<uint8_t>(fsp);
  t.length = length;
  return t;
}

std::vector<ColumnType> Types() {
  std::vector<ColumnType> t = {
      Make(SqlType::kTinyInt),                    // 0
      Make(SqlType::kTinyInt, true),              // 1
      Make(SqlType::kSmallInt),                   // 2
      Make(SqlType::kMediumInt, true),            // 3
      Make(SqlType::kInt),                        // 4
      Make(SqlType::kInt, true),                  // 5
      Make(SqlType::kBigInt),                     // 6
      Make(SqlType::kBigInt, true),               // 7
      Make(SqlType::kYear),                       // 8
      Make(SqlType::kDecimal, false, 5, 2),       // 9
      Make(SqlType::kDecimal, false, 65, 30),     // 10
      Make(SqlType::kDecimal, false, 38, 0),      // 11
      Make(SqlType::kDecimal),                    // 12 precision unknown
      Make(SqlType::kFloat),                      // 13
      Make(SqlType::kDouble),                     // 14
      Make(SqlType::kBit, false, 0, 0, 0, 3),     // 15
      Make(SqlType::kBit, false, 0, 0, 0, 64),    // 16
      Make(SqlType::kDate),                       // 17
      Make(SqlType::kTime),                       // 18
      Make(SqlType::kTime, false, 0, 0, 6),       // 19
      Make(SqlType::kDateTime),                   // 20
      Make(SqlType::kDateTime, false, 0, 0, 3),   // 21
      Make(SqlType::kTimestamp, false, 0, 0, 6),  // 22
      Make(SqlType::kVarChar),                    // 23
      Make(SqlType::kVarChar),                    // 24 binary collation (below)
      Make(SqlType::kEnum),                       // 25
      Make(SqlType::kSet),                        // 26
      Make(SqlType::kBlob),                       // 27
      Make(SqlType::kGeometry),                   // 28
      Make(SqlType::kVector, false, 0, 0, 0, 3),  // 29
      Make(SqlType::kJson),                       // 30
  };
  t[24].collation_id = binlake::kBinaryCollationId;
  t[25].elements = {"a", "b", "c d"};
  t[26].elements = {"x", "y", "z"};
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<ColumnType> kTypes = Types();
  if (size < 1) return 0;
  const ColumnType& type = kTypes[(data[0] & 0x7f) % kTypes.size()];
  binlake::RenderOptions options;
  options.binary_encoding =
      (data[0] & 0x80) ? binlake::BinaryEncoding::kBase64 : binlake::BinaryEncoding::kHex;
  // A copy, so reads past the text are caught (libFuzzer's buffer is exactly `size` bytes).
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

  binlake::Value value;
  std::string scratch;
  binlake::Status st = binlake::ParseRenderedText(type, text, options, &value, &scratch);
  if (!st.ok()) {
    if (st.code() != binlake::StatusCode::kCorruption) std::abort();
    if (st.message().find('\n') != std::string::npos) std::abort();  // one line
    if (st.message().size() > 400) std::abort();                     // a short excerpt
    return 0;
  }
  std::string rendered;
  binlake::AppendValueText(value, type, options, &rendered);
  if (type.type != SqlType::kJson) {
    if (rendered != text) std::abort();  // strict: only render_text's own text parses
    return 0;
  }
  binlake::Value again;
  std::string scratch2;
  if (!binlake::ParseRenderedText(type, rendered, options, &again, &scratch2).ok()) std::abort();
  std::string twice;
  binlake::AppendValueText(again, type, options, &twice);
  if (twice != rendered) std::abort();
  return 0;
}
