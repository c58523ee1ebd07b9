// API tokens for tests that talk to the gateway (docs/security.md): made with the built
// `ctem token create`, as an operator would.
//
//   const std::string token = testing::CreateToken(db.url(), "default", "admin");
//   httplib::Client client("127.0.0.1", port);
//   client.set_bearer_token_auth(token);
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "support/run_ctem.h"
#include "support/temp_dir.h"

namespace ctem::testing {

// A new token of `scope` ("ingest", "read", "admin") for `tenant` in the store at `store_url`
// (a relative sqlite: path is taken relative to `cwd`); empty, with a test failure, when
// `ctem token create` fails.
inline std::string CreateToken(const TempDir& cwd, const std::string& store_url, const std::string& tenant,
                               const std::string& scope) {
  const CommandResult r =
      RunCtem(cwd, {"--store", store_url, "--tenant", tenant, "token", "create", "--scope", scope});
  if (r.exit_code != 0) {
    ADD_FAILURE() << "ctem token create failed (" << r.exit_code << "): " << r.err;
    return {};
  }
  std::string token = r.out;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  return token;
}

inline std::string CreateToken(const std::string& store_url, const std::string& tenant, const std::string& scope) {
  TempDir cwd;
  return CreateToken(cwd, store_url, tenant, scope);
}

}  // namespace ctem::testing
