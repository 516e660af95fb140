#include "source/catalog.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

TEST(CatalogTest, ParsesEnumLabelsWithEscapes) {
  auto labels = ParseEnumLabels("enum('a','it''s','back\\\\slash','x,y','')");
  ASSERT_TRUE(labels.ok()) << labels.status().ToString();
  EXPECT_EQ(*labels, (std::vector<std::string>{"a", "it's", "back\\slash", "x,y", ""}));
  EXPECT_FALSE(ParseEnumLabels("enum('a").ok());
  EXPECT_FALSE(ParseEnumLabels("enum(a)").ok());
}

TEST(CatalogTest, ColumnTypes) {
  auto t = ColumnTypeFromInformationSchema("bigint", "bigint(20) unsigned", 20, 0, 0, 0, 0, false);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->type, SqlType::kBigInt);
  EXPECT_TRUE(t->is_unsigned);

  t = ColumnTypeFromInformationSchema("decimal", "decimal(65,30)", 65, 30, 0, 0, 0, false);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->precision, 65);
  EXPECT_EQ(t->scale, 30);

  t = ColumnTypeFromInformationSchema("timestamp", "timestamp(3)", 0, 0, 3, 0, 0, false);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->type, SqlType::kTimestamp);
  EXPECT_EQ(t->fsp, 3);

  t = ColumnTypeFromInformationSchema("longtext", "longtext", 0, 0, 0, 4294967295u, 46, true);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->type, SqlType::kJson);

  t = ColumnTypeFromInformationSchema("set", "set('x','y')", 0, 0, 0, 3, 45, false);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->elements, (std::vector<std::string>{"x", "y"}));

  t = ColumnTypeFromInformationSchema("varbinary", "varbinary(10)", 0, 0, 0, 10, 0, false);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->collation_id, kBinaryCollationId);
  EXPECT_TRUE(t->IsBinary());

  t = ColumnTypeFromInformationSchema("bit", "bit(10)", 10, 0, 0, 0, 0, false);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->length, 10u);

  t = ColumnTypeFromInformationSchema("sometype", "sometype", 0, 0, 0, 0, 0, false);
  EXPECT_EQ(t.status().code(), StatusCode::kUnsupported);
}

TEST(CatalogTest, SystemSchemas) {
  EXPECT_TRUE(IsSystemSchema("mysql"));
  EXPECT_TRUE(IsSystemSchema("performance_schema"));
  EXPECT_FALSE(IsSystemSchema("shop"));
}

}  // namespace
}  // namespace binlake
