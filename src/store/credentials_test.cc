#include "store/credentials.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "common/testing/temp_dir.h"

namespace binlake::s3 {
namespace {

namespace fs = std::filesystem;

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = temp_.path();
    fs::create_directories(home_ / ".aws");
    vars_["HOME"] = home_.string();
  }
  TempDir temp_{"binlake-creds-test"};

  Environment Env() {
    return Environment{[this](const std::string& name) -> std::optional<std::string> {
      auto it = vars_.find(name);
      if (it == vars_.end()) return std::nullopt;
      return it->second;
    }};
  }
  void Write(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }

  fs::path home_;
  std::map<std::string, std::string> vars_;
};

TEST_F(CredentialsTest, TaskConfigWinsOverEverything) {
  vars_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  vars_["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  TargetConfig config;
  config.credentials = {"CFGKEY", "cfgsecret", "cfgtoken"};
  auto r = ResolveCredentials(config, Env());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->credentials.access_key_id, "CFGKEY");
  EXPECT_EQ(r->credentials.session_token, "cfgtoken");
  EXPECT_EQ(r->source, "task config");
}

TEST_F(CredentialsTest, EnvironmentBeforeFiles) {
  Write(home_ / ".aws/credentials",
        "[default]\naws_access_key_id=FILEKEY\naws_secret_access_key=f\n");
  vars_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  vars_["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  vars_["AWS_SESSION_TOKEN"] = "envtoken";
  auto r = ResolveCredentials(TargetConfig{}, Env());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->credentials.access_key_id, "ENVKEY");
  EXPECT_EQ(r->credentials.secret_access_key, "envsecret");
  EXPECT_EQ(r->credentials.session_token, "envtoken");
  EXPECT_EQ(r->source, "environment");
}

TEST_F(CredentialsTest, HalfSetEnvironmentIsAnErrorWithoutTheSecret) {
  vars_["AWS_SECRET_ACCESS_KEY"] = "s3cr3t-value";
  auto r = ResolveCredentials(TargetConfig{}, Env());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);
  EXPECT_EQ(r.status().message().find("s3cr3t-value"), std::string::npos);
}

TEST_F(CredentialsTest, DefaultProfileFromCredentialsFile) {
  Write(home_ / ".aws/credentials",
        "# comment\n[other]\naws_access_key_id = OTHER\naws_secret_access_key = o\n\n"
        "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = wJal/rXU+tn==\n"
        "aws_session_token = tok\n");
  auto r = ResolveCredentials(TargetConfig{}, Env());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->credentials.access_key_id, "AKIDDEFAULT");
  EXPECT_EQ(r->credentials.secret_access_key, "wJal/rXU+tn==");
  EXPECT_EQ(r->credentials.session_token, "tok");
  EXPECT_EQ(r->source, (home_ / ".aws/credentials").string() + " [default]");
}

TEST_F(CredentialsTest, AwsProfileAndConfigFileSectionNames) {
  // The config file names profiles "[profile x]"; a bare "[x]" there is not profile x.
  Write(home_ / ".aws/config",
        "[dev]\naws_access_key_id = WRONG\naws_secret_access_key = w\n"
        "[profile dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = d\n"
        "region = eu-west-3\ns3 =\n  addressing_style = path\n");
  vars_["AWS_PROFILE"] = "dev";
  auto r = ResolveCredentials(TargetConfig{}, Env());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->credentials.access_key_id, "AKIDDEV");
  EXPECT_EQ(ResolveRegion(TargetConfig{}, Env()), "eu-west-3");
}

TEST_F(CredentialsTest, ExplicitProfileBeatsEnvironmentAndCustomFilePaths) {
  fs::path creds = home_ / "elsewhere-credentials";
  Write(creds, "[ci]\naws_access_key_id=AKIDCI\naws_secret_access_key=c\n");
  vars_["AWS_SHARED_CREDENTIALS_FILE"] = creds.string();
  vars_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  vars_["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  TargetConfig config;
  config.profile = "ci";
  auto r = ResolveCredentials(config, Env());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->credentials.access_key_id, "AKIDCI");
}

TEST_F(CredentialsTest, TildeInFilePathVariables) {
  Write(home_ / "c", "[default]\naws_access_key_id=T\naws_secret_access_key=t\n");
  vars_["AWS_SHARED_CREDENTIALS_FILE"] = "~/c";
  auto r = ResolveCredentials(TargetConfig{}, Env());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->credentials.access_key_id, "T");
}

