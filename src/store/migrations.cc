#include "store/migrations.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <utility>

namespace ctem::embedded {
const std::vector<std::pair<std::string_view, std::string_view>>& SqliteMigrationFiles();
const std::vector<std::pair<std::string_view, std::string_view>>& PostgresMigrationFiles();
}

namespace ctem::store {
namespace {

std::vector<Migration> FromFiles(const std::vector<std::pair<std::string_view, std::string_view>>& files) {
  std::vector<Migration> out;
  for (const auto& [name, sql] : files) {
    out.push_back({std::atoi(std::string(name.substr(0, name.find('_'))).c_str()), name, sql});
  }
  std::sort(out.begin(), out.end(), [](const Migration& a, const Migration& b) { return a.version < b.version; });
  return out;
}

}  // namespace

const std::vector<Migration>& SqliteMigrations() {
  static const std::vector<Migration> migrations = FromFiles(embedded::SqliteMigrationFiles());
  return migrations;
}

const std::vector<Migration>& PostgresMigrations() {
  static const std::vector<Migration> migrations = FromFiles(embedded::PostgresMigrationFiles());
  return migrations;
}

}  // namespace ctem::store
