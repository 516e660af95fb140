#include "source/connection_tls.h"

#include <errmsg.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <mysqld_error.h>

namespace binlake {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ConnectionConfig Config(TlsMode mode, std::string ca = "") {
  ConnectionConfig c;
  c.host = "db.example.com";
  c.port = 3307;
  c.user = "repl";
  c.password = "s3cret-pw";
  c.tls_mode = mode;
  c.tls_ca = std::move(ca);
  return c;
}

TEST(PlanTlsTest, DisabledAsksForNothing) {
  TlsClientOptions o = PlanTls(Config(TlsMode::kDisabled, "/ca.pem"), "/sys");
  EXPECT_FALSE(o.use_tls);
  EXPECT_FALSE(o.require_tls);
  EXPECT_FALSE(o.verify_host);
  EXPECT_EQ(o.ca_file, "");
}

// A CA passed to Connector/C makes it check the chain, so the modes that do not verify pass
// none, even when one was given.
TEST(PlanTlsTest, PreferredAndRequiredPassNoCa) {
  for (TlsMode mode : {TlsMode::kPreferred, TlsMode::kRequired}) {
    ConnectionConfig c = Config(mode, "/ca.pem");
    c.tls_cert = "/client.pem";
    c.tls_key = "/client.key";
    TlsClientOptions o = PlanTls(c, "/sys");
    EXPECT_TRUE(o.use_tls);
    EXPECT_FALSE(o.verify_host);
    EXPECT_EQ(o.ca_file, "");
    EXPECT_EQ(o.ca_dir, "");
    EXPECT_EQ(o.cert_file, "/client.pem");
    EXPECT_EQ(o.key_file, "/client.key");
    EXPECT_EQ(o.require_tls, mode == TlsMode::kRequired);
  }
}

TEST(PlanTlsTest, VerifyCaChecksTheChainNotTheHost) {
  TlsClientOptions o = PlanTls(Config(TlsMode::kVerifyCa, "/ca.pem"), "/sys");
  EXPECT_TRUE(o.use_tls);
  EXPECT_TRUE(o.require_tls);
  EXPECT_FALSE(o.verify_host);
  EXPECT_EQ(o.ca_file, "/ca.pem");
  EXPECT_EQ(o.ca_dir, "");
}

TEST(PlanTlsTest, VerifyWithoutCaUsesTheSystemCas) {
  for (TlsMode mode : {TlsMode::kVerifyCa, TlsMode::kVerifyIdentity}) {
    TlsClientOptions o = PlanTls(Config(mode), "/etc/ssl/certs");
    EXPECT_EQ(o.ca_file, "");
    EXPECT_EQ(o.ca_dir, "/etc/ssl/certs");
    EXPECT_EQ(o.verify_host, mode == TlsMode::kVerifyIdentity);
  }
}

TEST(PlanTlsTest, VerifyIdentityChecksChainAndHost) {
  TlsClientOptions o = PlanTls(Config(TlsMode::kVerifyIdentity, "/ca.pem"), "/sys");
  EXPECT_TRUE(o.verify_host);
  EXPECT_TRUE(o.require_tls);
  EXPECT_EQ(o.ca_file, "/ca.pem");
}

TEST(CheckNegotiatedTlsTest, RefusesPlaintextWhenTlsIsRequired) {
  for (TlsMode mode : {TlsMode::kDisabled, TlsMode::kPreferred}) {
    EXPECT_TRUE(CheckNegotiatedTls(Config(mode), false).ok());
  }
  for (TlsMode mode : {TlsMode::kRequired, TlsMode::kVerifyCa, TlsMode::kVerifyIdentity}) {
    EXPECT_TRUE(CheckNegotiatedTls(Config(mode), true).ok());
    Status s = CheckNegotiatedTls(Config(mode), false);
    EXPECT_EQ(s.code(), StatusCode::kPreconditionFailed);
    EXPECT_THAT(s.message(), HasSubstr("repl@db.example.com:3307"));
    EXPECT_THAT(s.message(), HasSubstr("does not offer TLS"));
    EXPECT_THAT(s.message(), HasSubstr(std::string(TlsModeName(mode))));
  }
}

// The texts are Connector/C 3.3's (ER(CR_SSL_CONNECTION_ERROR) = "TLS/SSL error: %-.100s").
TEST(ConnectErrorToStatusTest, HostNameMismatch) {
  Status s =
      ConnectErrorToStatus(Config(TlsMode::kVerifyIdentity, "/ca.pem"), CR_SSL_CONNECTION_ERROR,
                           "TLS/SSL error: Validation of SSL server certificate failed");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("cannot connect to the source repl@db.example.com:3307"));
  EXPECT_THAT(s.message(), HasSubstr("not valid for the host name 'db.example.com'"));
  EXPECT_THAT(s.message(), HasSubstr("verify_identity"));
}

