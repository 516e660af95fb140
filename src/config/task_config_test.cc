#include "config/task_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "config/settings_parser.h"

namespace binlake {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Status ApplyYaml(const std::string& text, TaskConfig* c) {
  return ApplyTaskConfigText(text, "task.yaml", ConfigFormat::kAuto, "", c);
}

std::string YamlError(const std::string& text) {
  TaskConfig c;
  Status s = ApplyYaml(text, &c);
  EXPECT_FALSE(s.ok()) << text;
  return s.message();
}

constexpr char kFullYaml[] = R"(
source:
  url: mysql://repl@db.internal:3307/shop
  password_env: BINLAKE_TEST_PW
  tls: {mode: verify_ca, ca: certs/ca.pem}
  server_id: 4242
target:
  url: s3://bucket/prefix
  endpoint_url: http://127.0.0.1:7480
  region: eu-west-1
  force_path_style: true
  access_key_id: AKIA
  secret_access_key: s3cr3t
settings:
  CsvDelimiter: ';'
  CsvNullValue: 'NULL'
  MaxFileSize: 2048
  IncludeOpForFullLoad: true
  CompressionType: gzip
table_mappings:
  rules:
    - rule-type: selection
      rule-id: 1
      rule-name: "1"
      object-locator: {schema-name: shop, table-name: "%"}
      rule-action: include
threads: 8
)";

TEST(TaskConfigTest, FullYaml) {
  ASSERT_EQ(setenv("BINLAKE_TEST_PW", "pw-from-env", 1), 0);
  TaskConfig c;
  Status s = ApplyTaskConfigText(kFullYaml, "task.yaml", ConfigFormat::kYaml, "/etc/binlake", &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(c.source.user, "repl");
  EXPECT_EQ(c.source.password, "pw-from-env");
  EXPECT_EQ(c.source.host, "db.internal");
  EXPECT_EQ(c.source.port, 3307);
  EXPECT_EQ(c.source.database, "shop");
  EXPECT_EQ(c.source.tls.mode, TlsMode::kVerifyCa);
  EXPECT_EQ(c.source.tls.ca, "/etc/binlake/certs/ca.pem");  // relative to the config file
  EXPECT_EQ(c.source.server_id, 4242u);
  EXPECT_EQ(c.target.url, "s3://bucket/prefix");
  EXPECT_EQ(c.target.endpoint_url, "http://127.0.0.1:7480");
  EXPECT_EQ(c.target.region, "eu-west-1");
  EXPECT_TRUE(c.target.force_path_style);
  EXPECT_EQ(c.target.credentials.access_key_id, "AKIA");
  EXPECT_EQ(c.target.credentials.secret_access_key, "s3cr3t");
  EXPECT_EQ(c.settings.csv_delimiter, ";");
  EXPECT_EQ(c.settings.csv_null_value, "NULL");
  EXPECT_EQ(c.settings.max_file_size_kb, 2048u);
  EXPECT_TRUE(c.settings.include_op_for_full_load);
  EXPECT_EQ(c.settings.compression, Compression::kGzip);
  EXPECT_FALSE(c.table_mappings.is_default());
  EXPECT_TRUE(c.table_mappings.Selects("shop", "orders"));
  EXPECT_FALSE(c.table_mappings.Selects("crm", "orders"));
  EXPECT_EQ(c.threads, 8);
  EXPECT_TRUE(FinalizeTaskConfig(&c).ok());
}

TEST(TaskConfigTest, JsonByContentAndInlineMappingsAsText) {
  TaskConfig c;
  Status s = ApplyTaskConfigText(
      R"({"source":{"url":"mysql://u@h"},"target":{"url":"file:///tmp/out"},
          "table_mappings":"{\"rules\":[{\"rule-type\":\"selection\",\"rule-id\":\"1\",\"rule-name\":\"1\",\"object-locator\":{\"schema-name\":\"a\",\"table-name\":\"b\"},\"rule-action\":\"explicit\"}]}"})",
      "task.conf", ConfigFormat::kAuto, "", &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(c.table_mappings.Selects("a", "b"));
  EXPECT_FALSE(c.table_mappings.Selects("a", "c"));
  EXPECT_TRUE(FinalizeTaskConfig(&c).ok());
}

