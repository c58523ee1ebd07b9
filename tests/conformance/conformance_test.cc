// Report conformance suite: every report of docs/reports.md, end to end through the `ctem`
// binary, on every store backend.
//
// For each backend the fixture (fixture/*.jsonl|csv for tenant "default", fixture/other/* for
// tenant "other") is loaded with `ctem load`, then each report runs at the pinned time
//   ctem --store URL --tenant T --now 2026-11-23T07:00:00Z report NAME [--campaign|--technique ID] --format json
// and is compared field by field with expected/<NAME>[-ID].json. The expected files are computed
// from the fixture by reference.py, an independent implementation of docs/reports.md — never
// from the program's output. After changing the fixture: `python3 reference.py` and review the
// diff of expected/.
//
// Backends: "sqlite" always (a temporary file); "postgres" when CTEM_TEST_POSTGRES_ADMIN_DSN
// names a server where we may create databases (one fresh database per test process, dropped
// at exit); without it the postgres tests are skipped, or fail when CTEM_REQUIRE_SERVERS=1.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "conformance/json_match.h"
#include "support/run_ctem.h"
#include "support/temp_dir.h"

namespace ctem {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::Json;
using testing::RunCtem;
using testing::ShellQuote;
using testing::Slurp;
using testing::TempDir;

constexpr const char* kNow = "2026-11-23T07:00:00Z";
constexpr const char* kPostgresAdminEnv = "CTEM_TEST_POSTGRES_ADMIN_DSN";

fs::path ConformanceDir() { return fs::path(CTEM_CONFORMANCE_DIR); }

// Every table `ctem load` accepts, in load order (runtime tables, then the CTEM tables).
const std::vector<std::string>& Tables() {
  static const std::vector<std::string> tables = {
      "edge_node_telemetry", "orbital_api_logs", "partner_api_logs", "opcua_telemetry",  "cicd_audit",
      "model_registry",      "alerts",           "ctem_exposures",   "ctem_validations", "ctem_remediations"};
  return tables;
}

// ---------------------------------------------------------------------------------------------
// Report cases (keep in sync with DEFAULT_CASES / OTHER_CASES in reference.py)

struct ReportCase {
  std::string report;
  std::string flag;   // "", "--campaign" or "--technique"
  std::string value;  // the flag's value

