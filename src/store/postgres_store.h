// PostgresStore: the production backend, PostgreSQL 15 through libpqxx.
//
// Upserts are one multi-row INSERT ... ON CONFLICT per batch in one transaction; the
// keep/refresh rules of store.h are expressed in the ON CONFLICT clause so that the database
// applies them atomically even when several persisters write at once.
//
// Thread-safety: one PostgresStore (one connection) per thread.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace ctem::store {

// `url` is a libpq connection URI (postgresql://user:pass@host:port/db?...). A connect
// timeout of 5 s is added unless the URI sets one.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url);

}  // namespace ctem::store
