// Test-only key and certificate factory (OpenSSL): fresh signing keys for
// tokens and a throwaway CA with server and client certificates for TLS tests.
#ifndef KIP_SERVICES_COMMON_TESTING_TEST_PKI_H_
#define KIP_SERVICES_COMMON_TESTING_TEST_PKI_H_

#include <string>

namespace kip::testing {

struct KeyPair {
  std::string private_pem;
  std::string public_pem;
};

KeyPair NewEcP256KeyPair();
KeyPair NewRsaKeyPair(int bits = 2048);

struct Certificate {
  std::string cert_pem;
  std::string key_pem;
};

// A CA and leaf certificates it signs; the server leaf is valid for
// "localhost" and 127.0.0.1.
struct TestPki {
  Certificate ca;
  Certificate server;
  Certificate client;
};
TestPki NewTestPki();

// Writes `contents` to a new file under the test's temp dir; returns its path.
std::string WriteTempFile(const std::string& name, const std::string& contents);

}  // namespace kip::testing

#endif  // KIP_SERVICES_COMMON_TESTING_TEST_PKI_H_
