// Unit tests of SHA-256 and exposure keys (src/core/exposure_key.h). The expected digests
// are the FIPS 180-2 test vectors and values computed with Python's hashlib.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/exposure_key.h"

namespace ctem {
namespace {

TEST(Sha256Hex, KnownTestVectors) {
  struct Case {
    std::string_view input;
    std::string_view expected;
  };
  const std::vector<Case> cases = {
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      // UTF-8 bytes are hashed as they are (Python: "é".encode()).
      {"\xc3\xa9", "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Sha256Hex(c.input), c.expected) << "'" << c.input << "'";
  }
}

TEST(Sha256Hex, IsSixtyFourLowerCaseHexDigits) {
  const std::string digest = Sha256Hex("anything");
  ASSERT_EQ(digest.size(), 64u);
  for (char ch : digest) {
    EXPECT_TRUE((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')) << digest;
  }
}

TEST(Sha256Hex, HashesEmbeddedNulBytes) {
  const std::string with_nul("a\0b", 3);
  EXPECT_NE(Sha256Hex(with_nul), Sha256Hex("a"));
  EXPECT_NE(Sha256Hex(with_nul), Sha256Hex("ab"));
}

TEST(GenerateExposureKey, IsTheFirstSixteenHexOfSha256OfToolIdentityAsset) {
  struct Case {
    std::string_view source;
    std::string_view identity;
    std::string_view asset;
    std::string_view expected;  // hashlib.sha256(f"{s}:{i}:{a}".encode()).hexdigest()[:16]
  };
  const std::vector<Case> cases = {
      {"Wiz", "t", "a", "e4645fbb28928dd7"},
      {"Wiz", "Public S3 bucket", "arn:aws:s3:::orbital-demo", "6f225cb1cbcc157e"},
      {"Snyk", "SNYK-PYTHON-TORCH-6649934", "torch", "de57ce57248c7bae"},
      {"Snyk", "SNYK-JS-LODASH-567746", "lodash", "dc3b2509addc1b87"},
      {"Wiz", "", "", "ab4185d7ef491283"},  // "Wiz::"
      {"Garak", "x", "y", "35de773522252939"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(GenerateExposureKey(c.source, c.identity, c.asset), c.expected)
        << c.source << ":" << c.identity << ":" << c.asset;
  }
}

TEST(GenerateExposureKey, EqualsPrefixOfSha256OfJoinedString) {
  EXPECT_EQ(GenerateExposureKey("Wiz", "t", "a"), Sha256Hex("Wiz:t:a").substr(0, 16));
}

TEST(GenerateExposureKey, DeterministicAndSensitiveToEveryPart) {
  const std::string key = GenerateExposureKey("Wiz", "title", "asset");
  EXPECT_EQ(key.size(), 16u);
  EXPECT_EQ(GenerateExposureKey("Wiz", "title", "asset"), key);
  EXPECT_NE(GenerateExposureKey("Snyk", "title", "asset"), key);
  EXPECT_NE(GenerateExposureKey("Wiz", "title2", "asset"), key);
  EXPECT_NE(GenerateExposureKey("Wiz", "title", "asset2"), key);
  EXPECT_NE(GenerateExposureKey("wiz", "title", "asset"), key);  // case matters, as in the seed
}

}  // namespace
}  // namespace ctem
