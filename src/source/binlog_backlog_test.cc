#include "source/binlog_backlog.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

// SHOW BINARY LOGS as MariaDB 10.11 answers it (Log_name, File_size).
const std::vector<TextRow> kLogs = {
    {"mariadb-bin.000001", "1520"},
    {"mariadb-bin.000002", "4000"},
    {"mariadb-bin.000003", "700"},
};

TEST(BinlogBacklogTest, RestOfTheFilePlusLaterFiles) {
  EXPECT_EQ(*BinlogBytesAfter(kLogs, "mariadb-bin.000002", 1000), 3000u + 700u);
  EXPECT_EQ(*BinlogBytesAfter(kLogs, "mariadb-bin.000003", 700), 0u);
  EXPECT_EQ(*BinlogBytesAfter(kLogs, "mariadb-bin.000001", 4), 1516u + 4000u + 700u);
  // A position past a size the server reported a moment earlier counts as caught up.
  EXPECT_EQ(*BinlogBytesAfter(kLogs, "mariadb-bin.000003", 900), 0u);
}

TEST(BinlogBacklogTest, MySqlRowsWithTheEncryptedColumn) {
  const std::vector<TextRow> logs = {{"binlog.000007", "157", "No"},
                                     {"binlog.000008", "2157", "No"}};
  EXPECT_EQ(*BinlogBytesAfter(logs, "binlog.000007", 100), 57u + 2157u);
}

TEST(BinlogBacklogTest, UnknownFileAndBadRowsAreErrors) {
  auto purged = BinlogBytesAfter(kLogs, "mariadb-bin.000000", 4);
  ASSERT_FALSE(purged.ok());
  EXPECT_EQ(purged.status().code(), StatusCode::kNotFound);
  auto bad = BinlogBytesAfter({{"mariadb-bin.000001", "12x"}}, "mariadb-bin.000001", 4);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
  auto null_size =
      BinlogBytesAfter({{"mariadb-bin.000001", std::nullopt}}, "mariadb-bin.000001", 4);
  EXPECT_EQ(null_size.status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace binlake