TEST(ConnectErrorToStatusTest, UntrustedChainNamesTheCa) {
  Status s = ConnectErrorToStatus(Config(TlsMode::kVerifyCa, "/etc/binlake/ca.pem"),
                                  CR_SSL_CONNECTION_ERROR,
                                  "TLS/SSL error: self-signed certificate in certificate chain");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("TLS certificate was refused"));
  EXPECT_THAT(s.message(), HasSubstr("--tls-mode verify_ca"));
  EXPECT_THAT(s.message(), HasSubstr("CA file /etc/binlake/ca.pem"));
  EXPECT_THAT(s.message(), HasSubstr("self-signed certificate in certificate chain"));
  EXPECT_THAT(ConnectErrorToStatus(Config(TlsMode::kVerifyIdentity), CR_SSL_CONNECTION_ERROR,
                                   "TLS/SSL error: unable to get local issuer certificate")
                  .message(),
              HasSubstr("the system's CAs"));
}

TEST(ConnectErrorToStatusTest, ServerWithoutTls) {
  Status s =
      ConnectErrorToStatus(Config(TlsMode::kVerifyIdentity), CR_SSL_CONNECTION_ERROR,
                           "TLS/SSL error: SSL is required, but the server does not support it");
  EXPECT_EQ(s.code(), StatusCode::kPreconditionFailed);
  EXPECT_THAT(s.message(), HasSubstr("does not offer TLS"));
}

TEST(ConnectErrorToStatusTest, SystemErrorDuringTheHandshakeIsRetryable) {
  Status s = ConnectErrorToStatus(Config(TlsMode::kRequired), CR_SSL_CONNECTION_ERROR,
                                  "TLS/SSL error: Connection reset by peer (104)");
  EXPECT_EQ(s.code(), StatusCode::kNetworkError);
  EXPECT_TRUE(s.IsRetryable());
  EXPECT_THAT(ConnectErrorToStatus(Config(TlsMode::kRequired), CR_SSL_CONNECTION_ERROR,
                                   "TLS/SSL error: wrong version number")
                  .code(),
              StatusCode::kInvalidArgument);
}

TEST(ConnectErrorToStatusTest, OtherErrorsAsBefore) {
  Status s = ConnectErrorToStatus(Config(TlsMode::kPreferred), ER_ACCESS_DENIED_ERROR,
                                  "Access denied for user 'repl'@'10.0.0.1' (using password: YES)");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("cannot connect to the source repl@db.example.com:3307"));
  EXPECT_EQ(ConnectErrorToStatus(Config(TlsMode::kPreferred), CR_CONN_HOST_ERROR, "x").code(),
            StatusCode::kNetworkError);
}

TEST(ConnectErrorToStatusTest, NeverThePassword) {
  for (TlsMode mode : {TlsMode::kRequired, TlsMode::kVerifyCa, TlsMode::kVerifyIdentity}) {
    for (const char* text : {"TLS/SSL error: Validation of SSL server certificate failed",
                             "TLS/SSL error: certificate has expired", "TLS/SSL error: x (5)"}) {
      EXPECT_THAT(ConnectErrorToStatus(Config(mode), CR_SSL_CONNECTION_ERROR, text).message(),
                  Not(HasSubstr("s3cret-pw")));
    }
    EXPECT_THAT(CheckNegotiatedTls(Config(mode), false).message(), Not(HasSubstr("s3cret-pw")));
  }
}

}  // namespace
}  // namespace binlake
