// Authentication, scopes, tenant isolation, webhook signatures, hostile-input limits and rate
// limits of the gateway (issue 9; docs/security.md), against a real `ctem serve` on both store
// backends.
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zlib.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"
#include "support/backends.h"
#include "support/process.h"
#include "support/run_ctem.h"
#include "support/temp_dir.h"
#include "support/tokens.h"

namespace ctem {
namespace {

using nlohmann::json;

constexpr const char* kSecret = "It's a Secret to Everybody";

// The GitHub/Snyk signature header value of `body` (what the sender computes).
std::string Sign(const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSecret, static_cast<int>(std::strlen(kSecret)),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 0xf];
  }
  return out;
}

std::string Gzip(const std::string& data) {
  z_stream zs{};
  deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string WizPayload(const std::vector<std::string>& titles, const std::string& extra = "") {
  json findings = json::array();
  for (const auto& t : titles) {
    findings.push_back({{"title", t}, {"entityExternalId", "vm-" + t}, {"entityName", "vm-" + t},
                        {"severity", "HIGH"}});
  }
  json p = {{"source_tool", "wiz"}, {"findings", findings}};
  if (!extra.empty()) p["tenant_id"] = extra;
  return p.dump();
}

class SecurityApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  SecurityApiTest() : db_(GetParam()) {}

  void SetUp() override {
    CTEM_REQUIRE_BACKEND(db_);
    ASSERT_TRUE(store::OpenStore(db_.url()).value()->Migrate().has_value());
    for (const char* scope : {"ingest", "read", "admin"}) {
      a_[scope] = testing::CreateToken(db_.url(), "plant-a", scope);
      b_[scope] = testing::CreateToken(db_.url(), "plant-b", scope);
      ASSERT_FALSE(a_[scope].empty() || b_[scope].empty());
    }
    setenv("CTEM_WEBHOOK_SECRET_SNYK", kSecret, 1);
    const std::string line = serve_.Start(
        CTEM_BINARY,
        {"--store", db_.url(), "serve", "--host", "127.0.0.1", "--port", "0", "--linger-ms", "5", "--no-jobs",
         "--auth-cache-ttl-s", "0", "--rate-limit", "1", "--rate-burst", "40", "--max-findings", "5",
         "--max-string-kb", "1", "--max-json-depth", "8", "--max-body-mb", "1", "--max-inflated-mb", "2"},
        dir_.path().string(), dir_.File("serve.log"));
    unsetenv("CTEM_WEBHOOK_SECRET_SNYK");
    port_ = testing::ListeningPort(line);
    ASSERT_GT(port_, 0) << line << testing::Slurp(dir_.File("serve.log"));
  }

  httplib::Result Send(const std::string& method, const std::string& path, const std::string& token,
                       const std::string& body = "", httplib::Headers headers = {},
                       const std::string& type = "application/json") {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(30, 0);
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    if (method == "GET") return client.Get(path, headers);
    return client.Post(path, headers, body, type);
  }

  // Waits until `tenant` holds `n` exposures.
  size_t WaitForExposures(const std::string& tenant, size_t n) {
    auto s = store::OpenStore(db_.url()).value();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    size_t count = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      count = s->CountExposures(tenant).value_or(0);
      if (count >= n) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return count;
  }

  testing::TestDatabase db_;
  testing::TempDir dir_;
  testing::ServiceProcess serve_;
  int port_ = 0;
  std::map<std::string, std::string> a_;  // scope -> token of tenant plant-a
  std::map<std::string, std::string> b_;  // scope -> token of tenant plant-b
};