  std::string Stem() const { return value.empty() ? report : report + "-" + value; }
  std::string File() const { return Stem() + ".json"; }  // expected/<file>
  std::string Label() const { return value.empty() ? report : report + " " + flag + " " + value; }
};

void PrintTo(const ReportCase& c, std::ostream* os) { *os << c.Label(); }

const std::vector<ReportCase>& DefaultCases() {
  static const std::vector<ReportCase> cases = {
      {"assets", "", ""},
      {"new-assets", "", ""},
      {"triage", "", ""},
      {"correlation", "", ""},
      {"campaign-gaps", "--campaign", "RT-2026-Q3"},
      {"campaign-gaps", "--campaign", "RT-2026-Q4"},
      {"campaign-gaps", "--campaign", "RT-2026-Q2"},
      {"campaign-gaps", "--campaign", "SCAN-2026-11"},
      {"sla-breaches", "", ""},
      {"sla-at-risk", "", ""},
      {"pending-verifications", "", ""},
      {"weekly-metrics", "", ""},
      {"score-trend", "", ""},
      {"red-team", "", ""},
      {"atlas-coverage", "", ""},
      {"new-gaps", "", ""},
      {"ctem-context", "--technique", "AML.T0051"},
      {"ctem-context", "--technique", "AML.T0054"},
      {"ctem-context", "--technique", "AML.T0018"},
      {"ctem-context", "--technique", "T1190"},
  };
  return cases;
}

const std::vector<ReportCase>& OtherTenantCases() {
  static const std::vector<ReportCase> cases = {
      {"assets", "", ""},
      {"new-assets", "", ""},
      {"triage", "", ""},
      {"correlation", "", ""},
      {"campaign-gaps", "--campaign", "RT-OTHER-1"},
      {"sla-breaches", "", ""},
      {"sla-at-risk", "", ""},
      {"pending-verifications", "", ""},
      {"weekly-metrics", "", ""},
      {"score-trend", "", ""},
      {"red-team", "", ""},
      {"atlas-coverage", "", ""},
      {"new-gaps", "", ""},
      {"ctem-context", "--technique", "AML.T0051"},
  };
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Stores: one per backend and test process, migrated and loaded on first use.

struct StoreState {
  std::string url;    // set when ready
  std::string skip;   // set when the backend is not configured (test skipped)
  std::string error;  // set when provisioning or loading failed (test fails)
};

// "postgresql://u:p@h:5432/admin_db?sslmode=disable" with database `db` instead of admin_db.
// A keyword/value DSN ("host=... dbname=...") gets " dbname=db" appended (the last one wins).
std::string WithDatabase(const std::string& dsn, const std::string& db) {
  const size_t scheme = dsn.find("://");
  if (scheme == std::string::npos) return dsn + " dbname=" + db;
  const size_t authority = scheme + 3;
  const size_t query = dsn.find('?', authority);
  const size_t path = dsn.find('/', authority);
  if (path == std::string::npos || (query != std::string::npos && path > query)) {
    const size_t end = query == std::string::npos ? dsn.size() : query;
    return dsn.substr(0, end) + "/" + db + dsn.substr(end);
  }
  const size_t end = query == std::string::npos ? dsn.size() : query;
  return dsn.substr(0, path + 1) + db + dsn.substr(end);
}

// Runs psql against the admin DSN; returns "" on success, else the command's output.
std::string Psql(const TempDir& dir, const std::string& admin_dsn, const std::vector<std::string>& statements) {
  std::string cmd = "psql " + ShellQuote(admin_dsn) + " -X -q -v ON_ERROR_STOP=1";
  for (const auto& s : statements) cmd += " -c " + ShellQuote(s);
  const std::string log = dir.File(".psql");
  cmd += " >" + ShellQuote(log) + " 2>&1 </dev/null";
  if (std::system(cmd.c_str()) == 0) return "";
  return "psql failed (" + cmd + "): " + Slurp(log);
}

std::string CtemFailure(const std::vector<std::string>& args, const CommandResult& r) {
  std::string line = "ctem";
  for (const auto& a : args) line += " " + a;
  return line + " -> exit " + std::to_string(r.exit_code) + "\nstdout: " + r.out + "\nstderr: " + r.err;
}

// The fixture files of one tenant, in load order. Any other file in the directory is an error
// (a misspelt file name would otherwise silently load nothing).
std::vector<std::pair<std::string, fs::path>> FixtureFiles(const fs::path& dir, std::string& error) {
  std::vector<std::pair<std::string, fs::path>> files;
  std::set<std::string> known;
  for (const auto& table : Tables()) {
    for (const char* ext : {".jsonl", ".csv"}) {
      const fs::path p = dir / (table + ext);
      if (fs::exists(p)) {
        files.emplace_back(table, p);
        known.insert(p.filename().string());
      }
    }
  }
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && !known.count(entry.path().filename().string())) {
      error += "unknown fixture file " + entry.path().string() + "\n";
    }
  }
  return files;
}

// Migrates the store and loads the whole fixture (both tenants); returns "" on success.
std::string LoadFixture(const TempDir& dir, const std::string& url) {
  const std::string store = "--store=" + url;
  {
    const std::vector<std::string> args = {store, "migrate"};
    auto r = RunCtem(dir, args);
    if (r.exit_code != 0) return CtemFailure(args, r);
  }
  for (const auto& [tenant, sub] : std::vector<std::pair<std::string, fs::path>>{
           {"default", ConformanceDir() / "fixture"}, {"other", ConformanceDir() / "fixture" / "other"}}) {
    std::string error;
    const auto files = FixtureFiles(sub, error);
    if (!error.empty()) return error;
    if (files.empty()) return "no fixture files in " + sub.string();
    for (const auto& [table, path] : files) {
      const std::vector<std::string> args = {store, "--tenant=" + tenant, "load", table, path.string()};
      auto r = RunCtem(dir, args);
      if (r.exit_code != 0) return CtemFailure(args, r);
    }
  }
  return "";
}