TEST_F(CredentialsTest, MissingProfileAndMissingCredentialsAreClearErrors) {
  TargetConfig config;
  config.profile = "nope";
  auto r = ResolveCredentials(config, Env());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("profile 'nope' not found"), std::string::npos);

  r = ResolveCredentials(TargetConfig{}, Env());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no S3 credentials"), std::string::npos);
}

TEST_F(CredentialsTest, ProfileWithKeyButNoSecretDoesNotLeakAnything) {
  Write(home_ / ".aws/credentials", "[default]\naws_access_key_id=AKIDHALF\n");
  auto r = ResolveCredentials(TargetConfig{}, Env());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no aws_secret_access_key"), std::string::npos);
}

TEST_F(CredentialsTest, UnreadableFileIsAnError) {
  fs::create_directories(home_ / ".aws/credentials");  // a directory: reading it fails
  auto r = ResolveCredentials(TargetConfig{}, Env());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
}

TEST_F(CredentialsTest, RegionOrder) {
  Write(home_ / ".aws/config", "[default]\nregion = ap-south-1\n");
  EXPECT_EQ(ResolveRegion(TargetConfig{}, Env()), "ap-south-1");
  vars_["AWS_DEFAULT_REGION"] = "eu-central-1";
  EXPECT_EQ(ResolveRegion(TargetConfig{}, Env()), "eu-central-1");
  vars_["AWS_REGION"] = "eu-north-1";
  EXPECT_EQ(ResolveRegion(TargetConfig{}, Env()), "eu-north-1");
  TargetConfig config;
  config.region = "us-west-2";
  EXPECT_EQ(ResolveRegion(config, Env()), "us-west-2");
  vars_.clear();
  EXPECT_EQ(ResolveRegion(TargetConfig{}, Env()), "us-east-1");
}

// As the AWS CLI: --ca-bundle, then AWS_CA_BUNDLE, then the profile's ca_bundle (even when a
// profile is named explicitly, the variable wins), else the system's CAs ("").
TEST_F(CredentialsTest, CaBundleOrder) {
  EXPECT_EQ(ResolveCaBundle(TargetConfig{}, Env()).path, "");
  Write(home_ / ".aws/config",
        "[default]\nca_bundle = ~/certs/default.pem\n[profile dev]\nca_bundle = /dev.pem\n");
  ResolvedCaBundle b = ResolveCaBundle(TargetConfig{}, Env());
  EXPECT_EQ(b.path, (home_ / "certs/default.pem").string());
  EXPECT_EQ(b.source, (home_ / ".aws/config").string() + " [default] ca_bundle");
  TargetConfig dev;
  dev.profile = "dev";
  EXPECT_EQ(ResolveCaBundle(dev, Env()).path, "/dev.pem");
  vars_["AWS_PROFILE"] = "dev";
  EXPECT_EQ(ResolveCaBundle(TargetConfig{}, Env()).source,
            (home_ / ".aws/config").string() + " [profile dev] ca_bundle");
  vars_["AWS_CA_BUNDLE"] = "/env.pem";
  b = ResolveCaBundle(dev, Env());
  EXPECT_EQ(b.path, "/env.pem");
  EXPECT_EQ(b.source, "AWS_CA_BUNDLE");
  dev.ca_bundle = "/flag.pem";
  EXPECT_EQ(ResolveCaBundle(dev, Env()).path, "/flag.pem");
  vars_["AWS_CA_BUNDLE"] = "";  // set but empty: not given
  vars_.erase("AWS_PROFILE");
  EXPECT_EQ(ResolveCaBundle(TargetConfig{}, Env()).path, (home_ / "certs/default.pem").string());
}

TEST(IniTest, Dialect) {
  IniFile ini = ParseIni(
      "; c\n[a]\nk = v = w\n  nested = x\n\n[profile   b]\r\nk2=v2\r\nbroken line\n[c\nk3=v3\n");
  EXPECT_EQ(ini["a"]["k"], "v = w");
  EXPECT_EQ(ini["a"].count("nested"), 0u);
  EXPECT_EQ(ini["profile b"]["k2"], "v2");
  EXPECT_EQ(ini.count("c"), 0u);
}

}  // namespace
}  // namespace binlake::s3
