// `binlake full-load` into Ceph radosgw (the CTest fixture "radosgw"), read back with boto3 and
// compared byte for byte with a load of the same snapshot data into a local directory.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/testing/temp_dir.h"
#include "store/testing/radosgw_env.h"
#include "support/readers.h"
#include "support/test_servers.h"

namespace binlake {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::MariaDbServer;
using testing::RunBinlake;
using testing::ShellQuote;

// name -> content of every LOAD file under dir (recursive), keys relative to dir.
std::map<std::string, std::string> LoadFilesUnder(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename().string().rfind("LOAD", 0) == 0) {
      out[fs::relative(e.path(), dir).string()] = testing::ReadFileBytes(e.path());
    }
  }
  return out;
}

TEST(FullLoadS3Test, LoadToRadosgwEqualsLocalLoad) {
  auto env = testing::LoadRadosgwEnv();
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  auto server = MariaDbServer::Start();
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  std::string sql =
      "CREATE DATABASE app; CREATE TABLE app.events (id INT PRIMARY KEY, "
      "kind ENUM('a','b'), payload VARBINARY(64), at DATETIME(3));"
      "INSERT INTO app.events VALUES ";
  for (int i = 1; i <= 30000; ++i) {
    sql += (i > 1 ? "," : "") + std::string("(") + std::to_string(i) + ",'" + (i % 2 ? "a" : "b") +
           "',UNHEX(SHA2('" + std::to_string(i) + "',256)),'2024-01-01 00:00:00.123' + INTERVAL " +
           std::to_string(i) + " SECOND)";
  }
  ASSERT_TRUE((*server)->Execute(sql).ok());

  fs::path dir = fs::temp_directory_path() / ("binlake-fl-s3-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  std::string source = "--source " + (*server)->RootUrl() + " --tls-mode disabled --progress off";
  std::string common =
      " --threads 3 --chunk-rows 4000 --set MaxFileSize=256 "
      "--set CompressionType=GZIP --set BucketFolder=dms/out";
  CommandResult local =
      RunBinlake("full-load " + source + " --target file://" + dir.string() + "/local" + common);
  ASSERT_EQ(local.exit_code, 0) << local.err;

  std::string creds = "AWS_ACCESS_KEY_ID=" + ShellQuote(env->access_key_id) +
                      " AWS_SECRET_ACCESS_KEY=" + ShellQuote(env->secret_access_key);
  std::string s3 = " --target s3://" + env->bucket + "/run1 --endpoint-url " + env->endpoint +
                   " --region " + env->region + " --path-style";
  CommandResult remote = RunBinlake("full-load " + source + s3 + common, creds);
  ASSERT_EQ(remote.exit_code, 0) << remote.err;
  // Plain http to loopback: no warning about an unencrypted endpoint.
  EXPECT_EQ((remote.out + remote.err).find("unencrypted"), std::string::npos) << remote.out;
  EXPECT_NE(remote.out.find("s3://" + env->bucket + "/run1"), std::string::npos) << remote.out;

  ASSERT_TRUE(testing::DownloadS3Prefix(env->endpoint, env->access_key_id, env->secret_access_key,
                                        env->bucket, "run1/", (dir / "remote").string())
                  .ok());
  auto local_files = LoadFilesUnder(dir / "local");
  auto remote_files = LoadFilesUnder(dir / "remote");
  EXPECT_GT(local_files.size(), 3u);
  EXPECT_EQ(remote_files, local_files);
  EXPECT_TRUE(fs::exists(dir / "remote/dms/out/_binlake/full_load.json"));

  // DuckDB reads the gzip'd objects back to the source's row count.
  auto n = testing::DuckDbQuery(
      {"SELECT count(*) AS n, count(DISTINCT column2) AS d FROM "
       "read_csv(" +
       testing::DuckQuote((dir / "remote/dms/out/app/events").string() + "/LOAD*.csv.gz") +
       ", header=false)"});
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ((*n)[0].at("n"), "30000");
  EXPECT_EQ((*n)[0].at("d"), "30000");

  // A missing bucket and a wrong secret: one line, non-zero, no secret in it.
  CommandResult missing = RunBinlake("full-load " + source +
                                         " --target s3://no-such-bucket-x/p "
                                         "--endpoint-url " +
                                         env->endpoint + " --path-style",
                                     creds);
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("no-such-bucket-x"), std::string::npos) << missing.err;
  CommandResult wrong = RunBinlake("full-load " + source + s3 + common,
                                   "AWS_ACCESS_KEY_ID=" + ShellQuote(env->access_key_id) +
                                       " AWS_SECRET_ACCESS_KEY=not-the-secret-123");
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_EQ(wrong.err.find("not-the-secret-123"), std::string::npos) << wrong.err;
  EXPECT_NE(wrong.err.find("binlake: error:"), std::string::npos) << wrong.err;
  fs::remove_all(dir);
}