class Stores {
 public:
  static Stores& Get() {
    static Stores stores;  // the databases are dropped by DropDatabasesAtExit, the files at exit
    return stores;
  }

  const StoreState& For(const std::string& backend) {
    auto it = states_.find(backend);
    if (it != states_.end()) return it->second;
    StoreState s = backend == "sqlite" ? Sqlite() : Postgres();
    if (!s.url.empty()) {
      s.error = LoadFixture(dir_, s.url);
      if (!s.error.empty()) s.url.clear();
    }
    return states_.emplace(backend, std::move(s)).first->second;
  }

  const TempDir& dir() const { return dir_; }

  void DropAll() {
    if (!pg_database_.empty()) {
      const std::string err = Psql(dir_, pg_admin_, {"DROP DATABASE IF EXISTS " + pg_database_ + " WITH (FORCE)"});
      if (!err.empty()) ADD_FAILURE() << "could not drop " << pg_database_ << ": " << err;
      pg_database_.clear();
    }
  }

 private:
  StoreState Sqlite() {
    StoreState s;
    s.url = "sqlite:" + dir_.File("conformance.db");
    return s;
  }

  StoreState Postgres() {
    StoreState s;
    const char* admin = std::getenv(kPostgresAdminEnv);
    if (admin == nullptr || *admin == '\0') {
      const char* require = std::getenv("CTEM_REQUIRE_SERVERS");
      if (require != nullptr && std::string(require) == "1") {
        s.error = std::string(kPostgresAdminEnv) + " is not set but CTEM_REQUIRE_SERVERS=1";
      } else {
        s.skip = std::string("PostgreSQL not configured (set ") + kPostgresAdminEnv +
                 ", e.g. postgresql://postgres:postgres@127.0.0.1:55432/ctem_test)";
      }
      return s;
    }
    pg_admin_ = admin;
    const std::string db = "ctem_conf_" + std::to_string(getpid());
    s.error = Psql(dir_, pg_admin_, {"DROP DATABASE IF EXISTS " + db + " WITH (FORCE)", "CREATE DATABASE " + db});
    if (!s.error.empty()) return s;
    pg_database_ = db;
    s.url = WithDatabase(pg_admin_, db);
    return s;
  }

  TempDir dir_;
  std::map<std::string, StoreState> states_;
  std::string pg_admin_;
  std::string pg_database_;
};

class DropDatabasesAtExit : public ::testing::Environment {
 public:
  void TearDown() override { Stores::Get().DropAll(); }
};

[[maybe_unused]] ::testing::Environment* const kDropDatabases =
    ::testing::AddGlobalTestEnvironment(new DropDatabasesAtExit);

// ---------------------------------------------------------------------------------------------
// Running and checking reports

std::vector<std::string> ReportArgs(const std::string& url, const std::string& tenant, const ReportCase& c) {
  std::vector<std::string> args = {"--store=" + url, "--tenant=" + tenant, std::string("--now=") + kNow,
                                   "report", c.report};
  if (!c.flag.empty()) {
    args.push_back(c.flag);
    args.push_back(c.value);
  }
  args.push_back("--format");
  args.push_back("json");
  return args;
}

// Runs a report; on failure records a test failure and returns false.
bool RunReport(const std::string& url, const std::string& tenant, const ReportCase& c, Json& out) {
  const auto args = ReportArgs(url, tenant, c);
  auto r = RunCtem(Stores::Get().dir(), args);
  if (r.exit_code != 0) {
    ADD_FAILURE() << "report " << c.Label() << " (tenant " << tenant << ") failed: " << CtemFailure(args, r);
    return false;
  }
  try {
    out = Json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "report " << c.Label() << " (tenant " << tenant << ") printed invalid JSON (" << e.what()
                  << "):\n"
                  << r.out.substr(0, 2000);
    return false;
  }
  return true;
}