TEST_P(SecurityApiTest, EachScopeAgainstEachEndpoint) {
  struct Endpoint {
    std::string method, path, body;
    std::set<std::string> allowed;  // scopes let through (neither 401 nor 403)
  };
  const std::vector<Endpoint> endpoints = {
      {"POST", "/api/ctem/ingest", WizPayload({"scope-table"}), {"ingest", "admin"}},
      {"GET", "/api/ctem/reports/triage", "", {"read", "admin"}},
      {"GET", "/api/ctem/reports/weekly-metrics", "", {"read", "admin"}},
      {"GET", "/api/ctem/exposures", "", {"read", "admin"}},
      {"GET", "/api/ctem/exposures/0000000000000000", "", {"read", "admin"}},
      {"GET", "/api/ctem/exposures/0000000000000000/timeline", "", {"read", "admin"}},
      {"GET", "/api/ctem/remediations/0000000000000000", "", {"read", "admin"}},
      {"POST", "/api/ctem/remediations/0000000000000000/assign", R"({"to": "alice"})", {"admin"}},
      {"GET", "/metrics", "", {"read", "admin"}},
  };
  for (const auto& e : endpoints) {
    for (const std::string scope : {"", "ingest", "read", "admin"}) {
      SCOPED_TRACE(e.method + " " + e.path + " as " + (scope.empty() ? "anonymous" : scope));
      auto r = Send(e.method, e.path, scope.empty() ? "" : a_[scope], e.body);
      ASSERT_TRUE(r);
      if (scope.empty()) {
        EXPECT_EQ(r->status, 401);
        EXPECT_TRUE(r->get_header_value("WWW-Authenticate").starts_with("Bearer")) << r->body;
      } else if (e.allowed.count(scope)) {
        EXPECT_NE(r->status, 401) << r->body;
        EXPECT_NE(r->status, 403) << r->body;
        EXPECT_LT(r->status, 500) << r->body;
      } else {
        EXPECT_EQ(r->status, 403) << r->body;
      }
    }
  }
  // Public: the health check and the dashboard's static shell.
  for (const std::string path : {"/healthz", "/", "/app.js"}) {
    auto r = Send("GET", path, "");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << path;
  }
  auto unknown = Send("GET", "/api/ctem/reports/triage", "ctem_not-a-token");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 401);
}