// post-processing add-tag rules: every data file of a table (the full load's LOAD files and
// CDC's files) carries the tag-set of the rule that matches the table best, variables
// substituted; binlake's own objects (_binlake/) carry none. Read back with boto3.
TEST(FullLoadS3Test, PostProcessingRulesTagTheDataFiles) {
  auto env = testing::LoadRadosgwEnv();
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  auto server = MariaDbServer::Start({"binlog_row_metadata=FULL"});
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  ASSERT_TRUE((*server)
                  ->Execute("CREATE DATABASE app; CREATE TABLE app.a (id INT PRIMARY KEY);"
                            "CREATE TABLE app.b (id INT PRIMARY KEY);"
                            "INSERT INTO app.a VALUES (1),(2); INSERT INTO app.b VALUES (1)")
                  .ok());
  TempDir dir("binlake-tags");
  const std::string mappings = dir.path() + "/mappings.json";
  std::ofstream(mappings) << R"({"rules":[
    {"rule-type":"selection","rule-id":"1","rule-action":"include",
     "object-locator":{"schema-name":"app","table-name":"%"}},
    {"rule-type":"post-processing","rule-id":"2","rule-action":"add-tag",
     "object-locator":{"schema-name":"%","table-name":"%"},
     "tag-set":[{"key":"dw-schema","value":"${schema-name}"},
                {"key":"dw-table","value":"t_${table-name}"}]},
    {"rule-type":"post-processing","rule-id":"3","rule-action":"add-tag",
     "object-locator":{"schema-name":"app","table-name":"b"},
     "tag-set":[{"key":"owner","value":"team b"}]}]})";
  const std::string creds = "AWS_ACCESS_KEY_ID=" + ShellQuote(env->access_key_id) +
                            " AWS_SECRET_ACCESS_KEY=" + ShellQuote(env->secret_access_key);
  const std::string common = " --source " + (*server)->RootUrl() +
                             " --tls-mode disabled --target s3://" + env->bucket +
                             "/tags --endpoint-url " + env->endpoint + " --region " + env->region +
                             " --path-style --table-mappings " + mappings;
  CommandResult load = RunBinlake("full-load --progress off" + common, creds);
  ASSERT_EQ(load.exit_code, 0) << load.err;
  ASSERT_TRUE(
      (*server)->Execute("INSERT INTO app.a VALUES (3); INSERT INTO app.b VALUES (2)").ok());
  CommandResult cdc = RunBinlake("cdc --stop-at " + (*server)->MasterPosition() + common, creds);
  ASSERT_EQ(cdc.exit_code, 0) << cdc.err;

  // Every object under the prefix with its tags, "key: k=v,k=v" sorted.
  const std::string script = R"(
import boto3, sys
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name=sys.argv[2])
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=sys.argv[3], Prefix="tags/"):
    for o in page.get("Contents", []):
        tags = s3.get_object_tagging(Bucket=sys.argv[3], Key=o["Key"]).get("TagSet", [])
        print(o["Key"] + ": " + ",".join(sorted(t["Key"] + "=" + t["Value"] for t in tags)))
)";
  CommandResult listed =
      testing::RunShell(creds + " /usr/bin/python3 -c " + ShellQuote(script) + " " + env->endpoint +
                        " " + env->region + " " + env->bucket);
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  int a_files = 0, b_files = 0, cdc_files = 0, own = 0;
  std::istringstream lines(listed.out);
  for (std::string line; std::getline(lines, line);) {
    const std::string key = line.substr(0, line.find(": "));
    const std::string tags = line.substr(line.find(": ") + 2);
    if (key.rfind("tags/_binlake/", 0) == 0) {
      EXPECT_EQ(tags, "") << line;
      ++own;
    } else if (key.rfind("tags/app/a/", 0) == 0) {
      EXPECT_EQ(tags, "dw-schema=app,dw-table=t_a") << line;
      ++a_files;
      cdc_files += key.find("/LOAD") == std::string::npos;
    } else if (key.rfind("tags/app/b/", 0) == 0) {
      EXPECT_EQ(tags, "owner=team b") << line;
      ++b_files;
      cdc_files += key.find("/LOAD") == std::string::npos;
    } else {
      ADD_FAILURE() << "unexpected object " << line;
    }
  }
  EXPECT_EQ(a_files, 2) << listed.out;  // a LOAD file and a CDC file each
  EXPECT_EQ(b_files, 2) << listed.out;
  EXPECT_EQ(cdc_files, 2) << listed.out;
  EXPECT_GT(own, 0) << listed.out;
}

