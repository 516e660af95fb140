// Column value decoders against the byte vectors in testdata/fixtures/type-vectors (DECIMAL,
// DATETIME2, TIME2, binary JSON) and small self-checks of charset and temporal helpers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "binlog/byte_reader.h"
#include "binlog/charset.h"
#include "binlog/decimal.h"
#include "binlog/json_binary.h"
#include "binlog/json_diff.h"
#include "binlog/temporal.h"
#include "binlog/test_util.h"
#include "common/render_text.h"

namespace binlake::binlog {
namespace {

using testing::FixturePath;
using testing::FromHex;
using Json = nlohmann::json;

Json Vectors(const std::string& file) {
  return Json::parse(testing::ReadFileOrDie(FixturePath("type-vectors/" + file)));
}

std::string Decimal(const std::vector<uint8_t>& bytes, int precision, int scale) {
  char buf[kMaxDecimalText];
  auto n = DecodeDecimal(bytes.data(), precision, scale, buf);
  if (!n.ok()) return "ERROR: " + n.status().message();
  return std::string(buf, *n);
}

TEST(DecimalTest, GoMysqlVectors) {
  Json v = Vectors("go-mysql-type-vectors.json");
  size_t checked = 0;
  for (const char* set : {"decimal_TestDecodeDecimal", "decimal_decimalData"}) {
    for (const auto& c : v[set]) {
      std::vector<uint8_t> bytes = FromHex(c["hex"].get<std::string>());
      int p = c["precision"], s = c["scale"];
      SCOPED_TRACE(c.dump());
      ASSERT_GE(bytes.size(), DecimalBinarySize(p, s));
      EXPECT_EQ(Decimal(bytes, p, s), c["expected"].get<std::string>());
      if (c.contains("bytes_consumed")) {
        EXPECT_EQ(DecimalBinarySize(p, s), c["bytes_consumed"].get<size_t>());
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 187u + 12u);
}

TEST(DecimalTest, MySqlCdcVectorsUpTo65Digits) {
  Json v = Vectors("mysqlcdc-type-vectors.json");
  ASSERT_EQ(v["decimal"].size(), 6u);
  for (const auto& c : v["decimal"]) {
    SCOPED_TRACE(c["test"].get<std::string>());
    EXPECT_EQ(Decimal(FromHex(c["hex"].get<std::string>()), c["precision"], c["scale"]),
              c["expected"].get<std::string>());
  }
}

TEST(DecimalTest, RejectsDigitGroupsOutOfRange) {
  // DECIMAL(10,0): one partial group of 1 digit (1 byte) and one full group (4 bytes);
  // 0x3b9aca00 = 10^9 is not a 9-digit group.
  std::vector<uint8_t> bytes = {0x80, 0x3b, 0x9a, 0xca, 0x00};
  EXPECT_EQ(Decimal(bytes, 10, 0).rfind("ERROR", 0), 0u);
  EXPECT_EQ(DecimalBinarySize(82, 0), 0u);
  EXPECT_EQ(DecimalBinarySize(10, 11), 0u);
}

TEST(TemporalTest, DateTime2Vectors) {
  Json v = Vectors("go-mysql-type-vectors.json");
  ASSERT_EQ(v["datetime2"].size(), 11u);
  for (const auto& c : v["datetime2"]) {
    SCOPED_TRACE(c.dump());
    std::vector<uint8_t> b = FromHex(c["hex"].get<std::string>());
    int fsp = c["fsp"];
    ASSERT_EQ(b.size(), 5 + FractionBytes(fsp));
    std::string text;
    AppendDateTime(DecodeDateTime2(b.data(), fsp), fsp, &text);
    EXPECT_EQ(text, c["expected"].get<std::string>());
  }
}

TEST(TemporalTest, Time2Vectors) {
  Json v = Vectors("go-mysql-type-vectors.json");
  ASSERT_EQ(v["time2"].size(), 15u);
  for (const auto& c : v["time2"]) {
    SCOPED_TRACE(c.dump());
    std::vector<uint8_t> b = FromHex(c["hex"].get<std::string>());
    int fsp = c["fsp"];
    ASSERT_EQ(b.size(), 3 + FractionBytes(fsp));
    std::string text;
    AppendTime(DecodeTime2(b.data(), fsp), fsp, &text);
    EXPECT_EQ(text, c["expected"].get<std::string>());
  }
}

TEST(TemporalTest, TimestampToUtc) {
  std::string s;
  AppendDateTime(TimestampToUtc(0, 0), 0, &s);
  EXPECT_EQ(s, "0000-00-00 00:00:00");  // MySQL's zero TIMESTAMP
  s.clear();
  AppendDateTime(TimestampToUtc(2147483647, 999999), 6, &s);
  EXPECT_EQ(s, "2038-01-19 03:14:07.999999");
  s.clear();
  AppendDateTime(TimestampToUtc(951782400, 0), 0, &s);  // leap day
  EXPECT_EQ(s, "2000-02-29 00:00:00");
}

// Binary JSON vectors. Where the source library's rendering differs from MySQL's own JSON text,
// the MySQL form is asserted (MySQL prints DECIMAL opaque values as numbers and DATETIME with
// six fractional digits; see json_binary.h).
TEST(JsonBinaryTest, MySqlCdcVectors) {
  Json v = Vectors("mysqlcdc-type-vectors.json");
  const std::map<std::string, std::string> mysql_form = {
      {"Test_OpaqueDecimal", "1234567890112233445566778899001112223334445556667778889.9900011112"},
      {"Test_OpaqueDateTime", "\"2015-01-15 23:24:25.000000\""},
  };
  size_t checked = 0;
  for (const auto& c : v["jsonb"]) {
    std::string name = c["test"];
    SCOPED_TRACE(name);
    std::string out;
    Status st = AppendJsonFromBinary(FromHex(c["hex"].get<std::string>()), &out);
    ASSERT_TRUE(st.ok()) << st.ToString();
    Json got = Json::parse(out, nullptr, false);
    ASSERT_FALSE(got.is_discarded()) << out;
    if (!c.contains("expected")) continue;  // expected only in a file not collected
    auto it = mysql_form.find(name);
    if (it != mysql_form.end()) {
      EXPECT_EQ(out, it->second);
    } else {
      EXPECT_EQ(got, Json::parse(c["expected"].get<std::string>())) << out;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 28u);
}

TEST(JsonBinaryTest, CorruptDocumentsAreErrorsNotCrashes) {
  std::vector<uint8_t> doc = FromHex("0001003c000b000100000c0061010030000b000100000c00620200");
  for (size_t cut = 0; cut < doc.size(); ++cut) {
    std::string out;
    Status st = AppendJsonFromBinary(ByteView(doc.data(), cut), &out);
    if (cut > 0) {
      EXPECT_FALSE(st.ok()) << cut;
    }
  }
}

TEST(JsonBinaryTest, JsonStringEscapingAtEveryPosition) {
  // The escaper scans 16/8 bytes at a time; put each special byte at each offset of 40.
  for (char special : {'"', '\\', '\n', '\x01', '\x1f', '\x7f', '\xc3'}) {
    for (size_t at = 0; at < 40; ++at) {
      std::string s(40, 'a');
      s[at] = special;
      std::string out;
      AppendJsonString(s, &out);
      Json parsed = Json::parse(out, nullptr, false);
      if (special == '\xc3') {
        EXPECT_EQ(out, "\"" + s + "\"");  // bytes >= 0x80 pass through
        continue;
      }
      ASSERT_FALSE(parsed.is_discarded()) << out;
      EXPECT_EQ(parsed.get<std::string>(), s) << at;
    }
  }
}

TEST(JsonDiffTest, AppliesReplaceInsertRemoveInMySqlKeyOrder) {
  // Diff vector: REPLACE $.a = int16 2; INSERT $.bb = true; INSERT $[...]: REMOVE $.c
  std::vector<uint8_t> diffs = {0x00, 0x03, '$', '.', 'a', 0x03, 0x05, 0x02, 0x00,  // REPLACE
                                0x01, 0x04, '$', '.', 'b', 'b',  0x02, 0x04, 0x01,  // INSERT
                                0x02, 0x03, '$', '.', 'c'};                         // REMOVE
  std::string out;
  Status st = ApplyJsonDiffVector(R"({"a":1,"c":3,"zzz":[1,2]})", diffs, &out);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out, R"({"a":2,"bb":true,"zzz":[1,2]})");
  std::vector<uint8_t> arr = {0x01, 0x08, '$', '.', 'z', 'z', 'z', '[', '1', ']', 0x02, 0x04, 0x00};
  out.clear();
  ASSERT_TRUE(ApplyJsonDiffVector(R"({"zzz":[1,2]})", arr, &out).ok());
  EXPECT_EQ(out, R"({"zzz":[1,null,2]})");
  std::vector<uint8_t> missing = {0x00, 0x04, '$', '.', 'n', 'o', 0x02, 0x04, 0x00};
  out.clear();
  EXPECT_FALSE(ApplyJsonDiffVector(R"({"a":1})", missing, &out).ok());
}

TEST(CharsetTest, Latin1IsWindows1252) {
  ScratchArena arena;
  std::string in = "caf\xe9 \x80 \x81";
  EXPECT_EQ(Latin1ToUtf8(in, &arena), "caf\xc3\xa9 \xe2\x82\xac \xc2\x81");
  EXPECT_EQ(CharsetOfCollation(8).encoding, TextEncoding::kLatin1);  // latin1_swedish_ci
  EXPECT_EQ(CharsetOfCollation(63).encoding, TextEncoding::kBinary);
  EXPECT_EQ(CharsetOfCollation(255).encoding, TextEncoding::kUtf8);   // utf8mb4_0900_ai_ci
  EXPECT_EQ(CharsetOfCollation(2304).encoding, TextEncoding::kUtf8);  // MariaDB uca1400
  EXPECT_EQ(CharsetOfCollation(0).encoding, TextEncoding::kUnknown);
  EXPECT_EQ(CharsetOfCollation(45).mbmaxlen, 4);
}

TEST(CharsetTest, IconvConvertsOtherCharsets) {
  ScratchArena arena;
  IconvCache iconv;
  CharsetInfo cs = CharsetOfCollation(51);  // cp1251_general_ci
  ASSERT_EQ(cs.encoding, TextEncoding::kIconv);
  auto out = iconv.ToUtf8(cs.iconv_name, "\xcf\xf0\xe8\xe2\xe5\xf2", &arena);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");         // "Привет"
  auto bad = iconv.ToUtf8(CharsetOfCollation(35).iconv_name, "\xd8", &arena);  // ucs2, odd
  EXPECT_FALSE(bad.ok());
}

TEST(CharsetTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("abc \xc3\xa9 \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));          // truncated
}

TEST(ByteReaderTest, PackedIntegersAndBounds) {
  std::vector<uint8_t> b = {0xfa, 0xfc, 0x34, 0x12, 0xfd, 1, 2, 3, 0xfe, 1, 0, 0, 0, 0, 0, 0, 0x80};
  ByteReader r(b);
  uint64_t v = 0;
  ASSERT_TRUE(r.ReadPackedInt(&v).ok());
  EXPECT_EQ(v, 250u);
  ASSERT_TRUE(r.ReadPackedInt(&v).ok());
  EXPECT_EQ(v, 0x1234u);
  ASSERT_TRUE(r.ReadPackedInt(&v).ok());
  EXPECT_EQ(v, 0x030201u);
  ASSERT_TRUE(r.ReadPackedInt(&v).ok());
  EXPECT_EQ(v, 0x8000000000000001ULL);
  Status st = r.ReadU32(reinterpret_cast<uint32_t*>(&v));
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("at byte 17"), std::string::npos) << st.message();
  std::vector<uint8_t> nul = {0xfb};
  ByteReader r2(nul);
  EXPECT_FALSE(r2.ReadPackedInt(&v).ok());
}

// Inputs the fuzzers (fuzz/, scripts/fuzz.sh) once crashed or hung on; each must now decode or
// fail cleanly. File names say which target found them.
TEST(FuzzRegressions, InputsDecodeOrFailCleanly) {
  const char* src = std::getenv("BINLAKE_SOURCE_DIR");
  std::string dir = std::string(src && *src ? src : ".") + "/fuzz/regressions/";
  int checked = 0;
  for (const char* name :
       {"binlog_stream-zero-column-rows-hang", "json_binary-container-smaller-than-header"}) {
    SCOPED_TRACE(name);
    std::string data = testing::ReadFileOrDie(dir + name);
    if (std::string_view(name).rfind("json_binary", 0) == 0) {
      std::string out;
      EXPECT_FALSE(AppendJsonFromBinary(AsBytes(data).subspan(1), &out).ok());
    } else {
      testing::CollectSink sink;
      auto reader = BinlogFileReader::FromMemory(AsBytes(data));
      ASSERT_TRUE(reader.ok());
      PumpOptions options;
      options.verify_checksum = false;
      EventPump pump(options, &sink);
      Status st;
      for (int i = 0; i < 10000 && st.ok(); ++i) {
        auto next = (*reader)->Next();
        if (!next.ok() || !next.value()) break;
        st = pump.Feed(next.value()->bytes, next.value()->offset);
      }
      EXPECT_LT(sink.rows.size(), 10000u);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

}  // namespace
}  // namespace binlake::binlog
