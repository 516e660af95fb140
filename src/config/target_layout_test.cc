#include "config/target_layout.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace binlake {
namespace {

TEST(TargetLayoutTest, OrdinaryNamesStayAsDmsWritesThem) {
  for (std::string name : {"orders", "order_items", "Sales 2024", "café", "_migrations", "a.b",
                           "x-y", "t$1", "ünïcödé"}) {
    EXPECT_EQ(EncodeNameSegment(name), name);
    EXPECT_EQ(EncodeNameSegment(name, /*is_schema=*/true), name);
  }
  EXPECT_EQ(TableFolder("", "shop", "orders"), "shop/orders/");
  EXPECT_EQ(TableFolder("dms/raw", "shop", "orders"), "dms/raw/shop/orders/");
}

TEST(TargetLayoutTest, NamesThatWouldAliasGetDistinctFolders) {
  EXPECT_NE(TableFolder("", "a/b", "c"), TableFolder("", "a", "b/c"));
  EXPECT_EQ(TableFolder("", "a/b", "c"), "a%2Fb/c/");
  EXPECT_EQ(TableFolder("", "a", "b/c"), "a/b%2Fc/");
  EXPECT_EQ(EncodeNameSegment(".."), "%2E.");
  EXPECT_EQ(EncodeNameSegment("."), "%2E");
  EXPECT_EQ(EncodeNameSegment(".tmp-x"), "%2Etmp-x");
  EXPECT_EQ(EncodeNameSegment("100%"), "100%25");
  EXPECT_EQ(EncodeNameSegment("%2F"), "%252F");  // never confused with an encoded '/'
  EXPECT_EQ(EncodeNameSegment(std::string("tab\there\x7f", 9)), "tab%09here%7F");
  EXPECT_EQ(EncodeNameSegment("_binlake", /*is_schema=*/true), "%5Fbinlake");
  EXPECT_EQ(EncodeNameSegment("_binlake"), "_binlake");  // a table of that name is harmless
  EXPECT_EQ(TableFolder("", "_binlake", "t"), "%5Fbinlake/t/");
}

TEST(TargetLayoutTest, EncodingIsOneSegmentAndInjective) {
  const std::vector<std::string> names = {"a/b",
                                          "a%2Fb",
                                          "a%252Fb",
                                          ".",
                                          "..",
                                          "%2E",
                                          "%2E.",
                                          "_binlake",
                                          "%5Fbinlake",
                                          "x",
                                          "x/",
                                          "/x",
                                          "",
                                          "%",
                                          std::string("\0a", 2),
                                          std::string("\x01", 1)};
  std::set<std::string> seen;
  for (const std::string& n : names) {
    for (bool schema : {false, true}) {
      const std::string e = EncodeNameSegment(n, schema);
      EXPECT_EQ(e.find('/'), std::string::npos) << n;
      EXPECT_TRUE(e.empty() || e[0] != '.') << n;
      ASSERT_TRUE(DecodeNameSegment(e).has_value()) << e;
      EXPECT_EQ(*DecodeNameSegment(e), n) << e;
      if (schema) {
        EXPECT_TRUE(seen.insert(e).second) << "two names encode to " << e;
      }
    }
  }
}

TEST(TargetLayoutTest, DecodeRefusesWhatEncodeNeverMakes) {
  EXPECT_FALSE(DecodeNameSegment("%").has_value());
  EXPECT_FALSE(DecodeNameSegment("%2").has_value());
  EXPECT_FALSE(DecodeNameSegment("%zz").has_value());
  EXPECT_FALSE(DecodeNameSegment("%2f").has_value());  // lowercase hex is never produced
}

TEST(TargetLayoutTest, StateKeys) {
  EXPECT_EQ(FullLoadStateKey(""), "_binlake/full_load.json");
  EXPECT_EQ(FullLoadStateKey("dms/out"), "dms/out/_binlake/full_load.json");
  EXPECT_EQ(CdcCheckpointPrefix(""), "_binlake/cdc/checkpoint-");
  EXPECT_EQ(CdcCheckpointPrefix("a"), "a/_binlake/cdc/checkpoint-");
  EXPECT_EQ(SchemaHistoryFolder("f", "a/b", "..c"), "f/_binlake/schema/a%2Fb/%2E.c/");
}

}  // namespace
}  // namespace binlake
