// api/auth.h: tokens, scopes, webhook signatures (the GitHub test vector), the token cache and
// the per-token rate limit.
#include "api/auth.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>
#include <vector>

namespace ctem::api {
namespace {

using namespace std::chrono_literals;

TEST(WebhookSignature, GithubTestVectorVerifies) {
  // docs.github.com "Validating webhook deliveries".
  const std::string secret = "It's a Secret to Everybody";
  const std::string body = "Hello, World!";
  EXPECT_EQ(HmacSha256Hex(secret, body), "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  EXPECT_TRUE(VerifyWebhookSignature(
      secret, body, "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));
  EXPECT_TRUE(VerifyWebhookSignature(
      secret, body, "sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17"));
}

TEST(WebhookSignature, TamperedMalformedAndWrongSecretAreRefused) {
  const std::string secret = "It's a Secret to Everybody";
  const std::string good = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  EXPECT_FALSE(VerifyWebhookSignature(secret, "Hello, World?", good));
  EXPECT_FALSE(VerifyWebhookSignature("another secret", "Hello, World!", good));
  EXPECT_FALSE(VerifyWebhookSignature(secret, "Hello, World!", ""));
  EXPECT_FALSE(VerifyWebhookSignature(secret, "Hello, World!", good.substr(7)));  // no "sha256="
  EXPECT_FALSE(VerifyWebhookSignature(secret, "Hello, World!", "sha1=" + good.substr(7)));
  EXPECT_FALSE(VerifyWebhookSignature(secret, "Hello, World!", good + "00"));
  std::string flipped = good;
  flipped.back() = '6';
  EXPECT_FALSE(VerifyWebhookSignature(secret, "Hello, World!", flipped));
}

TEST(Tokens, AreRandomPrefixedAndOnlyTheirHashIsKept) {
  auto a = GenerateToken().value();
  auto b = GenerateToken().value();
  EXPECT_NE(a.token, b.token);
  EXPECT_TRUE(a.token.starts_with("ctem_"));
  EXPECT_EQ(a.token.size(), 5u + 43u);  // 32 bytes, base64url without padding
  EXPECT_EQ(a.token.find_first_not_of(
                "ctem_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(a.hash, HashToken(a.token));
  EXPECT_EQ(a.hash.size(), 64u);
  EXPECT_EQ(a.prefix, a.token.substr(0, 12));
  // SHA-256("abc"), FIPS 180-2.
  EXPECT_EQ(HashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Scopes, LeastPrivilege) {
  struct Row {
    Scope scope;
    bool ingest, read, admin;
  };
  for (const Row& r : {Row{Scope::kIngest, true, false, false}, Row{Scope::kRead, false, true, false},
                       Row{Scope::kAdmin, true, true, true}}) {
    SCOPED_TRACE(std::string(ScopeName(r.scope)));
    EXPECT_EQ(Allows(r.scope, Access::kIngest), r.ingest);
    EXPECT_EQ(Allows(r.scope, Access::kRead), r.read);
    EXPECT_EQ(Allows(r.scope, Access::kAdmin), r.admin);
    EXPECT_EQ(ParseScope(ScopeName(r.scope)).value(), r.scope);
  }
  EXPECT_FALSE(ParseScope("root").has_value());
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  AuthenticatorTest()
      : auth_(
            [this](const std::string& hash) -> Result<std::optional<store::ApiTokenRow>> {
              ++lookups_;
              if (down_) return Fail(Error::Unavailable("store down"));
              auto it = rows_.find(hash);
              if (it == rows_.end()) return std::optional<store::ApiTokenRow>();
              return std::optional<store::ApiTokenRow>(it->second);
            },
            nullptr, 30s, [this] { return now_; }) {
    store::ApiTokenRow row;
    row.id = 7;
    row.tenant_id = "plant-a";
    row.scope = "read";
    row.name = "dashboard";
    rows_[HashToken("ctem_good")] = row;
  }

  std::map<std::string, store::ApiTokenRow> rows_;
  int lookups_ = 0;
  bool down_ = false;
  std::chrono::steady_clock::time_point now_{};
  TokenAuthenticator auth_;
};

TEST_F(AuthenticatorTest, VerifiedTokensAreCachedForTheTtl) {
  auto p = auth_.Authenticate("Bearer ctem_good");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->tenant_id, "plant-a");
  EXPECT_EQ(p->scope, Scope::kRead);
  EXPECT_EQ(p->token_id, 7);
  EXPECT_TRUE(auth_.Authenticate("bearer ctem_good").has_value());
  EXPECT_EQ(lookups_, 1);
  // Revoked in the store: still trusted until the TTL runs out, then refused.
  rows_[HashToken("ctem_good")].revoked_at = Timestamp{};
  now_ += 29s;
  EXPECT_TRUE(auth_.Authenticate("Bearer ctem_good").has_value());
  now_ += 2s;
  auto revoked = auth_.Authenticate("Bearer ctem_good");
  ASSERT_FALSE(revoked.has_value());
  EXPECT_EQ(revoked.error(), AuthFailure::kRevoked);
}

TEST_F(AuthenticatorTest, MissingMalformedUnknownAndStoreDown) {
  EXPECT_EQ(auth_.Authenticate("").error(), AuthFailure::kMissing);
  EXPECT_EQ(auth_.Authenticate("Bearer ").error(), AuthFailure::kMalformed);
  EXPECT_EQ(auth_.Authenticate("Basic dXNlcjpwYXNz").error(), AuthFailure::kMalformed);
  EXPECT_EQ(auth_.Authenticate("Bearer ctem_nope").error(), AuthFailure::kUnknown);
  EXPECT_EQ(auth_.Authenticate("Bearer ctem_nope").error(), AuthFailure::kUnknown);
  EXPECT_EQ(lookups_, 2);  // unknown tokens are not cached
  down_ = true;
  EXPECT_EQ(auth_.Authenticate("Bearer ctem_other").error(), AuthFailure::kStoreUnavailable);
}

// When a cached token expires every request in flight misses at once; they must not each
// take a store connection (64 at once were refused by the server and answered 503).
TEST(TokenAuthenticatorConcurrency, ConcurrentMissesOfOneTokenLookItUpOnce) {
  std::atomic<int> lookups{0};
  std::atomic<int> at_once{0};
  std::atomic<int> most_at_once{0};
  TokenAuthenticator auth(
      [&](const std::string&) -> Result<std::optional<store::ApiTokenRow>> {
        ++lookups;
        const int now = ++at_once;
        int seen = most_at_once.load();
        while (now > seen && !most_at_once.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(50ms);  // a store round trip
        --at_once;
        store::ApiTokenRow row;
        row.id = 1;
        row.tenant_id = "default";
        row.scope = "ingest";
        row.name = "scanner";
        return std::optional<store::ApiTokenRow>(row);
      },
      nullptr, 30s);
  std::vector<std::thread> requests;
  std::atomic<int> ok{0};
  for (int i = 0; i < 16; ++i) {
    requests.emplace_back([&] {
      if (auth.Authenticate("Bearer ctem_same").has_value()) ++ok;
    });
  }
  for (auto& t : requests) t.join();
  EXPECT_EQ(ok.load(), 16);
  EXPECT_EQ(lookups.load(), 1);
  EXPECT_EQ(most_at_once.load(), 1);
}

TEST(RateLimiter, BurstThenRateWithRetryAfter) {
  RateLimiter limiter(2, 3);
  const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.Acquire(1, t0).has_value()) << i;
  auto wait = limiter.Acquire(1, t0);
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(*wait, 1);
  EXPECT_FALSE(limiter.Acquire(2, t0).has_value());  // another token has its own bucket
  EXPECT_FALSE(limiter.Acquire(1, t0 + 500ms).has_value());  // 2/s: one more after 0.5 s
  EXPECT_TRUE(limiter.Acquire(1, t0 + 500ms).has_value());
  RateLimiter slow(0.25, 1);
  EXPECT_FALSE(slow.Acquire(1, t0).has_value());
  EXPECT_EQ(slow.Acquire(1, t0).value(), 4);
}

TEST(RateLimiter, ZeroDisables) {
  RateLimiter off(0, 0);
  for (int i = 0; i < 10000; ++i) ASSERT_FALSE(off.Acquire(1, {}).has_value());
}

}  // namespace
}  // namespace ctem::api
