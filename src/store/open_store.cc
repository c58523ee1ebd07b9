#include <string>

#include "store/postgres_store.h"
#include "store/sqlite_store.h"
#include "store/store.h"

namespace ctem::store {

Result<std::unique_ptr<Store>> OpenStore(std::string_view url) {
  if (url.starts_with("sqlite:")) {
    std::string path(url.substr(7));
    if (path.starts_with("//")) path = path.substr(2);  // sqlite:///abs/path
    if (path.empty()) return Fail(Error::InvalidArgument("store URL 'sqlite:' needs a file path, e.g. sqlite:ctem.db"));
    return OpenSqliteStore(path);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return OpenPostgresStore(std::string(url));
  }
  if (url.ends_with(".db") || url.ends_with(".sqlite")) return OpenSqliteStore(std::string(url));
  return Fail(Error::InvalidArgument("unknown store URL '" + std::string(url) +
                                     "' (expected sqlite:PATH or postgresql://user@host/db)"));
}

}  // namespace ctem::store
