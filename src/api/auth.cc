#include "api/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "parsers/parser.h"

namespace ctem::api {
namespace {

std::string Hex(const unsigned char* data, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 0xf];
  }
  return out;
}

std::string Base64Url(const unsigned char* data, size_t n) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    acc = (acc << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 0x3f];
  return out;
}

}  // namespace

std::string_view ScopeName(Scope scope) {
  switch (scope) {
    case Scope::kIngest: return "ingest";
    case Scope::kRead: return "read";
    case Scope::kAdmin: return "admin";
  }
  return "read";
}

Result<Scope> ParseScope(std::string_view name) {
  if (name == "ingest") return Scope::kIngest;
  if (name == "read") return Scope::kRead;
  if (name == "admin") return Scope::kAdmin;
  return Fail(
      Error::InvalidArgument("unknown scope '" + std::string(name) + "' (expected ingest, read or admin)"));
}

bool Allows(Scope scope, Access needed) {
  switch (scope) {
    case Scope::kAdmin: return true;
    case Scope::kRead: return needed == Access::kRead;
    case Scope::kIngest: return needed == Access::kIngest;
  }
  return false;
}

Result<GeneratedToken> GenerateToken() {
  std::array<unsigned char, 32> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    return Fail(Error::Internal("OpenSSL RAND_bytes failed: no token was made"));
  }
  GeneratedToken t;
  t.token = "ctem_" + Base64Url(random.data(), random.size());
  t.hash = HashToken(t.token);
  t.prefix = t.token.substr(0, 12);
  return t;
}

std::string HashToken(std::string_view token) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  if (EVP_Digest(token.data(), token.size(), digest.data(), &len, EVP_sha256(), nullptr) != 1) {
    // SHA-256 cannot fail on valid arguments; a broken library must not authenticate anyone.
    std::abort();
  }
  return Hex(digest.data(), len);
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &len) == nullptr) {
    std::abort();
  }
  return Hex(mac.data(), len);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;  // the length (64 hex digits) is no secret
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool VerifyWebhookSignature(std::string_view secret, std::string_view body, std::string_view header) {
  constexpr std::string_view kPrefix = "sha256=";
  if (header.size() != kPrefix.size() + 64 || header.substr(0, kPrefix.size()) != kPrefix) return false;
  std::string presented(header.substr(kPrefix.size()));
  std::transform(presented.begin(), presented.end(), presented.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ConstantTimeEquals(HmacSha256Hex(secret, body), presented);
}

std::string_view AuthFailureReason(AuthFailure f) {
  switch (f) {
    case AuthFailure::kMissing: return "missing bearer token";
    case AuthFailure::kMalformed: return "malformed Authorization header";
    case AuthFailure::kUnknown: return "unknown token";
    case AuthFailure::kRevoked: return "revoked token";
    case AuthFailure::kStoreUnavailable: return "token store unavailable";
  }
  return "unauthenticated";
}

TokenAuthenticator::TokenAuthenticator(Lookup lookup, Touch touch, std::chrono::milliseconds ttl,
                                       SteadyNow now)
    : lookup_(std::move(lookup)), touch_(std::move(touch)), ttl_(ttl), now_(std::move(now)) {
  if (!now_) now_ = [] { return std::chrono::steady_clock::now(); };
}

std::optional<Principal> TokenAuthenticator::FromCache(const std::string& hash,
                                                       std::chrono::steady_clock::time_point now) {
  if (ttl_.count() <= 0) return std::nullopt;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cache_.find(hash);
  if (it == cache_.end()) return std::nullopt;
  if (now < it->second.expires) return it->second.principal;
  cache_.erase(it);
  return std::nullopt;
}

std::expected<Principal, AuthFailure> TokenAuthenticator::Authenticate(std::string_view authorization) {
  if (authorization.empty()) return std::unexpected(AuthFailure::kMissing);
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size() || authorization.size() > 512 ||
      !std::equal(kBearer.begin(), kBearer.end(), authorization.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
      })) {
    return std::unexpected(AuthFailure::kMalformed);
  }
  std::string_view token = authorization.substr(kBearer.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return std::unexpected(AuthFailure::kMissing);
  const std::string hash = HashToken(token);
  const auto now = now_();
  if (auto cached = FromCache(hash, now)) return *cached;
  // One store lookup at a time: when a cached token expires, every request in flight misses
  // at once, and each would take a store connection of its own (measured: 64 connections
  // opening together, some refused, answered 503). The others wait and find it cached.
  std::lock_guard<std::mutex> lookup_lock(lookup_mu_);
  if (auto cached = FromCache(hash, now)) return *cached;
  auto row = lookup_(hash);
  if (!row) return std::unexpected(AuthFailure::kStoreUnavailable);
  if (!*row) return std::unexpected(AuthFailure::kUnknown);
  if ((*row)->revoked_at) return std::unexpected(AuthFailure::kRevoked);
  auto scope = ParseScope((*row)->scope);
  if (!scope) return std::unexpected(AuthFailure::kUnknown);
  Principal p{(*row)->id, (*row)->tenant_id, *scope, (*row)->name};
  if (ttl_.count() > 0) {
    std::lock_guard<std::mutex> lock(mu_);
    if (cache_.size() >= kMaxCached) cache_.clear();  // bounded; the next requests refill it
    cache_[hash] = Cached{p, now + ttl_};
  }
  if (touch_) touch_(p.token_id);
  return p;
}

RateLimiter::RateLimiter(double rate, double burst) : rate_(rate), burst_(std::max(burst, 1.0)) {}

std::optional<int> RateLimiter::Acquire(long long key, std::chrono::steady_clock::time_point now) {
  if (rate_ <= 0) return std::nullopt;
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!inserted) {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    if (elapsed > 0) {
      b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
      b.last = now;
    }
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return std::nullopt;
  }
  return std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / rate_)));
}

std::map<std::string, std::string> WebhookSecretsFromEnv() {
  std::map<std::string, std::string> out;
  for (const auto& name : parsers::SourceNames()) {
    const parsers::SourceParser* p = parsers::FindParser(name);
    if (p == nullptr) continue;
    std::string var = "CTEM_WEBHOOK_SECRET_";
    for (char c : name)
      var += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const char* v = std::getenv(var.c_str());
    if (v != nullptr && *v != '\0') out[std::string(p->Name())] = v;
  }
  return out;
}

}  // namespace ctem::api
