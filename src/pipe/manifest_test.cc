// ManifestFile and augmented manifest parsing.
#include "pipe/manifest.h"

#include <gtest/gtest.h>

namespace binlake::pipe {
namespace {

TEST(ManifestTest, PrefixAndEntries) {
  auto m = ParseManifest(R"([{"prefix": "s3://bucket/p/"}, "rel1", "sub/rel2"])", "m");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->prefix, "s3://bucket/p/");
  EXPECT_EQ(m->entries, (std::vector<std::string>{"rel1", "sub/rel2"}));
}

TEST(ManifestTest, Errors) {
  EXPECT_FALSE(ParseManifest("[", "m").ok());
  EXPECT_FALSE(ParseManifest(R"(["rel1"])", "m").ok());
  EXPECT_FALSE(ParseManifest(R"([{"prefix": ""}, "a"])", "m").ok());
  EXPECT_FALSE(ParseManifest(R"([{"prefix": "s3://b/"}, 3])", "m").ok());
  auto empty = ParseManifest(R"([{"prefix": "s3://b/"}])", "s3://b/m.json");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("lists no object"), std::string::npos);
}

TEST(ManifestTest, AugmentedLines) {
  std::vector<std::string> attrs = {"image-ref", "is-a-cat"};
  auto lines = ParseAugmentedManifest(
      "{\"image-ref\": \"s3://b/foo/image1.jpg\", \"is-a-cat\": 1, \"other\": \"x\"}\n"
      "\n"
      "{\"is-a-cat\": \"no\", \"image-ref\": \"s3://b/bar/image2.jpg\"}\n",
      attrs, "aug");
  ASSERT_TRUE(lines.ok()) << lines.status().ToString();
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_TRUE((*lines)[0][0].is_ref);
  EXPECT_EQ((*lines)[0][0].bytes, "s3://b/foo/image1.jpg");
  EXPECT_FALSE((*lines)[0][1].is_ref);
  EXPECT_EQ((*lines)[0][1].bytes, "1");   // a number: its JSON text
  EXPECT_EQ((*lines)[1][1].bytes, "no");  // a string: its characters
  auto obj = ParseAugmentedLine(R"({"a": {"x": [1, true]}})", {"a"}, "aug", 1);
  ASSERT_TRUE(obj.ok());
  EXPECT_EQ((*obj)[0].bytes, R"({"x":[1,true]})");
}

TEST(ManifestTest, AugmentedErrorsNameTheLine) {
  auto missing = ParseAugmentedManifest("{\"a\": 1}\n{\"b\": 2}\n", {"a"}, "aug.jsonl");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("aug.jsonl line 2 has no attribute \"a\""),
            std::string::npos)
      << missing.status().message();
  EXPECT_FALSE(ParseAugmentedLine(R"({"x-ref": 5})", {"x-ref"}, "aug", 1).ok());
  EXPECT_FALSE(ParseAugmentedLine("[1]", {"x"}, "aug", 1).ok());
  EXPECT_FALSE(ParseAugmentedManifest("\n\n", {"x"}, "aug").ok());
}

}  // namespace
}  // namespace binlake::pipe
