// Versioned schema migrations, embedded in the binary from migrations/<backend>/NNN_name.sql.
// A migration's version is its numeric prefix; they are applied in order, each in its own
// transaction, and recorded in schema_migrations so that `ctem migrate` is idempotent.
#pragma once

#include <string_view>
#include <vector>

namespace ctem::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

const std::vector<Migration>& SqliteMigrations();
const std::vector<Migration>& PostgresMigrations();

}  // namespace ctem::store
