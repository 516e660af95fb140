// TLS to the source, end to end: the binlake program against a real MariaDB serving a certificate
// made here (scripts/test-servers/tls-certs.sh: a test CA, a server certificate for DNS:localhost
// only, and an unrelated "wrong" CA), one --tls-mode at a time. The user binlake connects as is
// created REQUIRE SSL, so the server itself refuses any plaintext connection: a command that
// succeeds used TLS on every connection it made (the full load's readers and the CDC stream).
// Connecting to 127.0.0.1 reaches the same server by an address the certificate does not list.
// A second server without TLS checks that the modes requiring TLS refuse it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/testing/temp_dir.h"
#include "support/readers.h"
#include "support/test_servers.h"

namespace binlake {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using ::testing::HasSubstr;
using testing::MariaDbServer;
using ::testing::Not;
using testing::RunBinlake;
using testing::RunShell;
using testing::ShellQuote;

constexpr char kPassword[] = "tls-Secret-42";

// The concatenated content of the files under `dir` whose name starts (or not) with LOAD.
std::string FilesUnder(const fs::path& dir, bool load_files) {
  std::string all;
  if (!fs::exists(dir)) return all;
  for (const auto& e : fs::directory_iterator(dir)) {
    if ((e.path().filename().string().rfind("LOAD", 0) == 0) == load_files) {
      all += testing::ReadFileBytes(e.path());
    }
  }
  return all;
}

// The one "binlake: error: ..." line of a failed command (a test failure if there is not exactly
// one, or if the password shows anywhere).
std::string ErrorLine(const CommandResult& r) {
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err + r.out, Not(HasSubstr(kPassword)));
  std::istringstream in(r.err);
  std::string line;
  std::vector<std::string> errors;
  while (std::getline(in, line)) {
    if (line.rfind("binlake: error: ", 0) == 0) errors.push_back(line);
  }
  EXPECT_EQ(errors.size(), 1u) << r.err;
  return errors.empty() ? "" : errors[0];
}

// Starts a MariaDB with `extra_cnf` and a user `tls_user` (REQUIRE SSL when `require_ssl`) that
// may read the table shop.items and replicate.
std::unique_ptr<MariaDbServer> StartServer(const std::vector<std::string>& extra_cnf,
                                           bool require_ssl) {
  auto s = MariaDbServer::Start(extra_cnf);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return nullptr;
  std::unique_ptr<MariaDbServer> server = std::move(s).value();
  Status st = server->Execute(std::string("CREATE USER tls_user@'%' IDENTIFIED BY '") + kPassword +
                              "'" + (require_ssl ? " REQUIRE SSL" : "") +
                              "; GRANT ALL ON *.* TO tls_user@'%'; CREATE DATABASE shop; "
                              "CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(20)); "
                              "INSERT INTO shop.items VALUES (1, 'apple'), (2, 'banana')");
  EXPECT_TRUE(st.ok()) << st.ToString();
  return server;
}

class TlsSourceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new TempDir("binlake-tls-certs");
    CommandResult made =
        RunShell(ShellQuote(testing::SourceDir() + "/scripts/test-servers/tls-certs.sh") + " " +
                 ShellQuote(certs_->path()) + " DNS:localhost");
    ASSERT_EQ(made.exit_code, 0) << made.err;
    server_ = StartServer({"ssl_ca=" + Cert("ca.pem"), "ssl_cert=" + Cert("server.pem"),
                           "ssl_key=" + Cert("server.key")},
                          /*require_ssl=*/true)
                  .release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete certs_;
    certs_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    out_ = std::make_unique<TempDir>("binlake-tls-out");
  }

  static std::string Cert(const std::string& name) { return certs_->path() + "/" + name; }

  // Runs `binlake <command>` as tls_user against `host` with `flags`, into a file target.
  CommandResult Binlake(const std::string& command, const std::string& host,
                        const std::string& flags) const {
    return RunBinlake(command + " --source mysql://tls_user@" + host + ":" +
                          std::to_string(server_->port()) + " --target " +
                          ShellQuote("file://" + out_->path()) + " " + flags,
                      std::string("BINLAKE_SOURCE_PASSWORD=") + kPassword);
  }
  CommandResult DryRun(const std::string& host, const std::string& flags) const {
    return Binlake("full-load --dry-run --progress off", host, flags);
  }

  static inline TempDir* certs_ = nullptr;
  static inline MariaDbServer* server_ = nullptr;
  std::unique_ptr<TempDir> out_;
};

// verify_identity with the CA that signed the certificate, by the name it lists: a full load,
// then CDC (the replication stream, over TLS too) up to the position after a new row.
TEST_F(TlsSourceTest, VerifyIdentityWithTheRightCaLoadsAndStreams) {
  const std::string tls = "--tls-mode verify_identity --tls-ca " + ShellQuote(Cert("ca.pem"));
  CommandResult load = Binlake("full-load --progress off", "localhost", tls);
  ASSERT_EQ(load.exit_code, 0) << load.err;
  const fs::path table = fs::path(out_->path()) / "shop" / "items";
  EXPECT_THAT(FilesUnder(table, true), HasSubstr("banana"));

  ASSERT_TRUE(server_->Execute("INSERT INTO shop.items VALUES (3, 'cherry')").ok());
  CommandResult cdc = Binlake("cdc", "localhost", tls + " --stop-at " + server_->MasterPosition());
  ASSERT_EQ(cdc.exit_code, 0) << cdc.err;
  EXPECT_THAT(FilesUnder(table, false), HasSubstr("cherry"));
  EXPECT_THAT(load.err + cdc.err, Not(HasSubstr(kPassword)));
}

