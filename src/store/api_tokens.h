// API tokens and webhook delivery ids in the store (migration 007, docs/security.md).
//
// A token's secret never reaches this layer: callers pass the hex SHA-256 of it (api/auth.h
// makes and hashes tokens). ctem_api_tokens is looked up by hash before any tenant is known,
// so these functions are not tenant-scoped; each row names the tenant its token acts for.
//
// Thread-safety: functions over a Store, which is used by one thread at a time.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/time.h"
#include "store/store.h"

namespace ctem::store {

struct ApiTokenRow {
  long long id = 0;
  std::string tenant_id;
  std::string scope;   // "ingest", "read" or "admin"
  std::string name;    // unique
  std::string prefix;  // the token's first characters, not secret
  Timestamp created_at{};
  std::optional<Timestamp> revoked_at;
  std::optional<Timestamp> last_used_at;
};

struct NewApiToken {
  std::string tenant_id;
  std::string scope;
  std::string name;
  std::string token_hash;  // hex SHA-256 of the token
  std::string prefix;
};

// Stores a token's hash; its id. InvalidArgument when the name or hash is taken.
Result<long long> InsertApiToken(Store& store, const NewApiToken& token, Timestamp now);
// Every token (revoked ones too), oldest first.
Result<std::vector<ApiTokenRow>> ListApiTokens(Store& store);
// The token with this hash, revoked or not; nullopt when there is none.
Result<std::optional<ApiTokenRow>> FindApiTokenByHash(Store& store, std::string_view token_hash);
// Revokes the token whose id (all digits) or name is `id_or_name`, at `now`. The row as it
// now is; NotFound when no token has that id or name (revoking twice keeps the first time).
Result<ApiTokenRow> RevokeApiToken(Store& store, std::string_view id_or_name, Timestamp now);
// Records that the token was used at `now`.
Status TouchApiToken(Store& store, long long id, Timestamp now);

// Records a signed webhook delivery. True when `delivery_id` of `source` was not seen since
// now - window (a first delivery, or one older than the window); false when it was (a replay).
// Also forgets deliveries older than the window, so the table stays bounded by the traffic of
// one window.
Result<bool> RecordWebhookDelivery(Store& store, std::string_view source, std::string_view delivery_id,
                                   Timestamp now, std::chrono::seconds window);
// Forgets a delivery that was recorded but then not accepted, so the sender's retry is let in.
Status ForgetWebhookDelivery(Store& store, std::string_view source, std::string_view delivery_id);

}  // namespace ctem::store
