#include "fullload/progress.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "common/testing/temp_dir.h"

namespace binlake {
namespace {

// A temp file the board writes to (through `out`) and the test reads by path.
class ProgressBoardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = temp_.File("progress.txt");
    out_ = std::fopen(path_.c_str(), "w");
    ASSERT_NE(out_, nullptr);
  }
  void TearDown() override {
    if (out_) std::fclose(out_);
  }
  std::string Printed() const {
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  TempDir temp_{"binlake-progress"};
  std::string path_;
  FILE* out_ = nullptr;
};

// A pre-flight failure (before the copy starts) prints nothing, however long it took: the
// error stays the only line on stderr. Nothing can print before BeginReporting because no
// reporter runs before it, and Stop prints a final report only for a reporter that ran.
TEST_F(ProgressBoardTest, NothingIsPrintedBeforeTheCopyBegins) {
  {
    ProgressBoard board(out_);
    board.EnableReporting(true, std::chrono::milliseconds(1));
    board.AddTable("shop.orders", 100);
    EXPECT_FALSE(board.reporting());
    board.Stop();
    EXPECT_FALSE(board.reporting());
  }
  std::fflush(out_);
  EXPECT_EQ(Printed(), "");
}

TEST_F(ProgressBoardTest, PlainLogLinesOnceTheCopyBegins) {
  ProgressBoard board(out_);
  board.EnableReporting(false, std::chrono::milliseconds(1));
  size_t t = board.AddTable("shop.orders", 100);
  board.BeginReporting();
  EXPECT_TRUE(board.reporting());
  board.AddRows(t, 40);
  const std::string want = "binlake: progress: total: 40 rows of ~100 (40%)";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (Printed().find(want) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    usleep(1000);  // polling a file the reporter flushes; the deadline bounds the wait
  }
  board.Stop();
  EXPECT_NE(Printed().find(want), std::string::npos) << Printed();
}

}  // namespace
}  // namespace binlake
