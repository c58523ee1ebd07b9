#include "store/api_tokens.h"

#include <algorithm>
#include <cctype>

namespace ctem::store {
namespace {

constexpr const char* kColumns =
    "id, tenant_id, scope, name, token_prefix, created_at, revoked_at, last_used_at";

ApiTokenRow ToRow(const SqlRow& r) {
  ApiTokenRow t;
  t.id = AsInt(r[0]);
  t.tenant_id = AsText(r[1]);
  t.scope = AsText(r[2]);
  t.name = AsText(r[3]);
  t.prefix = AsText(r[4]);
  t.created_at = AsTimestamp(r[5]).value_or(Timestamp{});
  t.revoked_at = AsTimestamp(r[6]);
  t.last_used_at = AsTimestamp(r[7]);
  return t;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && s.size() < 19 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

}  // namespace

Result<long long> InsertApiToken(Store& store, const NewApiToken& token, Timestamp now) {
  auto taken = store.Sql().Query("SELECT 1 FROM ctem_api_tokens WHERE name = ?", {token.name});
  if (!taken) return Fail(taken.error());
  if (!taken->empty()) return Fail(Error::InvalidArgument("a token named '" + token.name + "' exists"));
  auto r = store.Sql().Query(
      "INSERT INTO ctem_api_tokens (tenant_id, scope, name, token_hash, token_prefix, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      {token.tenant_id, token.scope, token.name, token.token_hash, token.prefix, TsParam(now)});
  if (!r) return Fail(r.error());
  if (r->empty()) return Fail(Error::Internal("INSERT ... RETURNING id gave no row"));
  return AsInt((*r)[0][0]);
}

Result<std::vector<ApiTokenRow>> ListApiTokens(Store& store) {
  auto rows = store.Sql().Query(std::string("SELECT ") + kColumns + " FROM ctem_api_tokens ORDER BY id", {});
  if (!rows) return Fail(rows.error());
  std::vector<ApiTokenRow> out;
  for (const auto& r : *rows) out.push_back(ToRow(r));
  return out;
}

Result<std::optional<ApiTokenRow>> FindApiTokenByHash(Store& store, std::string_view token_hash) {
  auto rows = store.Sql().Query(std::string("SELECT ") + kColumns + " FROM ctem_api_tokens WHERE token_hash = ?",
                                {std::string(token_hash)});
  if (!rows) return Fail(rows.error());
  if (rows->empty()) return std::optional<ApiTokenRow>();
  return std::optional<ApiTokenRow>(ToRow(rows->front()));
}

Result<ApiTokenRow> RevokeApiToken(Store& store, std::string_view id_or_name, Timestamp now) {
  const bool by_id = AllDigits(id_or_name);
  const std::string where = by_id ? "id = ?" : "name = ?";
  auto r = store.Sql().Query("UPDATE ctem_api_tokens SET revoked_at = ? WHERE " + where + " AND revoked_at IS NULL",
                             {TsParam(now), std::string(id_or_name)});
  if (!r) return Fail(r.error());
  auto rows = store.Sql().Query(std::string("SELECT ") + kColumns + " FROM ctem_api_tokens WHERE " + where,
                                {std::string(id_or_name)});
  if (!rows) return Fail(rows.error());
  if (rows->empty()) return Fail(Error::NotFound("no token with id or name '" + std::string(id_or_name) + "'"));
  return ToRow(rows->front());
}

Status TouchApiToken(Store& store, long long id, Timestamp now) {
  auto r = store.Sql().Query("UPDATE ctem_api_tokens SET last_used_at = ? WHERE id = ?",
                             {TsParam(now), std::to_string(id)});
  if (!r) return Fail(r.error());
  return {};
}

Result<bool> RecordWebhookDelivery(Store& store, std::string_view source, std::string_view delivery_id,
                                   Timestamp now, std::chrono::seconds window) {
  const SqlValue cutoff = TsParam(now - std::chrono::duration_cast<Timestamp::duration>(window));
  auto pruned = store.Sql().Query("DELETE FROM ctem_webhook_deliveries WHERE received_at < ?", {cutoff});
  if (!pruned) return Fail(pruned.error());
  // A row comes back when the id is new, or when the one seen was older than the window (and
  // so was just pruned, or is being overwritten here by a concurrent replica's race).
  auto r = store.Sql().Query(
      "INSERT INTO ctem_webhook_deliveries (source, delivery_id, received_at) VALUES (?, ?, ?) "
      "ON CONFLICT (source, delivery_id) DO UPDATE SET received_at = excluded.received_at "
      "WHERE ctem_webhook_deliveries.received_at < ? RETURNING delivery_id",
      {std::string(source), std::string(delivery_id), TsParam(now), cutoff});
  if (!r) return Fail(r.error());
  return !r->empty();
}

Status ForgetWebhookDelivery(Store& store, std::string_view source, std::string_view delivery_id) {
  auto r = store.Sql().Query("DELETE FROM ctem_webhook_deliveries WHERE source = ? AND delivery_id = ?",
                             {std::string(source), std::string(delivery_id)});
  if (!r) return Fail(r.error());
  return {};
}

}  // namespace ctem::store
