#include "core/exposure_key.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <memory>
#include <stdexcept>

namespace ctem {
namespace {

// SHA-256 fetched from the default provider once. EVP_sha256() makes every EVP_Digest fetch
// the implementation again, under the provider store's read-write lock: that fetch cost more
// than hashing the ~50-byte key itself (a tenth of parse time for Snyk and Garak).
// Initialised once (function-local static), immutable afterwards; EVP_MD is thread-safe.
const EVP_MD* Sha256() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md != nullptr ? md : EVP_sha256();  // a provider-less build still hashes
}

// The digest of the concatenated `parts` (hashed one after the other, not joined first) as
// lower-case hex, its first `hex_chars` characters (<= 64).
std::string Sha256HexPrefix(std::initializer_list<std::string_view> parts, size_t hex_chars) {
  // One digest context per thread, reset for each key: EVP_Digest allocates and frees a
  // context on every call.
  struct CtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  thread_local const std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx.get(), Sha256(), nullptr) == 1;
  for (std::string_view part : parts) ok = ok && EVP_DigestUpdate(ctx.get(), part.data(), part.size()) == 1;
  if (!ok || EVP_DigestFinal_ex(ctx.get(), digest.data(), &len) != 1) {
    // OpenSSL's SHA-256 cannot fail on valid arguments; this is a broken library.
    throw std::runtime_error("OpenSSL EVP_Digest(SHA-256) failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  hex_chars = std::min<size_t>(hex_chars, size_t{len} * 2);
  std::string out(hex_chars, '\0');
  for (size_t i = 0; i < hex_chars; ++i) {
    const unsigned char byte = digest[i / 2];
    out[i] = kHex[i % 2 == 0 ? byte >> 4 : byte & 0xF];
  }
  return out;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  return Sha256HexPrefix({data}, 64);
}

std::string GenerateExposureKey(std::string_view source, std::string_view identity, std::string_view asset) {
  return Sha256HexPrefix({source, ":", identity, ":", asset}, 16);
}

}  // namespace ctem
