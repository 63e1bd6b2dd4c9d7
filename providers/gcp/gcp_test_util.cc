#include "providers/gcp/gcp_test_util.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

namespace sky::providers::gcp::gcptest {
namespace {

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using Bio = std::unique_ptr<BIO, BioDeleter>;
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(length));
}

// Removes the key files' temp dirs when the test binary exits.
struct TempDirs {
  std::vector<std::string> paths;
  ~TempDirs() {
    for (const std::string& path : paths) std::filesystem::remove_all(path);
  }
};
TempDirs& CreatedDirs() {
  static TempDirs dirs;
  return dirs;
}

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "gcp_test_util: %s\n", what);
  std::abort();
}

}  // namespace

RsaKeyPair GenerateRsaKeyPair() {
  Pkey key(EVP_RSA_gen(2048));
  if (!key) Die("EVP_RSA_gen failed");
  Bio private_bio(BIO_new(BIO_s_mem()));
  Bio public_bio(BIO_new(BIO_s_mem()));
  if (!private_bio || !public_bio ||
      PEM_write_bio_PrivateKey(private_bio.get(), key.get(), nullptr, nullptr, 0, nullptr,
                               nullptr) != 1 ||
      PEM_write_bio_PUBKEY(public_bio.get(), key.get()) != 1) {
    Die("PEM encoding failed");
  }
  return {BioText(private_bio.get()), BioText(public_bio.get())};
}

const RsaKeyPair& SharedRsaKeyPair() {
  static const RsaKeyPair keys = GenerateRsaKeyPair();
  return keys;
}

bool VerifyRs256(const std::string& public_pem, const std::string& data,
                 const std::string& signature) {
  Bio bio(BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size())));
  Pkey key(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  if (!key || !ctx ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) == 1;
}

std::string WriteServiceAccountKeyFile(const std::string& private_pem,
                                       const std::string& project_id,
                                       const std::string& token_uri) {
  char dir_template[] = "/tmp/sky_gcp_key_XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (!dir) Die("mkdtemp failed");
  CreatedDirs().paths.push_back(dir);
  const nlohmann::json key = {
      {"type", "service_account"},
      {"project_id", project_id},
      {"private_key_id", "0123456789abcdef0123456789abcdef01234567"},
      {"private_key", private_pem},
      {"client_email", "skybroker@" + project_id + ".iam.gserviceaccount.com"},
      {"client_id", "109876543210987654321"},
      {"auth_uri", "https://accounts.google.com/o/oauth2/auth"},
      {"token_uri", token_uri}};
  std::string path = std::string(dir) + "/key.json";
  std::ofstream(path) << key.dump(2);
  return path;
}

std::string RecordedDir() { return std::string(SKY_SHARED_DIR) + "/specs/recorded/libcloud-gce"; }

std::string ReadRecorded(const std::string& file_name) {
  std::ifstream in(RecordedDir() + "/" + file_name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace sky::providers::gcp::gcptest
