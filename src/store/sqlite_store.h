// SqliteStore: the embedded default backend, one SQLite file in WAL mode.
//
// Thread-safety: one SqliteStore per thread (SQLite connections are not shared here); many
// processes may open the same file — writers take SQLite's lock, with a 5 s busy timeout.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace ctem::store {

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace ctem::store
