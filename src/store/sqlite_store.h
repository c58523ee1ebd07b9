// SqliteStore: the embedded default backend, one SQLite file in WAL mode.
//
// Thread-safety: one SqliteStore per thread (SQLite connections are not shared here); many
// processes may open the same file — writers take SQLite's lock, with a 5 s busy timeout.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "store/store.h"

namespace ctem::store {

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

// The statement with the target of its INSERT/REPLACE/UPDATE/DELETE qualified as main.<table>
// when that is a tenant table (the unqualified name is the connection's tenant view); any
// other statement unchanged. Exposed for tests.
std::string QualifySqliteWriteTarget(std::string_view sql);

}  // namespace ctem::store
