#pragma once
// Test helpers for the GCP adapter's tests: a fresh RSA key pair (OpenSSL), RS256 verification
// with OpenSSL's own EVP_DigestVerify, service-account key files in a temp dir, and the recorded
// GCE responses in SKY_SHARED_DIR/specs/recorded/libcloud-gce. Test-only.

#include <string>

namespace sky::providers::gcp::gcptest {

struct RsaKeyPair {
  std::string private_pem;  // PKCS#8 "BEGIN PRIVATE KEY", as Google key files hold it
  std::string public_pem;   // SubjectPublicKeyInfo "BEGIN PUBLIC KEY"
};

// A new 2048-bit RSA key pair; aborts the test binary if OpenSSL fails.
RsaKeyPair GenerateRsaKeyPair();

// The one key pair of this test binary, generated on first use (thread-safe): the fixtures
// share it, since making a 2048-bit key takes a while.
const RsaKeyPair& SharedRsaKeyPair();

// True when `signature` is a valid RS256 signature of `data` under `public_pem`.
bool VerifyRs256(const std::string& public_pem, const std::string& data,
                 const std::string& signature);

// Writes a service-account key file into a fresh temp dir (removed when the binary exits)
// and returns its path.
std::string WriteServiceAccountKeyFile(const std::string& private_pem,
                                       const std::string& project_id, const std::string& token_uri);

// The directory of the recorded GCE responses.
std::string RecordedDir();
// The text of recorded response `file_name`; empty when it cannot be read.
std::string ReadRecorded(const std::string& file_name);

}  // namespace sky::providers::gcp::gcptest
