#include "fullload/row_buffer.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace binlake {
namespace {

// A row stream as RowBuffer reads it: the current row's fields, NULL where unset.
struct FakeRow {
  std::vector<std::optional<std::string>> fields;
  bool is_null(size_t i) const { return !fields[i].has_value(); }
  std::string_view field(size_t i) const { return *fields[i]; }
};

TEST(RowBufferTest, ReplaysFieldsNullsAndEmptyStrings) {
  RowBuffer buffer(3);
  buffer.AddFromStream(FakeRow{{"1", std::nullopt, ""}});
  buffer.AddFromStream(FakeRow{{"two", "x,y", std::nullopt}});
  ASSERT_EQ(buffer.rows(), 2u);
  EXPECT_EQ(buffer.field(0, 0), "1");
  EXPECT_TRUE(buffer.is_null(0, 1));
  EXPECT_FALSE(buffer.is_null(0, 2));
  EXPECT_EQ(buffer.field(0, 2), "");
  EXPECT_EQ(buffer.field(1, 0), "two");
  EXPECT_EQ(buffer.field(1, 1), "x,y");
  EXPECT_TRUE(buffer.is_null(1, 2));
  EXPECT_EQ(buffer.bytes(), 7u + 6 * 16u);
  RowBuffer empty_fields(2);  // no field byte at all: no byte memory either
  empty_fields.AddFromStream(FakeRow{{"", std::nullopt}});
  EXPECT_EQ(empty_fields.field(0, 0), "");
  EXPECT_TRUE(empty_fields.is_null(0, 1));
}

TEST(RowBufferTest, GrowsPastHugePagesAndIsReusedForAnotherTable) {
  // ~6 MiB of fields: the byte and span buffers grow (by copying) several times.
  RowBuffer buffer(2);
  constexpr int kRows = 30000;
  auto text = [](int i) { return std::to_string(i) + std::string(100 + i % 150, 'a' + i % 26); };
  for (int i = 0; i < kRows; ++i) buffer.AddFromStream(FakeRow{{text(i), std::to_string(-i)}});
  ASSERT_EQ(buffer.rows(), static_cast<size_t>(kRows));
  for (int i = 0; i < kRows; ++i) {
    ASSERT_EQ(buffer.field(i, 0), text(i)) << i;
    ASSERT_EQ(buffer.field(i, 1), std::to_string(-i)) << i;
  }
  buffer.Reset(1);  // the next chunk is of a one-column table
  EXPECT_EQ(buffer.rows(), 0u);
  EXPECT_EQ(buffer.bytes(), 0u);
  buffer.AddFromStream(FakeRow{{"only"}});
  buffer.AddFromStream(FakeRow{{std::nullopt}});
  EXPECT_EQ(buffer.field(0, 0), "only");
  EXPECT_TRUE(buffer.is_null(1, 0));
}

}  // namespace
}  // namespace binlake
