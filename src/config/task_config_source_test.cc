#include "config/task_config_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace binlake {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(SourceUrlTest, Minimal) {
  Result<SourceConfig> c = ParseSourceUrl("mysql://repl@db.example.com");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->user, "repl");
  EXPECT_EQ(c->password, "");
  EXPECT_EQ(c->host, "db.example.com");
  EXPECT_EQ(c->port, 3306);
  EXPECT_EQ(c->database, "");
  EXPECT_EQ(c->Describe(), "mysql://repl@db.example.com:3306");
}

TEST(SourceUrlTest, FullWithPercentDecoding) {
  Result<SourceConfig> c = ParseSourceUrl("mariadb://us%40er:p%40ss%3Aw%2Frd@127.0.0.1:13306/shop");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->user, "us@er");
  EXPECT_EQ(c->password, "p@ss:w/rd");
  EXPECT_EQ(c->host, "127.0.0.1");
  EXPECT_EQ(c->port, 13306);
  EXPECT_EQ(c->database, "shop");
  EXPECT_THAT(c->Describe(), Not(HasSubstr("p@ss")));
  EXPECT_EQ(c->Describe(), "mysql://us%40er@127.0.0.1:13306/shop");  // re-parseable
}

TEST(SourceUrlTest, PasswordMayContainColonsAfterTheFirst) {
  Result<SourceConfig> c = ParseSourceUrl("mysql://u:a:b@h");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->password, "a:b");
}

TEST(SourceUrlTest, Ipv6) {
  Result<SourceConfig> c = ParseSourceUrl("mysql://u@[::1]:3307");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, 3307);
  EXPECT_EQ(c->Describe(), "mysql://u@[::1]:3307");
  EXPECT_FALSE(ParseSourceUrl("mysql://u@::1:3307").ok());
}

TEST(SourceUrlTest, SeveralHostsAreTriedInOrder) {
  Result<SourceConfig> c =
      ParseSourceUrl("mysql://repl:s3cret@db1.example.com,db2.example.com:3307,[::1]:3308/shop");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->host, "db1.example.com");
  EXPECT_EQ(c->port, 3306);
  EXPECT_EQ(c->other_hosts, (std::vector<SourceHost>{{"db2.example.com", 3307}, {"::1", 3308}}));
  EXPECT_EQ(c->database, "shop");
  EXPECT_EQ(c->password, "s3cret");
  EXPECT_EQ(c->Describe(),
            "mysql://repl@db1.example.com:3306,db2.example.com:3307,[::1]:3308/shop");
  EXPECT_EQ(ParseSourceUrl(c->Describe())->other_hosts, c->other_hosts);  // re-parseable
  EXPECT_TRUE(ParseSourceUrl("mysql://u@h1").value().other_hosts.empty());
}

TEST(SourceUrlTest, DescribeShowsNonDefaultTls) {
  SourceConfig c = *ParseSourceUrl("mysql://u:secret@h");
  c.tls.mode = TlsMode::kVerifyIdentity;
  EXPECT_EQ(c.Describe(), "mysql://u@h:3306 (tls: verify_identity)");
}

TEST(SourceUrlTest, Errors) {
  struct Case {
    const char* url;
    const char* message_part;
  } cases[] = {
      {"postgres://u@h", "must start with mysql://"},
      {"mysql://h:3306", "no user"},
      {"mysql://@h", "empty user"},
      {"mysql://u@", "empty host"},
      {"mysql://u@h:", "empty port"},
      {"mysql://u@h:0", "between 1 and 65535"},
      {"mysql://u@h:65536", "between 1 and 65535"},
      {"mysql://u@h:33a", "between 1 and 65535"},
      {"mysql://u@h/db/x", "one database"},
      {"mysql://u@h?ssl=1", "query strings"},
      {"mysql://u:p%zz@h", "invalid percent escape"},
      {"mysql://u:p%4@h", "percent escape"},
      {"mysql://u@[::1", "unclosed"},
      {"mysql://u@h1,", "empty host"},
      {"mysql://u@h1,,h2", "empty host"},
      {"mysql://u@,h2", "empty host"},
      {"mysql://u@h1,h2:0", "between 1 and 65535"},
      {"mysql://u@h1:3306,h1", "given twice"},
      {"mysql://u@h1,h2:3307,h2:3307", "given twice"},
  };
  for (const Case& c : cases) {
    Result<SourceConfig> r = ParseSourceUrl(c.url);
    ASSERT_FALSE(r.ok()) << c.url;
    EXPECT_THAT(r.status().message(), HasSubstr(c.message_part)) << c.url;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(SourceUrlTest, ErrorsNeverEchoThePassword) {
  Result<SourceConfig> r = ParseSourceUrl("mysql://u:hunter2@h:99999");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), Not(HasSubstr("hunter2")));
}

TEST(TlsModeTest, Parse) {
  EXPECT_EQ(*ParseTlsMode("VERIFY-IDENTITY"), TlsMode::kVerifyIdentity);
  EXPECT_EQ(*ParseTlsMode("disabled"), TlsMode::kDisabled);
  EXPECT_EQ(*ParseTlsMode("verify_ca"), TlsMode::kVerifyCa);
  EXPECT_FALSE(ParseTlsMode("strict").ok());
}

}  // namespace
}  // namespace binlake
