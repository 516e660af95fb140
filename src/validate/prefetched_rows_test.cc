#include "validate/prefetched_rows.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

namespace binlake {
namespace {

// Rows "k<i>" with fields {"v<i>", NULL when i is odd}; an error after `fail_after` rows.
class CountingRows : public KeyedFields {
 public:
  CountingRows(int rows, int fail_after, std::atomic<int>* produced)
      : rows_(rows), fail_after_(fail_after), produced_(produced) {}
  Result<bool> Next() override {
    if (next_ == fail_after_) return Corruption("row " + std::to_string(next_) + " is bad");
    if (next_ >= rows_) return false;
    key_ = "k" + std::to_string(next_);
    value_ = "v" + std::to_string(next_);
    fields_ = {std::string_view(value_),
               next_ % 2 ? std::nullopt : std::optional<std::string_view>("")};
    ++next_;
    if (produced_) ++*produced_;
    return true;
  }
  std::string_view key() const override { return key_; }
  const std::vector<std::optional<std::string_view>>& fields() const override { return fields_; }

 private:
  int rows_, fail_after_, next_ = 0;
  std::atomic<int>* produced_;
  std::string key_, value_;
  std::vector<std::optional<std::string_view>> fields_;
};

TEST(PrefetchedRowsTest, HandsOutEveryRowInOrder) {
  PrefetchedRows rows(std::make_unique<CountingRows>(10000, -1, nullptr), 2, 1024, 2);
  for (int i = 0; i < 10000; ++i) {
    Result<bool> more = rows.Next();
    ASSERT_TRUE(more.ok() && *more) << i;
    ASSERT_EQ(rows.key(), "k" + std::to_string(i));
    ASSERT_EQ(rows.fields()[0], std::optional<std::string_view>("v" + std::to_string(i)));
    if (i % 2) {
      ASSERT_EQ(rows.fields()[1], std::nullopt);
    } else {
      ASSERT_EQ(rows.fields()[1], std::optional<std::string_view>(""));
    }
  }
  Result<bool> end = rows.Next();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(*end);
  EXPECT_FALSE(*rows.Next());
}

TEST(PrefetchedRowsTest, AnErrorComesAfterTheRowsBeforeIt) {
  PrefetchedRows rows(std::make_unique<CountingRows>(100, 42, nullptr), 2, 64, 2);
  for (int i = 0; i < 42; ++i) ASSERT_TRUE(*rows.Next()) << i;
  Result<bool> bad = rows.Next();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "row 42 is bad");
}

TEST(PrefetchedRowsTest, ReadsABoundedWayAheadAndStopsWhenDestroyedEarly) {
  std::atomic<int> produced{0};
  {
    PrefetchedRows rows(std::make_unique<CountingRows>(1000000, -1, &produced), 2, 1024, 2);
    ASSERT_TRUE(*rows.Next());
    // The producer fills at most the queue and one batch in hand: a few hundred rows.
    for (int i = 0; i < 1000 && produced.load() < 1000; ++i) std::this_thread::yield();
  }
  EXPECT_LT(produced.load(), 2000);
}

}  // namespace
}  // namespace binlake