TEST(TaskConfigTest, LoadFileWithMappingsFileRelativeToConfig) {
  const std::string dir = ::testing::TempDir() + "/binlake_task_config_test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream m(dir + "/mappings.json");
    m << R"({"rules":[{"rule-type":"selection","rule-id":"7","rule-name":"7",
            "object-locator":{"schema-name":"shop","table-name":"orders"},"rule-action":"include"}]})";
    std::ofstream y(dir + "/task.yml");
    y << "source: {url: 'mysql://u@h'}\ntarget: {url: 'file:///tmp/x'}\n"
         "table_mappings_file: mappings.json\n";
  }
  TaskConfig c;
  Status s = LoadTaskConfigFile(dir + "/task.yml", &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(c.table_mappings.Selects("shop", "orders"));
  ASSERT_EQ(c.table_mappings.selection_rules().size(), 1u);
  EXPECT_EQ(c.table_mappings.selection_rules()[0].rule_id, "7");
}

TEST(TaskConfigTest, SettingsLayering) {
  // DMS settings file first, then the config's settings, then --set.
  TaskConfig c;
  ASSERT_TRUE(
      ApplyS3SettingsText(R"({"CsvDelimiter":"|","MaxFileSize":5})", "dms.json", &c.settings).ok());
  ASSERT_TRUE(ApplyYaml("settings: {MaxFileSize: 6}\n", &c).ok());
  EXPECT_EQ(c.settings.csv_delimiter, "|");
  EXPECT_EQ(c.settings.max_file_size_kb, 6u);
  ASSERT_TRUE(ApplyS3SettingOverride("MaxFileSize=7", &c.settings).ok());
  EXPECT_EQ(c.settings.max_file_size_kb, 7u);
}

TEST(TaskConfigTest, UnknownKeysAreErrors) {
  EXPECT_EQ(YamlError("sourse: {url: 'mysql://u@h'}\n"),
            "task.yaml: unknown key 'sourse' (did you mean 'source'?)");
  EXPECT_EQ(YamlError("source: {url: 'mysql://u@h', passwd: x}\n"),
            "task.yaml: unknown key 'source.passwd' (did you mean 'source.password'?)");
  EXPECT_THAT(YamlError("source: {tls: {mod: required}}\n"),
              HasSubstr("unknown key 'source.tls.mod'"));
  EXPECT_THAT(YamlError("target: {bucket: x}\n"), HasSubstr("unknown key 'target.bucket'"));
  EXPECT_EQ(YamlError("settings: {CsvDelimeter: ';'}\n"),
            "task.yaml: settings: unknown S3Settings key 'CsvDelimeter' (did you mean "
            "'CsvDelimiter'?)");
}

TEST(TaskConfigTest, Standby) {
  TaskConfig c;
  EXPECT_FALSE(c.standby.enabled);
  EXPECT_EQ(c.standby.lease_seconds, 10);
  ASSERT_TRUE(
      ApplyYaml("standby: {enabled: true, lease_seconds: 4, instance_id: replica-a}\n", &c).ok());
  EXPECT_TRUE(c.standby.enabled);
  EXPECT_EQ(c.standby.lease_seconds, 4);
  EXPECT_EQ(c.standby.instance_id, "replica-a");
  EXPECT_EQ(YamlError("standby: {lease_seconds: 0}\n"),
            "task.yaml: standby.lease_seconds: must be an integer between 1 and 3600");
  EXPECT_THAT(YamlError("standby: {enable: true}\n"),
              HasSubstr("unknown key 'standby.enable' (did you mean 'standby.enabled'?)"));
  EXPECT_THAT(YamlError("standby: true\n"), HasSubstr("standby"));
}

TEST(TaskConfigTest, TypeAndValueErrors) {
  EXPECT_EQ(YamlError("threads: 0\n"), "task.yaml: threads: must be an integer between 1 and 1024");
  EXPECT_THAT(YamlError("threads: '4'\n"), HasSubstr("threads: must be an integer"));
  EXPECT_THAT(YamlError("target: {force_path_style: yes}\n"),
              HasSubstr("target.force_path_style: must be true or false"));
  EXPECT_THAT(YamlError("source: {tls: {mode: strict}}\n"),
              HasSubstr("source.tls.mode: 'strict' is not one of"));
  EXPECT_THAT(YamlError("source: {tls: {cert: a.pem}}\n"), HasSubstr("together"));
  EXPECT_THAT(YamlError("source: {server_id: 0}\n"), HasSubstr("source.server_id"));
  EXPECT_THAT(YamlError("source: {url: 'postgres://u@h'}\n"),
              HasSubstr("source.url: source URL: must start with mysql://"));
  EXPECT_THAT(YamlError("settings: {CsvNullValue: NULL}\n"), HasSubstr("quote the value"));
  EXPECT_THAT(YamlError("settings: {MaxFileSize: 0}\n"),
              HasSubstr("task.yaml: settings: MaxFileSize: must be an integer between"));
  EXPECT_THAT(YamlError("table_mappings: {rules: []}\n"), HasSubstr("no rules"));
  EXPECT_THAT(YamlError("table_mappings: {rules: []}\ntable_mappings_file: x.json\n"),
              HasSubstr("not both"));
  EXPECT_THAT(YamlError("table_mappings_file: /nonexistent/m.json\n"),
              HasSubstr("/nonexistent/m.json: cannot open"));
  EXPECT_THAT(YamlError("- a\n- b\n"), HasSubstr("must be a map"));
  EXPECT_THAT(YamlError(""), HasSubstr("empty"));
  EXPECT_THAT(YamlError("threads: 1\nthreads: 2\n"), HasSubstr("line 2: duplicate key 'threads'"));
  EXPECT_THAT(YamlError("source: [1,\n  b: }\n"), HasSubstr("task.yaml: invalid YAML at line 2"));
  TaskConfig c;
  EXPECT_THAT(
      ApplyTaskConfigText("{\"threads\": }", "t.json", ConfigFormat::kJson, "", &c).message(),
      HasSubstr("t.json: invalid JSON: parse error at line 1"));
}