// S3 over https with the fixture's own CA (radosgw serves the same gateway on S3_HTTPS_ENDPOINT
// with a certificate signed by S3_CA_BUNDLE): trusted through AWS_CA_BUNDLE, the profile's
// ca_bundle or --ca-bundle it loads; with the system's CAs, or a bundle without that CA, it stops
// with one line about the certificate.
TEST(FullLoadS3Test, HttpsEndpointWithCustomCa) {
  auto env = testing::LoadRadosgwEnv();
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  ASSERT_FALSE(env->https_endpoint.empty()) << "radosgw.env has no S3_HTTPS_ENDPOINT";
  auto server = MariaDbServer::Start();
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  ASSERT_TRUE((*server)
                  ->Execute("CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY, v TEXT);"
                            "INSERT INTO app.t VALUES (1, 'over https'), (2, 'two')")
                  .ok());
  TempDir dir("binlake-fl-s3-tls");
  const std::string aws_config = dir.File("aws-config");
  std::ofstream(aws_config) << "[profile tls]\nca_bundle = " << env->ca_bundle << "\n";
  // Isolated from the caller's AWS settings: no AWS_CA_BUNDLE, no shared config file.
  const std::string creds = "AWS_ACCESS_KEY_ID=" + ShellQuote(env->access_key_id) +
                            " AWS_SECRET_ACCESS_KEY=" + ShellQuote(env->secret_access_key) +
                            " AWS_CONFIG_FILE=" + ShellQuote(dir.File("none")) + " AWS_CA_BUNDLE=";
  auto load = [&](const std::string& prefix, const std::string& env_vars,
                  const std::string& flags = "") {
    return RunBinlake("full-load --source " + (*server)->RootUrl() +
                          " --tls-mode disabled --progress off --target s3://" + env->bucket + "/" +
                          prefix + " --endpoint-url " + env->https_endpoint + " --region " +
                          env->region + " --path-style " + flags,
                      creds + " " + env_vars);
  };
  auto error_line = [&](const CommandResult& r) {
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.err.find(env->secret_access_key), std::string::npos);
    size_t at = r.err.find("binlake: error: ");
    EXPECT_NE(at, std::string::npos) << r.err;
    std::string line = at == std::string::npos ? "" : r.err.substr(at);
    EXPECT_EQ(line.find('\n'), line.size() - 1) << r.err;  // one line, the last
    return line;
  };

  CommandResult ok = load("tls-env", "AWS_CA_BUNDLE=" + ShellQuote(env->ca_bundle));
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ((ok.out + ok.err).find("unencrypted"), std::string::npos) << ok.out;
  ASSERT_TRUE(testing::DownloadS3Prefix(env->endpoint, env->access_key_id, env->secret_access_key,
                                        env->bucket, "tls-env/", dir.File("tls-env"))
                  .ok());
  EXPECT_NE(testing::ReadFileBytes(dir.File("tls-env/app/t/LOAD00000001.csv")).find("over https"),
            std::string::npos);
  CommandResult profile =
      load("tls-profile", "AWS_CONFIG_FILE=" + ShellQuote(aws_config) + " AWS_PROFILE=tls");
  EXPECT_EQ(profile.exit_code, 0) << profile.err;
  CommandResult flag = load("tls-flag", "", "--ca-bundle " + ShellQuote(env->ca_bundle));
  EXPECT_EQ(flag.exit_code, 0) << flag.err;

  std::string untrusted = error_line(load("tls-none", ""));
  EXPECT_NE(untrusted.find("cannot reach S3 endpoint " + env->https_endpoint), std::string::npos)
      << untrusted;
  EXPECT_NE(untrusted.find("certificate"), std::string::npos) << untrusted;
  EXPECT_NE(untrusted.find("AWS_CA_BUNDLE"), std::string::npos) << untrusted;
  const std::string wrong_ca = fs::path(env->ca_bundle).parent_path() / "wrong-ca.pem";
  std::string wrong = error_line(load("tls-wrong", "AWS_CA_BUNDLE=" + ShellQuote(wrong_ca)));
  EXPECT_NE(wrong.find("not signed by a CA in the bundle " + wrong_ca), std::string::npos) << wrong;
  std::string missing = error_line(load("tls-missing", "AWS_CA_BUNDLE=/no/such/ca.pem"));
  EXPECT_NE(missing.find("the CA bundle /no/such/ca.pem (from AWS_CA_BUNDLE) cannot be read"),
            std::string::npos)
      << missing;
}

}  // namespace
}  // namespace binlake
