#include "api/auth/token_minter.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

namespace sky::api {
namespace {

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

bool IsLowerHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

TEST(TokenMinterTest, TokensHaveThePrefixAnd64HexDigits) {
  const OpenSslTokenMinter minter(kSecret);
  const std::string token = minter.TokenFor("p1/train/1");
  ASSERT_EQ(token.size(), 5u + 64u) << token;
  EXPECT_EQ(token.rfind("skst_", 0), 0u) << token;
  EXPECT_TRUE(IsLowerHex(std::string_view(token).substr(5))) << token;
}

TEST(TokenMinterTest, SameKeyAndSecretGiveTheSameToken) {
  const OpenSslTokenMinter minter(kSecret);
  EXPECT_EQ(minter.TokenFor("p1/train/1"), OpenSslTokenMinter(kSecret).TokenFor("p1/train/1"));
  EXPECT_NE(minter.TokenFor("p1/train/1"), minter.TokenFor("p1/train/2"));
  EXPECT_NE(minter.TokenFor("p1/train/1"),
            OpenSslTokenMinter(std::string(kSecret) + "x").TokenFor("p1/train/1"));
}

TEST(TokenMinterTest, DefaultSecretsAreRandom) {
  EXPECT_NE(OpenSslTokenMinter().TokenFor("k"), OpenSslTokenMinter().TokenFor("k"));
  const std::string random = RandomHex32();
  EXPECT_EQ(random.size(), 64u);
  EXPECT_TRUE(IsLowerHex(random));
  EXPECT_NE(random, RandomHex32());
}

TEST(TokenMinterTest, TokenIsHmacSha256OfTheKey) {
  // RFC 4231 test case 2: HMAC-SHA256(key "Jefe", "what do ya want for nothing?").
  EXPECT_EQ(OpenSslTokenMinter("Jefe").TokenFor("what do ya want for nothing?"),
            "skst_5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(TokenMinterTest, HashIsSha256Hex) {
  const OpenSslTokenMinter minter(kSecret);
  EXPECT_EQ(minter.Hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string token = minter.TokenFor("k");
  EXPECT_EQ(minter.Hash(token), minter.Hash(token));
  EXPECT_NE(minter.Hash(token), minter.Hash(minter.TokenFor("other")));
}

TEST(TokenMinterTest, SecretFileIsCreatedPrivateThenReused) {
  std::string dir = (std::filesystem::temp_directory_path() / "sky_minter_XXXXXX").string();
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::string path = dir + "/token-secret";
  auto created = OpenSslTokenMinter::LoadOrCreateSecret(path);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->size(), 64u);
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto loaded = OpenSslTokenMinter::LoadOrCreateSecret(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(*loaded, *created);

  std::ofstream(path, std::ios::trunc) << "short\n";
  EXPECT_TRUE(OpenSslTokenMinter::LoadOrCreateSecret(path).status().IsFailedPrecondition());
  EXPECT_TRUE(
      OpenSslTokenMinter::LoadOrCreateSecret(dir + "/missing/secret").status().IsUnavailable());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sky::api
