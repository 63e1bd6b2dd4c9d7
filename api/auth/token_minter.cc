#include "api/auth/token_minter.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <utility>

#include "sky/providers/auth/crypto.h"

namespace sky::api {
namespace {

constexpr char kTokenPrefix[] = "skst_";
constexpr size_t kMinSecretLength = 32;

std::string Trimmed(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  const size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

// Creates `path` exclusively (mode 0600) holding a fresh secret. O_EXCL: when two brokers
// start at once, one creates it and the other gets AlreadyExists and reads it.
Result<std::string> CreateSecretFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int error = errno;
    const std::string message = "cannot create token secret " + path + ": " + std::strerror(error);
    if (error == EEXIST) return Status::AlreadyExists(message);
    return Status::Unavailable(message);
  }
  const std::string secret = RandomHex32();
  const std::string text = secret + "\n";
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool closed = ::close(fd) == 0;
  if (!written || !closed) {
    ::unlink(path.c_str());
    return Status::Unavailable("cannot write token secret " + path);
  }
  return secret;
}

}  // namespace

// OpenSSL's generator fails only when it cannot be seeded. Callers get a plain string (the
// executor cannot launch a stage without a token), so rather than abort we fall back to the OS
// generator behind std::random_device (getrandom on Linux), which is also unguessable.
std::string RandomHex32() {
  constexpr size_t kBytes = 32;
  Result<std::string> bytes = providers::auth::RandomBytes(kBytes);
  if (bytes.ok()) return providers::auth::HexEncode(*bytes);
  std::random_device device;
  std::string fallback(kBytes, '\0');
  for (char& byte : fallback) byte = static_cast<char>(device() & 0xff);
  return providers::auth::HexEncode(fallback);
}

OpenSslTokenMinter::OpenSslTokenMinter() : secret_(RandomHex32()) {}

OpenSslTokenMinter::OpenSslTokenMinter(std::string secret) : secret_(std::move(secret)) {}

Result<std::string> OpenSslTokenMinter::LoadOrCreateSecret(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    auto created = CreateSecretFile(path);
    if (!created.status().IsAlreadyExists()) return created;
    in.open(path, std::ios::binary);  // another process created it first
    if (!in) return Status::Unavailable("cannot read token secret " + path);
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string secret = Trimmed(text.str());
  if (secret.size() < kMinSecretLength) {
    return Status::FailedPrecondition("token secret " + path + " holds fewer than " +
                                      std::to_string(kMinSecretLength) + " characters");
  }
  return secret;
}

std::string OpenSslTokenMinter::TokenFor(std::string_view key) const {
  auto mac = providers::auth::HmacSha256(secret_, key);
  if (!mac.ok()) return kTokenPrefix + RandomHex32();
  return kTokenPrefix + providers::auth::HexEncode(*mac);
}

std::string OpenSslTokenMinter::Hash(std::string_view token) const {
  auto hash = providers::auth::Sha256Hex(token);
  if (hash.ok()) return std::move(hash).value();
  // Not hex and random: never equal to a stored hash, nor to another failure's value (even
  // one stored by an earlier process), so a failed hash denies rather than matches.
  return "unhashable-" + RandomHex32();
}

}  // namespace sky::api
