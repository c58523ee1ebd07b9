#include "jobs/job.h"

namespace ctem::jobs {

Result<std::vector<std::string>> Tenants(store::Store& store, const std::string& sql_select,
                                         const std::vector<store::SqlValue>& params) {
  std::vector<std::string> candidates;
  if (store.BoundTenant()) {
    candidates.push_back(*store.BoundTenant());
  } else {
    auto all = store.ListTenants();
    if (!all) return Fail(all.error());
    candidates = std::move(*all);
  }
  std::vector<std::string> out;
  for (const std::string& tenant : candidates) {
    store::TenantScope scope(store, tenant);
    if (!scope.status()) return Fail(scope.status().error());
    auto rows = store.Sql().Query(sql_select, params);
    if (!rows) return Fail(rows.error());
    if (!rows->empty()) out.push_back(tenant);
  }
  return out;
}

Status ExecuteUnits(store::Store& store, const std::vector<SqlStatement>& statements,
                    const std::vector<size_t>& units, size_t chunk) {
  std::vector<SqlStatement> tx;
  size_t next = 0;
  for (size_t unit : units) {
    if (!tx.empty() && tx.size() + unit > chunk) {
      if (auto st = store.Sql().ExecuteInTransaction(tx); !st) return st;
      tx.clear();
    }
    for (size_t i = 0; i < unit; ++i) tx.push_back(statements[next++]);
  }
  if (!tx.empty()) return store.Sql().ExecuteInTransaction(tx);
  return {};
}

}  // namespace ctem::jobs