TEST(TaskConfigTest, PasswordSourcesAreExclusiveAndNeverEchoed) {
  EXPECT_THAT(YamlError("source: {url: 'mysql://u:p@h', password: q}\n"),
              HasSubstr("has a password"));
  EXPECT_THAT(YamlError("source: {url: 'mysql://u@h', password: q, password_env: X}\n"),
              HasSubstr("not both"));
  ASSERT_EQ(unsetenv("BINLAKE_TEST_UNSET_PW"), 0);
  EXPECT_EQ(YamlError("source: {url: 'mysql://u@h', password_env: BINLAKE_TEST_UNSET_PW}\n"),
            "task.yaml: source.password_env: environment variable 'BINLAKE_TEST_UNSET_PW' is not "
            "set");
  EXPECT_THAT(YamlError("target: {secret_access_key: [topsecret]}\n"), Not(HasSubstr("topsecret")));
  TaskConfig c;
  ASSERT_TRUE(ApplyYaml("source: {url: 'mysql://u@h', password: 'pa ss'}\n", &c).ok());
  EXPECT_EQ(c.source.password, "pa ss");
  EXPECT_THAT(c.source.Describe(), Not(HasSubstr("pa ss")));
}

TEST(TaskConfigTest, YamlScalarsFollowCoreSchema) {
  TaskConfig c;
  // An unquoted account id is a YAML integer; string settings accept it as its digits.
  ASSERT_TRUE(ApplyYaml("settings: {ExpectedBucketOwner: 123456789012, Rfc4180: false,\n"
                        "  CsvDelimiter: \"\\t\", CdcMinFileSize: 0x10}\n",
                        &c)
                  .ok());
  EXPECT_EQ(c.settings.expected_bucket_owner, "123456789012");
  EXPECT_FALSE(c.settings.rfc4180);
  EXPECT_EQ(c.settings.csv_delimiter, "\t");
  EXPECT_EQ(c.settings.cdc_min_file_size_kb, 16u);
}

TEST(TaskConfigTest, FinalizeChecks) {
  TaskConfig c;
  EXPECT_THAT(FinalizeTaskConfig(&c).message(), HasSubstr("no source"));
  ASSERT_TRUE(ApplyYaml("source: {url: 'mysql://u@h'}\n", &c).ok());
  EXPECT_THAT(FinalizeTaskConfig(&c).message(), HasSubstr("no target"));
  c.target.url = "/tmp/out";
  EXPECT_THAT(FinalizeTaskConfig(&c).message(), HasSubstr("must be file:///absolute/path"));
  c.target.url = "s3:///x";
  EXPECT_FALSE(FinalizeTaskConfig(&c).ok());
  c.target.url = "";
  ASSERT_TRUE(ApplyS3SettingOverride("BucketName=bk", &c.settings).ok());
  ASSERT_TRUE(ApplyS3SettingOverride("CannedAclForObjects=private", &c.settings).ok());
  ASSERT_TRUE(FinalizeTaskConfig(&c).ok());
  EXPECT_EQ(c.target.url, "s3://bk");
  EXPECT_EQ(c.target.canned_acl, "PRIVATE");
  ASSERT_TRUE(ApplyS3SettingOverride("CdcInsertsOnly=true", &c.settings).ok());
  ASSERT_TRUE(ApplyS3SettingOverride("CdcInsertsAndUpdates=true", &c.settings).ok());
  EXPECT_THAT(FinalizeTaskConfig(&c).message(), HasSubstr("cannot both be true"));
}

TEST(TaskConfigTest, MissingFile) {
  TaskConfig c;
  Status s = LoadTaskConfigFile("/nonexistent/task.yaml", &c);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "/nonexistent/task.yaml: cannot open the task config file");
}

}  // namespace
}  // namespace binlake
