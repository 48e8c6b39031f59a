// Tests of `veille serve --tls-cert/--tls-key`: a certificate made here
// (self-signed, P-256), httplib's TLS client, the Secure cookie and HSTS,
// and what a plain-HTTP client or a bad certificate gets.
#define CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "server/server_helpers.h"
#include "veille/server.h"

namespace veille {
namespace {

using nlohmann::json;
using testing::RawClient;
using testing::TestArchive;

bool MakeSelfSigned(const std::string& cert_path, const std::string& key_path) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  if (!key || !x) return false;
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  bool ok = X509_sign(x, key, EVP_sha256()) > 0;
  FILE* f = std::fopen(key_path.c_str(), "w");
  ok = ok && f && PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  if (f) std::fclose(f);
  f = std::fopen(cert_path.c_str(), "w");
  ok = ok && f && PEM_write_X509(f, x);
  if (f) std::fclose(f);
  X509_free(x);
  EVP_PKEY_free(key);
  return ok;
}

TEST(TlsTest, ServesOverTlsWithSecureCookies) {
  TestArchive t("tls");
  const std::string cert = (t.root / "cert.pem").string(), key = (t.root / "key.pem").string();
  ASSERT_TRUE(MakeSelfSigned(cert, key));
  const std::string token = t.AddAccount("rita", "reader");
  ServerOptions o;
  o.db = t.db;
  o.port = 0;
  o.web_dir = t.web();
  o.tls_cert = cert;
  o.tls_key = key;
  o.log = [](std::string_view) {};
  auto s = Server::Start(o);
  ASSERT_TRUE(s.ok()) << s.error().message;

  httplib::SSLClient c("127.0.0.1", (*s)->port());
  c.enable_server_certificate_verification(false);
  c.set_read_timeout(10, 0);
  auto index = c.Get("/");
  ASSERT_TRUE(index) << httplib::to_string(index.error());
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->get_header_value("Strict-Transport-Security"), "max-age=31536000");
  EXPECT_FALSE(index->get_header_value("Content-Security-Policy").empty());
  auto denied = c.Get("/api/stats");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 401);
  auto stats = c.Get("/api/stats", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->status, 200);
  EXPECT_EQ(json::parse(stats->body)["articles"], 2);
  auto login = c.Post("/api/login", json{{"token", token}}.dump(), "application/json");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 200);
  std::string cookie = login->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  // Keep-alive over TLS: several requests on the connection.
  for (int i = 0; i < 5; ++i) {
    auto r = c.Get("/api/search?q=dockers", {{"Authorization", "Bearer " + token}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  // Plain HTTP on the TLS port gets no answer, and harms nothing.
  {
    RawClient plain((*s)->port());
    auto r = plain.Request("GET", "/api/stats");
    EXPECT_EQ(r.status, 0);
  }
  auto again = c.Get("/api/stats", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST(TlsTest, BadCertificateOrKeyFailsAtStartNamingTheFile) {
  TestArchive t("tlsbad");
  const std::string cert = (t.root / "cert.pem").string(), key = (t.root / "key.pem").string();
  ASSERT_TRUE(MakeSelfSigned(cert, key));
  const std::string other_cert = (t.root / "c2.pem").string(),
                    other_key = (t.root / "k2.pem").string();
  ASSERT_TRUE(MakeSelfSigned(other_cert, other_key));
  ServerOptions o;
  o.db = t.db;
  o.port = 0;
  o.web_dir = t.web();
  o.log = [](std::string_view) {};
  auto start = [&](std::string c, std::string k) {
    ServerOptions x = o;
    x.tls_cert = std::move(c);
    x.tls_key = std::move(k);
    return Server::Start(x);
  };
  auto missing = start((t.root / "none.pem").string(), key);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("none.pem"), std::string::npos) << missing.error().message;
  auto mismatch = start(cert, other_key);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.error().message.find("k2.pem"), std::string::npos) << mismatch.error().message;
  auto half = start(cert, "");
  ASSERT_FALSE(half.ok());
  EXPECT_NE(half.error().message.find("both"), std::string::npos);
  const std::string garbage = (t.root / "garbage.pem").string();
  std::ofstream(garbage) << "not a certificate";
  auto bad = start(garbage, key);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("garbage.pem"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace veille