bool ReadExpected(const fs::path& path, Json& out) {
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "missing expected file " << path << " (run python3 tests/conformance/reference.py)";
    return false;
  }
  try {
    out = Json::parse(in);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "bad expected file " << path << ": " << e.what();
    return false;
  }
  return true;
}

// weekly-metrics: open_exposures lists severities in rank order (JSON objects are otherwise
// compared by key).
void CheckSeverityKeyOrder(const ReportCase& c, const Json& actual) {
  if (c.report != "weekly-metrics" || !actual.is_object() || !actual.contains("open_exposures")) return;
  static const std::vector<std::string> rank = {"CRITICAL", "HIGH", "MEDIUM", "LOW"};
  std::vector<std::string> keys;
  for (auto it = actual.at("open_exposures").begin(); it != actual.at("open_exposures").end(); ++it) {
    keys.push_back(it.key());
  }
  std::vector<std::string> sorted = keys;
  std::stable_sort(sorted.begin(), sorted.end(), [](const std::string& a, const std::string& b) {
    auto pos = [](const std::string& s) { return std::find(rank.begin(), rank.end(), s) - rank.begin(); };
    return pos(a) < pos(b);
  });
  EXPECT_EQ(keys, sorted) << "report weekly-metrics: open_exposures keys must be in severity rank order";
}

void ExpectReportMatches(const std::string& backend, const std::string& url, const std::string& tenant,
                         const ReportCase& c, const fs::path& expected_path) {
  Json expected;
  Json actual;
  if (!ReadExpected(expected_path, expected) || !RunReport(url, tenant, c, actual)) return;
  const auto mismatches = testing::MatchReport(expected, actual);
  constexpr size_t kMaxShown = 40;
  for (size_t i = 0; i < mismatches.size() && i < kMaxShown; ++i) {
    ADD_FAILURE() << "[" << backend << ", tenant " << tenant << "] report " << c.Label() << ": " << mismatches[i];
  }
  if (mismatches.size() > kMaxShown) {
    ADD_FAILURE() << "... and " << (mismatches.size() - kMaxShown) << " more mismatches in report " << c.Label();
  }
  CheckSeverityKeyOrder(c, actual);
}

std::string NameOf(const std::string& s) {
  std::string out;
  for (char ch : s) out += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return out;
}

// Acquires a backend's store in SetUp: skips when not configured, fails when broken.
#define CTEM_ACQUIRE_STORE(backend, url_out)                                               \
  do {                                                                                     \
    const StoreState& ctem_state = Stores::Get().For(backend);                             \
    if (!ctem_state.skip.empty()) GTEST_SKIP() << ctem_state.skip;                         \
    ASSERT_TRUE(ctem_state.error.empty()) << "[" << (backend) << "] " << ctem_state.error; \
    (url_out) = ctem_state.url;                                                            \
  } while (false)

const std::vector<std::string> kBackends = {"sqlite", "postgres"};

// ---------------------------------------------------------------------------------------------
// Every report of tenant "default" against expected/.

class ReportConformance : public ::testing::TestWithParam<std::tuple<std::string, ReportCase>> {
 protected:
  void SetUp() override { CTEM_ACQUIRE_STORE(std::get<0>(GetParam()), url_); }
  std::string url_;
};

TEST_P(ReportConformance, MatchesExpected) {
  const auto& [backend, c] = GetParam();
  ExpectReportMatches(backend, url_, "default", c, ConformanceDir() / "expected" / c.File());
}

INSTANTIATE_TEST_SUITE_P(Reports, ReportConformance,
                         ::testing::Combine(::testing::ValuesIn(kBackends), ::testing::ValuesIn(DefaultCases())),
                         [](const ::testing::TestParamInfo<ReportConformance::ParamType>& param_info) {
                           return std::get<0>(param_info.param) + "_" + NameOf(std::get<1>(param_info.param).Stem());
                         });

// ---------------------------------------------------------------------------------------------
// Tenant isolation: tenant "other" sees exactly its own rows (expected/other/), and an
// unknown campaign names only the tenant's own campaigns.