TEST_P(SecurityApiTest, TokenIsPrintedOnceAndOnlyItsHashIsStored) {
  auto created = testing::RunCtem(dir_, {"--store", db_.url(), "--tenant", "plant-c", "token", "create", "--scope",
                                         "read", "--name", "weekly-report", "--format", "json"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const json j = json::parse(created.out);
  const std::string token = j["token"];
  EXPECT_EQ(j["tenant"], "plant-c");
  EXPECT_EQ(j["scope"], "read");
  auto s = store::OpenStore(db_.url()).value();
  auto rows = s->Sql().Query("SELECT * FROM ctem_api_tokens WHERE name = 'weekly-report'", {}).value();
  ASSERT_EQ(rows.size(), 1u);
  bool hash_found = false;
  for (const auto& v : rows[0]) {
    ASSERT_FALSE(v && v->find(token) != std::string::npos) << "the token itself is stored";
    if (v && v->size() == 64) hash_found = true;
  }
  EXPECT_TRUE(hash_found);
  auto list = testing::RunCtem(dir_, {"--store", db_.url(), "token", "list", "--format", "json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out.find(token), std::string::npos);
  EXPECT_EQ(list.out.find("token_hash"), std::string::npos);
  EXPECT_NE(list.out.find("weekly-report"), std::string::npos);
  auto text = testing::RunCtem(dir_, {"--store", db_.url(), "token", "list"});
  EXPECT_EQ(text.out.find(token), std::string::npos);
  // The new token works against the running gateway, for its own tenant.
  auto r = Send("GET", "/api/ctem/exposures", token);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // A second token of the same name is refused.
  auto again = testing::RunCtem(dir_, {"--store", db_.url(), "token", "create", "--scope", "read", "--name",
                                       "weekly-report"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_TRUE(again.out.empty());
}

TEST_P(SecurityApiTest, RevokedTokenIsRefused) {
  auto r = Send("GET", "/api/ctem/exposures", a_["read"]);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  auto list = testing::RunCtem(dir_, {"--store", db_.url(), "token", "list", "--format", "json"});
  std::string name;
  for (const auto& t : json::parse(list.out)) {
    if (t["tenant"] == "plant-a" && t["scope"] == "read") name = t["name"];
  }
  ASSERT_FALSE(name.empty());
  auto revoked = testing::RunCtem(dir_, {"--store", db_.url(), "token", "revoke", name});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  EXPECT_NE(json::parse(revoked.out)["revoked_at"], nullptr);
  // The server's cache TTL is 0 here; the default 30 s is the documented bound.
  r = Send("GET", "/api/ctem/exposures", a_["read"]);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_NE(r->body.find("revoked"), std::string::npos);
  EXPECT_NE(testing::RunCtem(dir_, {"--store", db_.url(), "token", "revoke", "no-such-token"}).exit_code, 0);
}

TEST_P(SecurityApiTest, TenantComesFromTheTokenAndTenantsNeverSeeEachOther) {
  // plant-a's ingest token, with a body that claims plant-b.
  auto r = Send("POST", "/api/ctem/ingest", a_["ingest"], WizPayload({"a-one", "a-two"}, "plant-b"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  r = Send("POST", "/api/ctem/ingest", b_["ingest"], WizPayload({"b-one"}));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  ASSERT_EQ(WaitForExposures("plant-a", 2), 2u);
  ASSERT_EQ(WaitForExposures("plant-b", 1), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto s = store::OpenStore(db_.url()).value();
  EXPECT_EQ(s->CountExposures("plant-a").value(), 2u);
  EXPECT_EQ(s->CountExposures("plant-b").value(), 1u);

  auto keys_of = [&](const std::string& token) {
    auto list = Send("GET", "/api/ctem/exposures", token);
    std::set<std::string> keys;
    if (!list || list->status != 200) return keys;
    for (const auto& e : json::parse(list->body)) keys.insert(e["exposure_key"].get<std::string>());
    return keys;
  };
  const auto a_keys = keys_of(a_["read"]);
  const auto b_keys = keys_of(b_["read"]);
  ASSERT_EQ(a_keys.size(), 2u);
  ASSERT_EQ(b_keys.size(), 1u);
  const std::string b_key = *b_keys.begin();
  EXPECT_FALSE(a_keys.count(b_key));
  // plant-a's tokens cannot read, report on or act on plant-b's exposure.
  for (const std::string& path : {"/api/ctem/exposures/" + b_key, "/api/ctem/exposures/" + b_key + "/timeline",
                                 "/api/ctem/remediations/" + b_key}) {
    auto got = Send("GET", path, a_["read"]);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->status, 404) << path << " " << got->body;
  }
  auto move = Send("POST", "/api/ctem/remediations/" + b_key + "/assign", a_["admin"], R"({"to": "mallory"})");
  ASSERT_TRUE(move);
  EXPECT_EQ(move->status, 404) << move->body;
  auto triage = Send("GET", "/api/ctem/reports/triage", a_["read"]);
  ASSERT_TRUE(triage);
  ASSERT_EQ(triage->status, 200);
  EXPECT_EQ(triage->body.find(b_key), std::string::npos);
  // plant-b's exposure is untouched by plant-a's attempt.
  auto b_row = Send("GET", "/api/ctem/remediations/" + b_key, b_["read"]);
  ASSERT_TRUE(b_row);
  EXPECT_EQ(b_row->body.find("mallory"), std::string::npos);
}

TEST_P(SecurityApiTest, SignedWebhooksVerifiedTamperedUnsignedAndReplayedRefused) {
  // Small enough for this server's 1 KiB string limit (real Snyk bodies carry long texts).
  const std::string body =
      R"({"source_tool": "snyk", "findings": [{"id": "SNYK-JAVA-ORGAPACHESANTUARIO-460281", )"
      R"("title": "XML External Entity (XXE) Injection", "packageName": "org.apache.santuario:xmlsec", )"
      R"("version": "2.1.1", "severity": "high", "cvssScore": 7.5}]})";
  const std::string path = "/api/ctem/ingest?source=snyk";
  auto signed_ok = Send("POST", path, a_["ingest"], body,
                        {{"X-Hub-Signature-256", Sign(body)}, {"X-Snyk-Transport-ID", "delivery-1"}});
  ASSERT_TRUE(signed_ok);
  EXPECT_EQ(signed_ok->status, 202) << signed_ok->body;
  // Snyk's own header name carries the same sha256 form.
  auto snyk_style = Send("POST", path, a_["ingest"], body,
                         {{"X-Hub-Signature", Sign(body)}, {"X-Snyk-Transport-ID", "delivery-2"}});
  ASSERT_TRUE(snyk_style);
  EXPECT_EQ(snyk_style->status, 202) << snyk_style->body;
  auto replay = Send("POST", path, a_["ingest"], body,
                     {{"X-Hub-Signature-256", Sign(body)}, {"X-Snyk-Transport-ID", "delivery-1"}});
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->status, 409) << replay->body;
  std::string tampered = body;
  tampered.insert(tampered.find('{') + 1, "\"x\":1,");
  auto bad = Send("POST", path, a_["ingest"], tampered,
                  {{"X-Hub-Signature-256", Sign(body)}, {"X-Snyk-Transport-ID", "delivery-3"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 401) << bad->body;
  auto unsigned_delivery = Send("POST", path, a_["ingest"], body, {{"X-Snyk-Transport-ID", "delivery-4"}});
  ASSERT_TRUE(unsigned_delivery);
  EXPECT_EQ(unsigned_delivery->status, 401) << unsigned_delivery->body;
  auto no_id = Send("POST", path, a_["ingest"], body, {{"X-Hub-Signature-256", Sign(body)}});
  ASSERT_TRUE(no_id);
  EXPECT_EQ(no_id->status, 401) << no_id->body;
  // The tampered delivery's id was never recorded: sent properly signed, it is accepted.
  auto retry = Send("POST", path, a_["ingest"], body,
                    {{"X-Hub-Signature-256", Sign(body)}, {"X-Snyk-Transport-ID", "delivery-3"}});
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->status, 202) << retry->body;
  // A source without a secret needs no signature.
  auto wiz = Send("POST", "/api/ctem/ingest", a_["ingest"], WizPayload({"unsigned-wiz"}));
  ASSERT_TRUE(wiz);
  EXPECT_EQ(wiz->status, 202) << wiz->body;
  auto metrics = Send("GET", "/metrics", a_["read"]);
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("ctem_ingest_rejected_total{source=\"snyk\"} 4"), std::string::npos) << metrics->body;
}

TEST_P(SecurityApiTest, HostileInputIsRefusedWholeWithAReason) {
  auto post = [&](const std::string& body, httplib::Headers h = {}, const std::string& type = "application/json") {
    auto r = Send("POST", "/api/ctem/ingest", a_["ingest"], body, std::move(h), type);
    return r ? std::make_pair(r->status, r->body) : std::make_pair(-1, std::string());
  };
  // Nesting deeper than --max-json-depth 8.
  std::string deep = R"({"source_tool": "wiz", "findings": [{"title": "t", "entityExternalId": "vm", "x": )";
  for (int i = 0; i < 10; ++i) deep += "[";
  for (int i = 0; i < 10; ++i) deep += "]";
  deep += "}]}";
  auto [s1, b1] = post(deep);
  EXPECT_EQ(s1, 400) << b1;
  EXPECT_NE(b1.find("nested"), std::string::npos) << b1;
  // More findings than --max-findings 5.
  auto [s2, b2] = post(WizPayload({"1", "2", "3", "4", "5", "6"}));
  EXPECT_EQ(s2, 413) << b2;
  EXPECT_NE(b2.find("findings"), std::string::npos) << b2;
  // A string longer than --max-string-kb 1, as a value and as a key.
  auto [s3, b3] = post(WizPayload({std::string(2000, 'x')}));
  EXPECT_EQ(s3, 400) << b3;
  EXPECT_NE(b3.find("string"), std::string::npos) << b3;
  auto [s4, b4] = post("{\"source_tool\": \"wiz\", \"findings\": [{\"" + std::string(2000, 'k') + "\": 1}]}");
  EXPECT_EQ(s4, 400) << b4;
  // Above --max-body-mb 1.
  auto [s5, b5] = post(std::string(1024 * 1024 + 10, ' '));
  EXPECT_EQ(s5, 413) << b5;
  // A gzip bomb: 3 MiB of JSON whitespace inflates past --max-inflated-mb 2, as a
  // Content-Encoding and as a gzip document.
  const std::string bomb = Gzip(WizPayload({"bomb"}) + std::string(3 * 1024 * 1024, ' '));
  ASSERT_LT(bomb.size(), 100u * 1024);
  auto [s6, b6] = post(bomb, {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(s6, 413) << b6;
  auto [s7, b7] = post(bomb);
  EXPECT_EQ(s7, 413) << b7;
  // Within the limits, the same shapes are accepted.
  auto [s8, b8] = post(Gzip(WizPayload({"fine"})), {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(s8, 202) << b8;
  ASSERT_EQ(WaitForExposures("plant-a", 1), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // Nothing of the refused requests was half-accepted.
  EXPECT_EQ(store::OpenStore(db_.url()).value()->CountExposures("plant-a").value(), 1u);
}

TEST_P(SecurityApiTest, RateLimitAnswers429WithRetryAfter) {
  // --rate-limit 1 --rate-burst 40: the 41st request within a second or so is refused.
  int ok = 0;
  std::optional<httplib::Response> limited;
  for (int i = 0; i < 100 && !limited; ++i) {
    auto r = Send("GET", "/healthz", "");  // public, not limited
    ASSERT_TRUE(r);
    auto g = Send("GET", "/api/ctem/exposures?limit=1", b_["read"]);
    ASSERT_TRUE(g);
    if (g->status == 429) {
      limited = *g;
    } else {
      ASSERT_EQ(g->status, 200) << g->body;
      ++ok;
    }
  }
  ASSERT_TRUE(limited.has_value()) << "no 429 after " << ok << " requests";
  EXPECT_GE(ok, 40);
  EXPECT_GE(std::atoi(limited->get_header_value("Retry-After").c_str()), 1);
  // Another token has its own bucket.
  auto other = Send("GET", "/api/ctem/exposures?limit=1", a_["read"]);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
}

TEST_P(SecurityApiTest, FailedAuthIsLoggedEscapedAndWithoutTheToken) {
  const std::string secret = "ctem_SECRET-never-logged";
  // A path with a forged log line and a terminal escape (percent-encoded on the wire).
  auto r = Send("GET", "/api/ctem/reports/triage?now=%0aFORGED%20ok%1b%5b2J", secret,  "",
                {{"User-Agent", "curl\x1b]0;pwned\x07"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  auto ingest_as_reader = Send("POST", "/api/ctem/ingest", a_["read"], WizPayload({"x"}));
  ASSERT_TRUE(ingest_as_reader);
  EXPECT_EQ(ingest_as_reader->status, 403);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::string log = testing::Slurp(dir_.File("serve.log"));
  EXPECT_EQ(log.find(secret), std::string::npos) << log;
  EXPECT_EQ(log.find(a_["read"]), std::string::npos) << log;
  EXPECT_EQ(log.find('\x1b'), std::string::npos) << log;
  EXPECT_EQ(log.find("\nFORGED"), std::string::npos) << log;
  EXPECT_NE(log.find("?now=\\nFORGED ok\\x1b[2J"), std::string::npos) << log;
  EXPECT_NE(log.find("curl\\x1b]0;pwned\\x07"), std::string::npos) << log;
  EXPECT_EQ(log.find('\x07'), std::string::npos) << log;
  EXPECT_NE(log.find("unknown token"), std::string::npos) << log;
  EXPECT_NE(log.find("127.0.0.1"), std::string::npos) << log;
  EXPECT_NE(log.find("POST /api/ctem/ingest"), std::string::npos) << log;
}

INSTANTIATE_TEST_SUITE_P(Backends, SecurityApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace ctem
