#include "services/common/testing/test_pki.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>

namespace kip::testing {
namespace {

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "test PKI: %s failed\n", what);  // test-only helper
  std::abort();
}

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string PrivatePem(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()),
                                                &BIO_free);
  Check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr,
                                 nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  return BioToString(bio.get());
}

std::string PublicPem(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()),
                                                &BIO_free);
  Check(PEM_write_bio_PUBKEY(bio.get(), key) == 1, "PEM_write_bio_PUBKEY");
  return BioToString(bio.get());
}

std::string CertPem(X509* cert) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()),
                                                &BIO_free);
  Check(PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
  return BioToString(bio.get());
}

void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  Check(ext != nullptr, "X509V3_EXT_conf_nid");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

X509Ptr MakeCert(EVP_PKEY* key, const char* cn, X509* issuer,
                 EVP_PKEY* issuer_key, bool is_ca, long serial) {
  X509Ptr cert(X509_new(), &X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn), -1, -1,
                             0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  if (is_ca) {
    AddExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    AddExtension(cert.get(), signer, NID_key_usage,
                 "critical,keyCertSign,cRLSign");
  } else {
    AddExtension(cert.get(), signer, NID_basic_constraints, "CA:FALSE");
    AddExtension(cert.get(), signer, NID_subject_alt_name,
                 "DNS:localhost,IP:127.0.0.1");
    AddExtension(cert.get(), signer, NID_ext_key_usage,
                 "serverAuth,clientAuth");
  }
  Check(X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key,
                  EVP_sha256()) > 0,
        "X509_sign");
  return cert;
}

}  // namespace

KeyPair NewEcP256KeyPair() {
  PkeyPtr key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  Check(key != nullptr, "EVP_EC_gen");
  return KeyPair{PrivatePem(key.get()), PublicPem(key.get())};
}

KeyPair NewRsaKeyPair(int bits) {
  PkeyPtr key(EVP_RSA_gen(static_cast<unsigned int>(bits)), &EVP_PKEY_free);
  Check(key != nullptr, "EVP_RSA_gen");
  return KeyPair{PrivatePem(key.get()), PublicPem(key.get())};
}

TestPki NewTestPki() {
  PkeyPtr ca_key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  PkeyPtr server_key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  PkeyPtr client_key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  X509Ptr ca = MakeCert(ca_key.get(), "KIP test CA", nullptr, nullptr, true, 1);
  X509Ptr server =
      MakeCert(server_key.get(), "localhost", ca.get(), ca_key.get(), false, 2);
  X509Ptr client = MakeCert(client_key.get(), "kip-test-client", ca.get(),
                            ca_key.get(), false, 3);
  return TestPki{{CertPem(ca.get()), PrivatePem(ca_key.get())},
                 {CertPem(server.get()), PrivatePem(server_key.get())},
                 {CertPem(client.get()), PrivatePem(client_key.get())}};
}

std::string WriteTempFile(const std::string& name,
                          const std::string& contents) {
  const char* dir = std::getenv("TEST_TMPDIR");
  std::string path = std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  return path;
}

}  // namespace kip::testing