class TenantIsolation : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { CTEM_ACQUIRE_STORE(GetParam(), url_); }
  std::string url_;
};

TEST_P(TenantIsolation, OtherTenantSeesOnlyItsOwnRows) {
  for (const auto& c : OtherTenantCases()) {
    SCOPED_TRACE(c.Label());
    ExpectReportMatches(GetParam(), url_, "other", c, ConformanceDir() / "expected" / "other" / c.File());
  }
}

TEST_P(TenantIsolation, UnknownCampaignNamesTheTenantsCampaigns) {
  {
    const ReportCase c{"campaign-gaps", "--campaign", "RT-1999-Q1"};
    auto r = RunCtem(Stores::Get().dir(), ReportArgs(url_, "default", c));
    EXPECT_NE(r.exit_code, 0) << r.out;
    for (const char* known : {"RT-2026-Q2", "RT-2026-Q3", "RT-2026-Q4", "SCAN-2026-11"}) {
      EXPECT_NE(r.err.find(known), std::string::npos) << "error should name " << known << ": " << r.err;
    }
    EXPECT_EQ(r.err.find("RT-OTHER-1"), std::string::npos) << "another tenant's campaign leaked: " << r.err;
  }
  {
    // RT-2026-Q3 exists for tenant "default" only.
    const ReportCase c{"campaign-gaps", "--campaign", "RT-2026-Q3"};
    auto r = RunCtem(Stores::Get().dir(), ReportArgs(url_, "other", c));
    EXPECT_NE(r.exit_code, 0) << r.out;
    EXPECT_NE(r.err.find("RT-OTHER-1"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("RT-2026-Q4"), std::string::npos) << "another tenant's campaign leaked: " << r.err;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, TenantIsolation, ::testing::ValuesIn(kBackends),
                         [](const ::testing::TestParamInfo<std::string>& param_info) { return param_info.param; });

// ---------------------------------------------------------------------------------------------
// Both backends print byte-identical JSON for every report (and tenant).

class CrossBackend : public ::testing::Test {
 protected:
  void SetUp() override {
    CTEM_ACQUIRE_STORE("postgres", postgres_);
    CTEM_ACQUIRE_STORE("sqlite", sqlite_);
  }
  std::string sqlite_;
  std::string postgres_;
};

TEST_F(CrossBackend, EveryReportIsIdentical) {
  for (const auto& [tenant, cases] : std::vector<std::pair<std::string, std::vector<ReportCase>>>{
           {"default", DefaultCases()}, {"other", OtherTenantCases()}}) {
    for (const auto& c : cases) {
      Json from_sqlite;
      Json from_postgres;
      if (!RunReport(sqlite_, tenant, c, from_sqlite) || !RunReport(postgres_, tenant, c, from_postgres)) continue;
      const std::string diff = testing::FirstDifference(from_sqlite, from_postgres);
      EXPECT_TRUE(diff.empty()) << "report " << c.Label() << " (tenant " << tenant
                                << ") differs between sqlite (left) and postgres (right) at " << diff;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The suite itself: every expected file is exercised, and the matcher reports what it should.

TEST(ConformanceSuite, EveryExpectedFileHasACase) {
  for (const auto& [sub, cases] : std::vector<std::pair<fs::path, std::vector<ReportCase>>>{
           {ConformanceDir() / "expected", DefaultCases()},
           {ConformanceDir() / "expected" / "other", OtherTenantCases()}}) {
    std::set<std::string> files;
    for (const auto& c : cases) files.insert(c.File());
    for (const auto& entry : fs::directory_iterator(sub)) {
      if (entry.is_regular_file()) {
        EXPECT_TRUE(files.count(entry.path().filename().string())) << "no case runs " << entry.path();
      }
    }
    for (const auto& f : files) EXPECT_TRUE(fs::exists(sub / f)) << "missing expected file " << (sub / f);
  }
}

TEST(ConformanceSuite, FixtureCoversEveryTable) {
  std::string error;
  const auto files = FixtureFiles(ConformanceDir() / "fixture", error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(files.size(), Tables().size());
  const auto other = FixtureFiles(ConformanceDir() / "fixture" / "other", error);
  EXPECT_EQ(error, "");
  EXPECT_FALSE(other.empty());
}

TEST(ConformanceSuite, PostgresUrlNamesTheTestDatabase) {
  EXPECT_EQ(WithDatabase("postgresql://postgres:postgres@127.0.0.1:55432/ctem_test", "ctem_conf_1"),
            "postgresql://postgres:postgres@127.0.0.1:55432/ctem_conf_1");
  EXPECT_EQ(WithDatabase("postgresql://u@h:5432/db?sslmode=disable", "x"), "postgresql://u@h:5432/x?sslmode=disable");
  EXPECT_EQ(WithDatabase("postgresql://u@h:5432", "x"), "postgresql://u@h:5432/x");
  EXPECT_EQ(WithDatabase("postgres://u@h?sslmode=disable", "x"), "postgres://u@h/x?sslmode=disable");
  EXPECT_EQ(WithDatabase("host=h dbname=db", "x"), "host=h dbname=db dbname=x");
}

TEST(ConformanceSuite, MatcherReportsRowFieldAndValue) {
  const Json expected = Json::parse(R"([
    {"exposure_key": "k1", "adjusted_score": 14.1, "runtime_alerts": null, "days_open": 3,
     "metadata": {"avg_cpu": 57.12}, "$absent": ["edge_node_id"]},
    {"exposure_key": "k2", "runtime_alerts": 2, "gaps": ["a"]}
  ])");
  // A matching report may carry extra row fields, but not extra nested fields.
  const Json good = Json::parse(R"([
    {"exposure_key": "k1", "adjusted_score": 14.100000000000001, "runtime_alerts": null, "days_open": 3,
     "metadata": {"avg_cpu": 57.12}, "title": "extra"},
    {"exposure_key": "k2", "runtime_alerts": 2, "gaps": ["a"]}
  ])");
  EXPECT_TRUE(testing::MatchReport(expected, good).empty());

  const Json bad = Json::parse(R"([
    {"exposure_key": "k1", "adjusted_score": 14.2, "days_open": 3.0,
     "metadata": {"avg_cpu": 57.12, "x": 1}, "edge_node_id": "e"},
    {"exposure_key": "k2", "runtime_alerts": null, "gaps": ["a", "b"]},
    {"exposure_key": "k3"}
  ])");
  const auto m = testing::MatchReport(expected, bad);
  const std::string all = [&] {
    std::string s;
    for (const auto& line : m) s += line + "\n";
    return s;
  }();
  EXPECT_NE(all.find("expected 2 rows, got 3"), std::string::npos) << all;
  EXPECT_NE(all.find("row 0 [exposure_key=k1]: field 'adjusted_score': expected 14.1, got 14.2\n"), std::string::npos)
      << all;
  EXPECT_NE(all.find("field 'runtime_alerts': missing"), std::string::npos) << all;       // missing != null
  EXPECT_NE(all.find("field 'days_open': expected integer 3, got 3.0 (double)"), std::string::npos) << all;
  EXPECT_NE(all.find("field 'metadata.x': unexpected"), std::string::npos) << all;
  EXPECT_NE(all.find("field 'edge_node_id': must be absent"), std::string::npos) << all;
  EXPECT_NE(all.find("row 1 [exposure_key=k2]: field 'runtime_alerts': expected integer 2, got null (null)"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("field 'gaps': expected 1 elements, got 2"), std::string::npos) << all;
  EXPECT_NE(all.find("first unexpected row 2"), std::string::npos) << all;

  EXPECT_EQ(testing::FirstDifference(Json::parse(R"({"a":[1,{"b":2}]})"), Json::parse(R"({"a":[1,{"b":2.0}]})")),
            "$.a[1].b: 2 vs 2.0");
  EXPECT_EQ(testing::FirstDifference(Json::parse(R"({"a":1,"b":2})"), Json::parse(R"({"b":2,"a":1})")),
            "$: key 'a' vs key 'b'");
}

}  // namespace
}  // namespace ctem
