// Test stores on both backends. SQLite is a file in a temporary directory; PostgreSQL is a
// fresh database on the server scripts/test starts (CTEM_TEST_POSTGRES_ADMIN_DSN), dropped
// when the test ends. Without that server the PostgreSQL cases skip — unless
// CTEM_REQUIRE_SERVERS=1 (as in scripts/test and CI), where they fail.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>

#include "store/store.h"
#include "support/run_ctem.h"
#include "support/temp_dir.h"

namespace ctem::testing {

inline bool ServersRequired() {
  const char* v = std::getenv("CTEM_REQUIRE_SERVERS");
  return v != nullptr && std::string(v) == "1";
}

// Replaces the database name (the path) of a postgresql:// URL.
inline std::string WithDatabase(const std::string& url, const std::string& db) {
  const size_t scheme = url.find("://");
  const size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const size_t query = url.find('?', slash == std::string::npos ? 0 : slash);
  std::string out = url.substr(0, slash == std::string::npos ? url.size() : slash) + "/" + db;
  if (query != std::string::npos) out += url.substr(query);
  return out;
}

// A store URL for one backend, with its lifetime.
class TestDatabase {
 public:
  // backend: "sqlite" or "postgres". `ok()` is false (and the reason set) when the backend
  // is not available here.
  explicit TestDatabase(const std::string& backend) {
    if (backend == "sqlite") {
      url_ = "sqlite:" + dir_.File("ctem.db");
      return;
    }
    const char* admin = std::getenv("CTEM_TEST_POSTGRES_ADMIN_DSN");
    const char* app = std::getenv("CTEM_TEST_POSTGRES_DSN");
    if (admin == nullptr || app == nullptr) {
      reason_ = "CTEM_TEST_POSTGRES_ADMIN_DSN / CTEM_TEST_POSTGRES_DSN not set (run scripts/test)";
      return;
    }
    static std::atomic<int> counter{0};
    db_ = "ctem_t_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    admin_ = admin;
    if (!Psql("DROP DATABASE IF EXISTS " + db_) || !Psql("CREATE DATABASE " + db_ + " OWNER ctem")) {
      reason_ = "could not create database " + db_ + " with psql";
      return;
    }
    url_ = WithDatabase(app, db_);
  }
  ~TestDatabase() {
    if (!db_.empty()) Psql("DROP DATABASE IF EXISTS " + db_ + " WITH (FORCE)");
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  bool ok() const { return reason_.empty(); }
  const std::string& reason() const { return reason_; }
  const std::string& url() const { return url_; }
  const TempDir& dir() const { return dir_; }

 private:
  bool Psql(const std::string& sql) {
    const std::string cmd = "psql " + ShellQuote(admin_) + " -qAtc " + ShellQuote(sql) + " >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
  }

  TempDir dir_;
  std::string url_;
  std::string admin_;
  std::string db_;
  std::string reason_;
};

// In a test body: skips (or, with CTEM_REQUIRE_SERVERS=1, fails) when `db` is unavailable.
#define CTEM_REQUIRE_BACKEND(db)                                   \
  do {                                                             \
    if (!(db).ok()) {                                              \
      if (::ctem::testing::ServersRequired()) FAIL() << (db).reason(); \
      GTEST_SKIP() << (db).reason();                               \
    }                                                              \
  } while (0)

}  // namespace ctem::testing
