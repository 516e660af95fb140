#include "ops/log_format.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace binlake::ops {
namespace {

TEST(LogFormatTest, TextIsTheDefaultErrorLine) {
  ASSERT_TRUE(SetLogFormat("text", "cdc", "s3://bucket/prefix").ok());
  EXPECT_EQ(FormatErrorLine("no such table\nsecond line"),
            "binlake: error: no such table second line");
}

TEST(LogFormatTest, JsonLinesAreOneParsableObject) {
  ASSERT_TRUE(SetLogFormat("json", "cdc", "s3://bucket/prefix").ok());
  // 2026-12-05T17:40:00.123Z
  std::string line = JsonLogLine(1796492400123, "warn", "quote \" backslash \\ newline\n \xff");
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["time"], "2026-12-05T17:40:00.123Z");
  EXPECT_EQ(j["level"], "warn");
  EXPECT_EQ(j["message"], "quote \" backslash \\ newline\n \xef\xbf\xbd");  // bad UTF-8 replaced
  EXPECT_EQ(j["task"], "s3://bucket/prefix");
  EXPECT_EQ(j["fields"]["command"], "cdc");
  EXPECT_GT(j["fields"]["pid"].get<int64_t>(), 0);

  auto error = nlohmann::json::parse(FormatErrorLine("access denied"));
  EXPECT_EQ(error["level"], "error");
  EXPECT_EQ(error["message"], "access denied");
  ASSERT_TRUE(SetLogFormat("text", "", "").ok());
}

TEST(LogFormatTest, UnknownFormatIsRefused) {
  Status s = SetLogFormat("xml", "cdc", "");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "--log-format 'xml' is not text or json");
}

}  // namespace
}  // namespace binlake::ops
