// Tenant binding of a Store (store.h, "Tenant isolation").
#include <string>

#include "store/store.h"

namespace ctem::store {

const std::vector<std::string_view>& TenantTables() {
  static const std::vector<std::string_view> tables = {
      "ctem_exposures",   "ctem_validations",    "ctem_remediations", "ctem_remediation_audit",
      "ctem_alert_outbox", "ctem_assets",        "edge_node_telemetry", "orbital_api_logs",
      "partner_api_logs", "opcua_telemetry",     "cicd_audit",        "model_registry",
      "alerts"};
  return tables;
}

Status Store::BindTenant(std::string_view tenant) {
  if (tenant.empty()) return Fail(Error::InvalidArgument("a store cannot be bound to an empty tenant id"));
  if (bound_tenant_) {
    if (*bound_tenant_ == tenant) return {};
    return Fail(Error::FailedPrecondition("the store is bound to tenant '" + *bound_tenant_ +
                                          "' and cannot act for tenant '" + std::string(tenant) + "'"));
  }
  bound_tenant_ = std::string(tenant);
  return {};
}

Status Store::CheckRecordTenant(std::string_view record_tenant) const {
  if (!bound_tenant_ || *bound_tenant_ == record_tenant) return {};
  return Fail(Error::FailedPrecondition("a record of tenant '" + std::string(record_tenant) +
                                        "' cannot be written through a store bound to tenant '" +
                                        *bound_tenant_ + "'"));
}

TenantScope::TenantScope(Store& store, std::string_view tenant) : store_(store) {
  const bool was_unbound = !store_.bound_tenant_.has_value();
  status_ = store_.BindTenant(tenant);
  unbind_ = status_.has_value() && was_unbound;
}

TenantScope::~TenantScope() {
  if (unbind_) store_.bound_tenant_.reset();
}

}  // namespace ctem::store
