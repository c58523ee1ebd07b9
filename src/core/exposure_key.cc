#include "core/exposure_key.h"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>

namespace ctem {

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &len, EVP_sha256(), nullptr) != 1) {
    // OpenSSL's SHA-256 cannot fail on valid arguments; this is a broken library.
    throw std::runtime_error("OpenSSL EVP_Digest(SHA-256) failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

std::string GenerateExposureKey(std::string_view source, std::string_view identity,
                                std::string_view asset) {
  std::string raw;
  raw.reserve(source.size() + identity.size() + asset.size() + 2);
  raw.append(source).append(":").append(identity).append(":").append(asset);
  return Sha256Hex(raw).substr(0, 16);
}

}  // namespace ctem
