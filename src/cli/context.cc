#include "cli/context.h"

#include <cstdlib>
#include <iostream>

namespace ctem::cli {

std::string Context::StoreUrl() const {
  if (!options_.store_url.empty()) return options_.store_url;
  if (const char* env = std::getenv("CTEM_STORE"); env && *env) return env;
  if (const char* env = std::getenv("POSTGRES_DSN"); env && *env) return env;
  return "sqlite:ctem.db";
}

Result<std::unique_ptr<store::Store>> Context::OpenStore(bool migrate) const {
  auto s = store::OpenStore(StoreUrl());
  if (!s) return s;
  if (migrate) {
    auto v = (*s)->Migrate();
    if (!v) return Fail(v.error());
  } else {
    auto v = (*s)->SchemaVersion();
    if (!v) return Fail(v.error());
    if (*v == 0) {
      return Fail(Error::FailedPrecondition("the store at " + StoreUrl() +
                                            " has no CTEM schema yet; run `ctem migrate` first"));
    }
  }
  return s;
}

Result<Timestamp> Context::Now() const {
  if (options_.now.empty()) return SystemClock().Now();
  return ParseTimestamp(options_.now);
}

void PrintError(const Error& error) { std::cerr << "ctem: " << error.message << "\n"; }

}  // namespace ctem::cli
