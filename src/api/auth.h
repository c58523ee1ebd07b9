// Authentication, least-privilege scopes, per-token rate limits and webhook signatures for the
// gateway (issue 9; docs/security.md is the user's page).
//
// Tokens: "ctem_" + 43 base64url characters (32 bytes from RAND_bytes). Only the hex SHA-256
// of a token is stored (store/api_tokens.h); a request presents it as
// `Authorization: Bearer <token>`, the gateway hashes it and looks the hash up. The row names
// the tenant the token acts for: the tenant of every request comes from its token.
//
// Scopes: ingest (POST /api/ctem/ingest only), read (GET reports, exposures, timelines,
// remediations, /metrics), admin (everything, including remediation moves).
//
// Thread-safety: the free functions are pure (GenerateToken reads OpenSSL's thread-safe RNG).
// TokenAuthenticator and RateLimiter are safe to share between request threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/error.h"
#include "store/api_tokens.h"

namespace ctem::api {

enum class Scope { kIngest, kRead, kAdmin };
// What an endpoint needs.
enum class Access { kIngest, kRead, kAdmin };

std::string_view ScopeName(Scope scope);
Result<Scope> ParseScope(std::string_view name);  // "ingest" | "read" | "admin"
// True when a token of `scope` may use an endpoint that needs `needed`.
bool Allows(Scope scope, Access needed);

struct GeneratedToken {
  std::string token;   // shown once, never stored
  std::string hash;    // HashToken(token)
  std::string prefix;  // the first 12 characters ("ctem_" and 7 more), for display
};
// A new random token. Internal error only when OpenSSL's RNG fails.
Result<GeneratedToken> GenerateToken();
// Hex SHA-256 of a token (OpenSSL EVP).
std::string HashToken(std::string_view token);

// Hex HMAC-SHA256 of `data` under `key`.
std::string HmacSha256Hex(std::string_view key, std::string_view data);
// Compares in time independent of where the inputs differ (CRYPTO_memcmp).
bool ConstantTimeEquals(std::string_view a, std::string_view b);
// True when `header` is "sha256=<hex HMAC-SHA256 of body under secret>" (hex in either case),
// the X-Hub-Signature-256 / X-Hub-Signature form GitHub and Snyk send.
bool VerifyWebhookSignature(std::string_view secret, std::string_view body, std::string_view header);

// Who a request acts as.
struct Principal {
  long long token_id = 0;
  std::string tenant_id;
  Scope scope = Scope::kRead;
  std::string name;
};

// Why authentication failed; each is a 401 except kStoreUnavailable (503).
enum class AuthFailure { kMissing, kMalformed, kUnknown, kRevoked, kStoreUnavailable };
std::string_view AuthFailureReason(AuthFailure f);

// Verifies bearer tokens against the store, keeping verified tokens in memory for `ttl` so the
// hot path does not query the store per request: a revocation takes effect within `ttl`
// (ttl 0: every request asks the store). Unknown and revoked tokens are not cached.
class TokenAuthenticator {
 public:
  // Looks a hash up (store::FindApiTokenByHash on a lent connection); also told when a token
  // was verified from the store, to record its last use.
  using Lookup = std::function<Result<std::optional<store::ApiTokenRow>>(const std::string& hash)>;
  using Touch = std::function<void(long long token_id)>;
  using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;

  TokenAuthenticator(Lookup lookup, Touch touch, std::chrono::milliseconds ttl, SteadyNow now = nullptr);

  // The principal of an `Authorization` header value ("Bearer <token>").
  std::expected<Principal, AuthFailure> Authenticate(std::string_view authorization);

 private:
  struct Cached {
    Principal principal;
    std::chrono::steady_clock::time_point expires;
  };
  static constexpr size_t kMaxCached = 10000;

  // The cached principal of a token hash still within its TTL (an expired entry is dropped).
  std::optional<Principal> FromCache(const std::string& hash, std::chrono::steady_clock::time_point now);

  Lookup lookup_;
  Touch touch_;
  std::chrono::milliseconds ttl_;
  SteadyNow now_;
  std::mutex lookup_mu_;  // held across a store lookup (acquired before mu_)
  std::mutex mu_;
  std::unordered_map<std::string, Cached> cache_;  // by token hash; guarded by mu_
};

// A token bucket per key (a token id): `rate` requests per second on average, bursts of up to
// `burst`. rate <= 0 disables the limit.
class RateLimiter {
 public:
  RateLimiter(double rate, double burst);
  // nullopt when the request may proceed; otherwise the whole seconds (>= 1) after which one
  // will be allowed (the Retry-After value).
  std::optional<int> Acquire(long long key, std::chrono::steady_clock::time_point now);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
  };
  double rate_;
  double burst_;
  std::mutex mu_;
  std::unordered_map<long long, Bucket> buckets_;  // guarded by mu_
};

// The per-source webhook secrets from the environment: CTEM_WEBHOOK_SECRET_<SOURCE> for each
// source name (upper case: SNYK, WIZ, IBM_ART, ...), keyed by the source's canonical name.
std::map<std::string, std::string> WebhookSecretsFromEnv();

}  // namespace ctem::api
