#include "cdc/naming.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <tuple>

namespace binlake {
namespace {

using Clock = std::chrono::system_clock;

// Milliseconds since the epoch of a UTC civil time.
int64_t Ms(int y, int mo, int d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

Clock::time_point Tp(int64_t ms) { return Clock::time_point(std::chrono::milliseconds(ms)); }

TEST(CdcNamingTest, FileTimesAndCommitTime) {
  const int64_t t = Ms(2024, 11, 24, 10, 15, 0, 123);
  EXPECT_EQ(FormatCdcFileTime(t), "20241124-101500123");
  EXPECT_EQ(FormatTxnFileTime(t), "20241124101500123");
  EXPECT_EQ(FormatCdcFileTime(Ms(2000, 1, 2, 3, 4, 5, 6)), "20000102-030405006");
  EXPECT_EQ(FormatCommitTime(uint64_t(Ms(2024, 2, 29, 23, 59, 59)) * 1000 + 123456),
            "2024-02-29 23:59:59.123456");
  EXPECT_EQ(FormatCommitTime(0), "1970-01-01 00:00:00.000000");
  EXPECT_EQ(FormatIso8601(t), "2024-11-24T10:15:00.123Z");
}

TEST(CdcNamingTest, DatePartitionFolderForEverySequenceAndDelimiter) {
  const int64_t t = Ms(2024, 11, 5, 7, 30);
  // sequence, SLASH, UNDERSCORE, DASH, NONE
  const std::vector<std::tuple<std::string, std::string, std::string, std::string, std::string>>
      cases = {
          {"YYYYMMDD", "2024/11/05", "2024_11_05", "2024-11-05", "20241105"},
          {"YYYYMMDDHH", "2024/11/05/07", "2024_11_05_07", "2024-11-05-07", "2024110507"},
          {"YYYYMM", "2024/11", "2024_11", "2024-11", "202411"},
          {"MMYYYYDD", "11/2024/05", "11_2024_05", "11-2024-05", "11202405"},
          {"DDMMYYYY", "05/11/2024", "05_11_2024", "05-11-2024", "05112024"},
      };
  for (const auto& [seq, slash, underscore, dash, none] : cases) {
    EXPECT_EQ(*DatePartitionFolder(t, seq, "SLASH"), slash) << seq;
    EXPECT_EQ(*DatePartitionFolder(t, seq, "UNDERSCORE"), underscore) << seq;
    EXPECT_EQ(*DatePartitionFolder(t, seq, "DASH"), dash) << seq;
    EXPECT_EQ(*DatePartitionFolder(t, seq, "NONE"), none) << seq;
  }
  EXPECT_EQ(DatePartitionFolder(t, "YYYY", "SLASH").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DatePartitionFolder(t, "YYYYMMDD", "COMMA").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(CdcNamingTest, TableAndTxnKeys) {
  S3Settings s;
  s.bucket_folder = "raw/cdc";
  auto n = CdcNaming::Make(s, ".csv");
  ASSERT_TRUE(n.ok()) << n.status().message();
  const int64_t t = Ms(2024, 11, 24, 10, 15, 0, 123);
  EXPECT_EQ(n->NameMs(Tp(t)), t);
  EXPECT_EQ(n->TableFileKey("shop", "orders", t), "raw/cdc/shop/orders/20241124-101500123.csv");

  s.bucket_folder = "";
  s.preserve_transactions = true;
  s.cdc_path = "changes";
  s.compression = Compression::kGzip;
  n = CdcNaming::Make(s, ".csv.gz");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->TxnFileKey(t), "changes/CDC_TXN-20241124101500123.csv.gz");
  s.compression = Compression::kSnappy;  // Parquet's codec does not apply to CDC_TXN CSV
  n = CdcNaming::Make(s, ".parquet");
  EXPECT_EQ(n->TxnFileKey(t), "changes/CDC_TXN-20241124101500123.csv");
}

TEST(CdcNamingTest, DatePartitionUsesTheZoneForFolderAndName) {
  S3Settings s;
  s.date_partition_enabled = true;
  auto utc = CdcNaming::Make(s, ".parquet");
  ASSERT_TRUE(utc.ok()) << utc.status().message();
  const int64_t t = Ms(2024, 11, 24, 20, 0, 0, 5);  // 2024-11-25 05:00 in Seoul
  EXPECT_EQ(utc->TableFileKey("db", "t", utc->NameMs(Tp(t))),
            "db/t/2024/11/24/20241124-200000005.parquet");
  s.date_partition_timezone = "Asia/Seoul";
  s.date_partition_sequence = "YYYYMMDDHH";
  s.date_partition_delimiter = "DASH";
  auto seoul = CdcNaming::Make(s, ".parquet");
  ASSERT_TRUE(seoul.ok()) << seoul.status().message();
  EXPECT_EQ(seoul->TableFileKey("db", "t", seoul->NameMs(Tp(t))),
            "db/t/2024-11-25-05/20241125-050000005.parquet");
}

TEST(CdcNamingTest, BadPartitionSettingsAndZonesAreErrors) {
  S3Settings s;
  s.date_partition_enabled = true;
  s.date_partition_timezone = "Mars/Olympus_Mons";
  auto n = CdcNaming::Make(s, ".csv");
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(n.status().message().find("Mars/Olympus_Mons"), std::string::npos);
  s.date_partition_timezone = "../../etc/passwd";
  EXPECT_EQ(CdcNaming::Make(s, ".csv").status().code(), StatusCode::kInvalidArgument);
  s.date_partition_timezone = "";
  s.date_partition_sequence = "YYYY";
  EXPECT_EQ(CdcNaming::Make(s, ".csv").status().code(), StatusCode::kInvalidArgument);
  // Without date partitioning the partition settings are not used.
  s.date_partition_enabled = false;
  EXPECT_TRUE(CdcNaming::Make(s, ".csv").ok());
}

TEST(CdcNamingTest, RecognizesCdcFileNames) {
  EXPECT_TRUE(CdcNaming::IsCdcFileName("db/t/20241124-101500123.csv"));
  EXPECT_TRUE(CdcNaming::IsCdcFileName("f/db/t/2024/11/24/20241124-101500123.parquet"));
  EXPECT_TRUE(CdcNaming::IsCdcFileName("changes/CDC_TXN-20241124101500123.csv.gz"));
  EXPECT_FALSE(CdcNaming::IsCdcFileName("db/t/LOAD00000001.csv"));
  EXPECT_FALSE(CdcNaming::IsCdcFileName("db/t/20241124-1015.csv"));
  EXPECT_FALSE(CdcNaming::IsCdcFileName("_binlake/full_load.json"));
}

// --- Time zones (system tz database) -------------------------------------------------------

int64_t OffsetAt(const TimeZone& z, int64_t ms) { return z.OffsetSeconds(ms / 1000); }

TEST(TimeZoneTest, UtcNeedsNoFile) {
  auto z = TimeZone::Load("");
  ASSERT_TRUE(z.ok());
  EXPECT_TRUE(z->is_utc());
  EXPECT_EQ(TimeZone::Load("UTC")->OffsetSeconds(1700000000), 0);
}

TEST(TimeZoneTest, FixedOffsetZone) {
  auto z = TimeZone::Load("Asia/Seoul");
  ASSERT_TRUE(z.ok()) << z.status().message();
  EXPECT_EQ(OffsetAt(*z, Ms(2024, 1, 1)), 9 * 3600);
  EXPECT_EQ(OffsetAt(*z, Ms(2024, 7, 1)), 9 * 3600);
  EXPECT_EQ(OffsetAt(*z, Ms(2150, 7, 1)), 9 * 3600);   // footer rule "KST-9"
  EXPECT_EQ(OffsetAt(*z, Ms(1988, 6, 1)), 10 * 3600);  // Korea had DST in 1987-88
}

TEST(TimeZoneTest, EuropeanDaylightSavingTransitions) {
  auto z = TimeZone::Load("Europe/Berlin");
  ASSERT_TRUE(z.ok()) << z.status().message();
  // 2024: DST from 2024-03-31 01:00 UTC to 2024-10-27 01:00 UTC.
  EXPECT_EQ(OffsetAt(*z, Ms(2024, 3, 31, 0, 59, 59)), 3600);
  EXPECT_EQ(OffsetAt(*z, Ms(2024, 3, 31, 1, 0, 0)), 7200);
  EXPECT_EQ(OffsetAt(*z, Ms(2024, 10, 27, 0, 59, 59)), 7200);
  EXPECT_EQ(OffsetAt(*z, Ms(2024, 10, 27, 1, 0, 0)), 3600);
  // After the file's last transition (2037) the footer rule CET-1CEST,M3.5.0,M10.5.0/3 applies:
  // 2100-03-28 is the last Sunday of March 2100.
  EXPECT_EQ(OffsetAt(*z, Ms(2100, 3, 28, 0, 59, 59)), 3600);
  EXPECT_EQ(OffsetAt(*z, Ms(2100, 3, 28, 1, 0, 0)), 7200);
  EXPECT_EQ(OffsetAt(*z, Ms(2100, 12, 1)), 3600);
}

TEST(TimeZoneTest, SouthernHemisphereAndNegativeOffsets) {
  auto sydney = TimeZone::Load("Australia/Sydney");
  ASSERT_TRUE(sydney.ok()) << sydney.status().message();
  EXPECT_EQ(OffsetAt(*sydney, Ms(2024, 1, 15)), 11 * 3600);
  EXPECT_EQ(OffsetAt(*sydney, Ms(2024, 7, 15)), 10 * 3600);
  EXPECT_EQ(OffsetAt(*sydney, Ms(2090, 1, 15)), 11 * 3600);
  EXPECT_EQ(OffsetAt(*sydney, Ms(2090, 7, 15)), 10 * 3600);
  auto ny = TimeZone::Load("America/New_York");
  ASSERT_TRUE(ny.ok());
  EXPECT_EQ(OffsetAt(*ny, Ms(2024, 1, 15)), -5 * 3600);
  EXPECT_EQ(OffsetAt(*ny, Ms(2024, 7, 15)), -4 * 3600);
}

TEST(TimeZoneTest, FooterRuleFarAhead) {
  // Past the zone file's transitions the footer rule EST5EDT,M3.2.0,M11.1.0 applies. 2100-03-14
  // is the second Sunday of March 2100: DST from 02:00 EST (07:00 UTC); 2100-11-07 the first
  // Sunday of November: back at 02:00 EDT (06:00 UTC).
  auto ny = TimeZone::Load("America/New_York");
  ASSERT_TRUE(ny.ok()) << ny.status().message();
  EXPECT_EQ(OffsetAt(*ny, Ms(2100, 3, 14, 6, 59, 59)), -5 * 3600);
  EXPECT_EQ(OffsetAt(*ny, Ms(2100, 3, 14, 7)), -4 * 3600);
  EXPECT_EQ(OffsetAt(*ny, Ms(2100, 11, 7, 5, 59, 59)), -4 * 3600);
  EXPECT_EQ(OffsetAt(*ny, Ms(2100, 11, 7, 6)), -5 * 3600);
}

// A zone directory of its own ($TZDIR), restored afterwards.
class TzDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/binlake-tzdir-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    const char* old = std::getenv("TZDIR");
    if (old) old_ = old;
    setenv("TZDIR", dir_.c_str(), 1);
  }
  void TearDown() override {
    if (old_) {
      setenv("TZDIR", old_->c_str(), 1);
    } else {
      unsetenv("TZDIR");
    }
    std::filesystem::remove_all(dir_);
  }
  void Write(const std::string& name, const std::string& bytes) {
    std::filesystem::create_directories(std::filesystem::path(dir_ + "/" + name).parent_path());
    std::ofstream(dir_ + "/" + name, std::ios::binary) << bytes;
  }

  std::string dir_;
  std::optional<std::string> old_;
};

TEST_F(TzDirTest, UtcNeedsNoDatabase) {
  auto z = TimeZone::Load("UTC");
  ASSERT_TRUE(z.ok()) << z.status().message();
  EXPECT_TRUE(z->is_utc());
}

TEST_F(TzDirTest, MissingZoneIsInvalidArgumentNamingThePath) {
  auto z = TimeZone::Load("Test/Missing");
  ASSERT_FALSE(z.ok());
  EXPECT_EQ(z.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(z.status().message().find(dir_ + "/Test/Missing"), std::string::npos)
      << z.status().message();
}

TEST_F(TzDirTest, MalformedZoneFileIsCorruption) {
  Write("Test/Empty", "");
  Write("Test/Truncated", "TZif2");
  Write("Test/HeaderOnly", "TZif2" + std::string(15, '\0') + std::string(24, '\0'));
  for (const char* name : {"Test/Empty", "Test/Truncated", "Test/HeaderOnly"}) {
    auto z = TimeZone::Load(name);
    ASSERT_FALSE(z.ok()) << name;
    EXPECT_EQ(z.status().code(), StatusCode::kCorruption) << name;
    EXPECT_NE(z.status().message().find(name), std::string::npos) << z.status().message();
    EXPECT_EQ(z.status().message().find('\n'), std::string::npos) << z.status().message();
  }
}

}  // namespace
}  // namespace binlake