TEST_F(TlsSourceTest, VerifyIdentityRefusesAWrongCa) {
  std::string error = ErrorLine(DryRun(
      "localhost", "--tls-mode verify_identity --tls-ca " + ShellQuote(Cert("wrong-ca.pem"))));
  EXPECT_THAT(error, HasSubstr("tls_user@localhost:" + std::to_string(server_->port())));
  EXPECT_THAT(error, HasSubstr("TLS certificate was refused"));
  EXPECT_THAT(error, HasSubstr("CA file " + Cert("wrong-ca.pem")));
}

TEST_F(TlsSourceTest, VerifyIdentityRefusesAHostTheCertificateDoesNotName) {
  std::string error = ErrorLine(
      DryRun("127.0.0.1", "--tls-mode verify_identity --tls-ca " + ShellQuote(Cert("ca.pem"))));
  EXPECT_THAT(error, HasSubstr("tls_user@127.0.0.1:" + std::to_string(server_->port())));
  EXPECT_THAT(error, HasSubstr("not valid for the host name '127.0.0.1'"));
}

TEST_F(TlsSourceTest, VerifyCaChecksTheCaButNotTheHostName) {
  CommandResult ok =
      DryRun("127.0.0.1", "--tls-mode verify_ca --tls-ca " + ShellQuote(Cert("ca.pem")));
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  std::string error = ErrorLine(
      DryRun("127.0.0.1", "--tls-mode verify_ca --tls-ca " + ShellQuote(Cert("wrong-ca.pem"))));
  EXPECT_THAT(error, HasSubstr("tls_user@127.0.0.1:"));
  EXPECT_THAT(error, HasSubstr("TLS certificate was refused (--tls-mode verify_ca"));
}

// required and preferred encrypt without checking the certificate: a CA given is not used
// (and said so), so even the wrong one does not stop them. disabled is refused by the server
// (REQUIRE SSL), which shows the successes were encrypted.
TEST_F(TlsSourceTest, RequiredAndPreferredEncryptWithoutChecking) {
  CommandResult required = DryRun("127.0.0.1", "--tls-mode required");
  EXPECT_EQ(required.exit_code, 0) << required.err;
  CommandResult with_ca =
      DryRun("127.0.0.1", "--tls-mode required --tls-ca " + ShellQuote(Cert("wrong-ca.pem")));
  EXPECT_EQ(with_ca.exit_code, 0) << with_ca.err;
  EXPECT_THAT(with_ca.out + with_ca.err, HasSubstr("is not used with --tls-mode required"));
  CommandResult preferred = DryRun("127.0.0.1", "");
  EXPECT_EQ(preferred.exit_code, 0) << preferred.err;
  std::string error = ErrorLine(DryRun("127.0.0.1", "--tls-mode disabled"));
  EXPECT_THAT(error, HasSubstr("Access denied"));
}

TEST_F(TlsSourceTest, UnreadableCaFileIsNamed) {
  std::string error = ErrorLine(
      DryRun("localhost", "--tls-mode verify_identity --tls-ca " + ShellQuote(Cert("nope.pem"))));
  EXPECT_THAT(error, HasSubstr(Cert("nope.pem") + " cannot be read"));
}

// A server without TLS: the modes that require it refuse to go on; preferred goes on in
// plaintext.
TEST(TlsPlainServerTest, ModesRequiringTlsRefuseAServerWithoutIt) {
  std::unique_ptr<MariaDbServer> server = StartServer({}, /*require_ssl=*/false);
  ASSERT_NE(server, nullptr);
  TempDir out("binlake-tls-out");
  auto dry_run = [&](const std::string& flags) {
    return RunBinlake("full-load --dry-run --progress off --source mysql://tls_user@127.0.0.1:" +
                          std::to_string(server->port()) + " --target " +
                          ShellQuote("file://" + out.path()) + " " + flags,
                      std::string("BINLAKE_SOURCE_PASSWORD=") + kPassword);
  };
  for (const char* mode : {"required", "verify_ca", "verify_identity"}) {
    SCOPED_TRACE(mode);
    std::string error = ErrorLine(dry_run(std::string("--tls-mode ") + mode));
    EXPECT_THAT(error, HasSubstr("tls_user@127.0.0.1:" + std::to_string(server->port())));
    EXPECT_THAT(error, HasSubstr(std::string("does not offer TLS and --tls-mode ") + mode));
  }
  CommandResult preferred = dry_run("--tls-mode preferred");
  EXPECT_EQ(preferred.exit_code, 0) << preferred.err;
}

}  // namespace
}  // namespace binlake
