#include "store/sqlite_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cctype>
#include <charconv>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <unordered_set>

#include "store/migrations.h"
#include "store/outbox_rows.h"

namespace ctem::store {
namespace {

// SQLiteCpp reports failures by exception; this backend turns every one into an Error at its
// boundary so callers only ever see values.
template <typename F>
auto Guard(std::string_view what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const SQLite::Exception& e) {
    const int code = e.getErrorCode();
    const ErrorCode ec = (code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_CANTOPEN ||
                          code == SQLITE_IOERR || code == SQLITE_FULL)
                             ? ErrorCode::kUnavailable
                             : ErrorCode::kInternal;
    return Fail(Error{ec, "sqlite: " + std::string(what) + ": " + e.what()});
  } catch (const std::exception& e) {
    return Fail(Error::Internal("sqlite: " + std::string(what) + ": " + e.what()));
  }
}

std::string Ts(Timestamp t) { return FormatTimestamp(t); }

void BindOptionalTs(SQLite::Statement& st, int index, const std::optional<Timestamp>& t) {
  if (t) {
    st.bind(index, Ts(*t));
  } else {
    st.bind(index);  // NULL
  }
}

Timestamp ColTs(const SQLite::Column& c) {
  auto t = ParseTimestamp(c.getString());
  return t ? *t : Timestamp{};
}

std::optional<Timestamp> ColOptTs(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  auto t = ParseTimestamp(c.getString());
  if (!t) return std::nullopt;
  return *t;
}

std::string JsonList(const std::vector<std::string>& items) { return nlohmann::json(items).dump(); }

std::vector<std::string> ListFromJson(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& item : j) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

constexpr const char* kExposureColumns =
    "id, exposure_key, ts, source_tool, title, description, severity, original_severity, asset_id, "
    "asset_type, asset_zone, exploitability_score, physical_consequence, ctem_score, atlas_technique, "
    "attack_technique, threat_model_ref, status, assigned_to, sla_deadline, remediation_guidance, "
    "evidence_url, tenant_id, created_at, updated_at, zone_source, escalation_level, sla_breached, "
    "redetection_count, last_redetected_at, cve_ids, cwe_ids, reference_urls, atlas_official_id, "
    "atlas_official_name, tool_status, no_longer_seen_at";

StoredExposure ReadExposure(SQLite::Statement& q) {
  StoredExposure s;
  Exposure& e = s.exposure;
  s.id = q.getColumn(0).getInt64();
  e.exposure_key = q.getColumn(1).getString();
  e.ts = ColTs(q.getColumn(2));
  e.source_tool = q.getColumn(3).getString();
  e.title = q.getColumn(4).getString();
  e.description = q.getColumn(5).getString();
  e.severity = ParseSeverity(q.getColumn(6).getString()).value_or(Severity::kMedium);
  e.original_severity = q.getColumn(7).getString();
  e.asset_id = q.getColumn(8).getString();
  e.asset_type = q.getColumn(9).getString();
  e.asset_zone = q.getColumn(10).getString();
  e.exploitability_score = q.getColumn(11).getDouble();
  e.physical_consequence = ParseConsequence(q.getColumn(12).getString()).value_or(Consequence::kDataLoss);
  e.ctem_score = q.getColumn(13).getDouble();
  e.atlas_technique = q.getColumn(14).getString();
  e.attack_technique = q.getColumn(15).getString();
  e.threat_model_ref = q.getColumn(16).getString();
  e.status = ParseExposureStatus(q.getColumn(17).getString()).value_or(ExposureStatus::kOpen);
  e.assigned_to = q.getColumn(18).getString();
  e.sla_deadline = ColOptTs(q.getColumn(19));
  e.remediation_guidance = q.getColumn(20).getString();
  e.evidence_url = q.getColumn(21).getString();
  e.tenant_id = q.getColumn(22).getString();
  s.created_at = ColTs(q.getColumn(23));
  s.updated_at = ColTs(q.getColumn(24));
  e.zone_source = ParseZoneSource(q.getColumn(25).getString());
  s.escalation_level = q.getColumn(26).getString();
  s.sla_breached = q.getColumn(27).getInt() != 0;
  s.redetection_count = q.getColumn(28).getInt();
  s.last_redetected_at = ColOptTs(q.getColumn(29));
  e.cve_ids = ListFromJson(q.getColumn(30).getString());
  e.cwe_ids = ListFromJson(q.getColumn(31).getString());
  e.reference_urls = ListFromJson(q.getColumn(32).getString());
  e.atlas_official_id = q.getColumn(33).getString();
  e.atlas_official_name = q.getColumn(34).getString();
  if (auto ts = ParseExposureStatus(q.getColumn(35).getString())) e.tool_status = *ts;
  s.no_longer_seen_at = ColOptTs(q.getColumn(36));
  return s;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool IsTenantTable(std::string_view name) {
  for (std::string_view t : TenantTables()) {
    if (EqualsNoCase(t, name)) return true;
  }
  return false;
}

}  // namespace

// The target of a write statement ("INSERT [OR x] INTO t", "REPLACE INTO t", "UPDATE [OR x] t",
// "DELETE FROM t") names the table in main when t is a tenant table: the unqualified name
// means the connection's TEMP view of the tenant's rows, which cannot be written. The rows
// the statement may touch are then limited by the TEMP triggers (OpenSqliteStore).
std::string QualifySqliteWriteTarget(std::string_view sql) {
  size_t pos = 0;
  auto word = [&]() -> std::string_view {
    while (pos < sql.size() && std::isspace(static_cast<unsigned char>(sql[pos]))) ++pos;
    const size_t start = pos;
    while (pos < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[pos])) || sql[pos] == '_')) ++pos;
    return sql.substr(start, pos - start);
  };
  std::string_view w = word();
  if (EqualsNoCase(w, "INSERT") || EqualsNoCase(w, "REPLACE") || EqualsNoCase(w, "UPDATE")) {
    const bool update = EqualsNoCase(w, "UPDATE");
    w = word();
    if (EqualsNoCase(w, "OR")) {  // INSERT OR IGNORE INTO t, UPDATE OR REPLACE t
      word();
      w = word();
    }
    if (!update) {
      if (!EqualsNoCase(w, "INTO")) return std::string(sql);
      w = word();
    }
  } else if (EqualsNoCase(w, "DELETE")) {
    if (!EqualsNoCase(word(), "FROM")) return std::string(sql);
    w = word();
  } else {
    return std::string(sql);
  }
  if (w.empty() || !IsTenantTable(w) || (pos < sql.size() && sql[pos] == '.')) return std::string(sql);
  const size_t at = static_cast<size_t>(w.data() - sql.data());
  return std::string(sql.substr(0, at)) + "main." + std::string(sql.substr(at));
}

namespace {

class SqliteExecutor final : public SqlExecutor {
 public:
  // `activate` runs before every statement or transaction: it sets the tenant the connection's
  // scope shows (the store's SqlTenant()).
  SqliteExecutor(SQLite::Database& db, std::function<void()> activate) : db_(db), activate_(std::move(activate)) {}
  SqlBackend Backend() const override { return SqlBackend::kSqlite; }

  Result<SqlRows> Query(std::string_view sql, const std::vector<SqlValue>& params) override {
    return Guard("query", [&]() -> Result<SqlRows> {
      activate_();
      SQLite::Statement q(db_, QualifySqliteWriteTarget(sql));
      Bind(q, params);
      SqlRows rows;
      const int columns = q.getColumnCount();
      while (q.executeStep()) {
        SqlRow row;
        row.reserve(static_cast<size_t>(columns));
        for (int i = 0; i < columns; ++i) {
          const SQLite::Column c = q.getColumn(i);
          if (c.isNull()) {
            row.emplace_back(std::nullopt);
          } else if (c.isFloat()) {
            // Shortest text that reads back as the same double, as PostgreSQL prints it.
            char buf[32];
            auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), c.getDouble());
            row.emplace_back(std::string(buf, ec == std::errc() ? end : buf));
          } else {
            row.emplace_back(c.getString());
          }
        }
        rows.push_back(std::move(row));
      }
      return rows;
    });
  }

  Status ExecuteInTransaction(
      const std::vector<std::pair<std::string, std::vector<SqlValue>>>& statements) override {
    return Guard("execute", [&]() -> Status {
      activate_();
      SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
      for (const auto& [sql, params] : statements) {
        SQLite::Statement st(db_, QualifySqliteWriteTarget(sql));
        Bind(st, params);
        while (st.executeStep()) {
        }
      }
      tx.commit();
      return {};
    });
  }

  Result<bool> ExecuteChecked(const std::vector<CheckedStatement>& statements) override {
    return Guard("execute", [&]() -> Result<bool> {
      activate_();
      SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
      for (const CheckedStatement& s : statements) {
        SQLite::Statement st(db_, QualifySqliteWriteTarget(s.sql));
        Bind(st, s.params);
        while (st.executeStep()) {
        }
        // The destructor of an uncommitted Transaction rolls back.
        if (s.expected_changes && db_.getChanges() != *s.expected_changes) return false;
      }
      tx.commit();
      return true;
    });
  }

 private:
  static void Bind(SQLite::Statement& st, const std::vector<SqlValue>& params) {
    int i = 1;
    for (const auto& p : params) {
      if (p) {
        st.bind(i++, *p);
      } else {
        st.bind(i++);
      }
    }
  }

  SQLite::Database& db_;
  std::function<void()> activate_;
};

// The connection's tenant, as the SQL function ctem_tenant() returns it to the scope's views
// and triggers; NULL (no rows) when unset.
void CtemTenantFunction(sqlite3_context* ctx, int /*argc*/, sqlite3_value** /*argv*/) {
  const auto* tenant = static_cast<const std::optional<std::string>*>(sqlite3_user_data(ctx));
  if (tenant == nullptr || !tenant->has_value()) {
    sqlite3_result_null(ctx);
    return;
  }
  sqlite3_result_text(ctx, (*tenant)->data(), static_cast<int>((*tenant)->size()), SQLITE_TRANSIENT);
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<SQLite::Database> db)
      : db_(std::move(db)), sql_(*db_, [this] { Activate(SqlTenant()); }) {
    const int rc = sqlite3_create_function_v2(db_->getHandle(), "ctem_tenant", 0, SQLITE_UTF8, &active_tenant_,
                                              &CtemTenantFunction, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) throw SQLite::Exception(db_->getHandle(), rc);
    InstallScope();
  }

  SqlExecutor& Sql() override { return sql_; }

  Result<std::vector<std::string>> ListTenants() override {
    return Guard("list tenants", [&]() -> Result<std::vector<std::string>> {
      SQLite::Statement q(*db_, "SELECT tenant_id FROM main.ctem_tenants ORDER BY tenant_id");
      std::vector<std::string> out;
      while (q.executeStep()) out.push_back(q.getColumn(0).getString());
      return out;
    });
  }

  Result<int> Migrate() override {
    return Guard("migrate", [&]() -> Result<int> {
      // The scope's TEMP objects shadow the tables the migrations alter: out of the way while
      // they run, back (over the new schema) afterwards, even when a migration fails.
      DropScope();
      struct Reinstall {
        SqliteStore* store;
        ~Reinstall() {
          try {
            store->InstallScope();
          } catch (const std::exception&) {  // the next statement retries (EnsureScope)
          }
        }
      } reinstall{this};
      db_->exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
          "NULL, applied_at TEXT NOT NULL)");
      int current = CurrentVersion();
      for (const Migration& m : SqliteMigrations()) {
        if (m.version <= current) continue;
        SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        // Re-check under the write lock: another process may have migrated meanwhile.
        if (CurrentVersion() >= m.version) continue;
        db_->exec(std::string(m.sql));
        SQLite::Statement ins(*db_, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
        ins.bind(1, m.version);
        ins.bind(2, std::string(m.name));
        ins.bind(3, Ts(SystemClock().Now()));
        ins.exec();
        tx.commit();
      }
      return CurrentVersion();
    });
  }

  Result<int> SchemaVersion() override {
    return Guard("schema version", [&]() -> Result<int> {
      if (!db_->tableExists("schema_migrations")) return 0;
      return CurrentVersion();
    });
  }

  // Multi-row INSERT ... ON CONFLICT DO UPDATE ... RETURNING statements, prepared once per
  // connection (UpsertStatement): SQLite's cost per statement (cursors on the table and every
  // index, the statement journal a statement that may abort keeps, the trigger programs'
  // setup) is paid once per chunk of up to kUpsertChunk records, not once per record, and the
  // unique index is probed once per record, where a SELECT before an INSERT or UPDATE probed
  // it twice. A chunk holds one tenant's consecutive records with distinct keys (a key seen
  // again starts the next chunk), so the batch is applied in its order, one record at a time,
  // as before. Whether a record was new: AUTOINCREMENT gives every inserted row an id above
  // the table's sequence as it was before the statement; an updated row keeps its older id.
  // The update rules are in SQL (UpsertSql).
  Result<UpsertSummary> UpsertExposures(std::span<const Exposure> batch, Timestamp now) override {
    return Guard("upsert exposures", [&]() -> Result<UpsertSummary> {
      UpsertSummary summary;
      for (const Exposure& e : batch) {
        if (auto st = CheckRecordTenant(e.tenant_id); !st) return Fail(st.error());
      }
      EnsureScope();
      SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
      SQLite::Statement sequence(*db_, "SELECT seq FROM main.sqlite_sequence WHERE name = 'ctem_exposures'");
      SQLite::Statement outbox(*db_,
                               "INSERT INTO main.ctem_alert_outbox (ts, tenant_id, alert_type, exposure_key, "
                               "alert_title, payload) VALUES (?, ?, ?, ?, ?, ?)");
      const std::string now_text = Ts(now);
      std::vector<size_t> chunk;
      chunk.reserve(kUpsertChunk);
      std::unordered_set<std::string_view> keys;  // the chunk's keys, to start a new chunk on a repeat
      keys.reserve(kUpsertChunk);
      // Text bound without a copy must outlive the statement's step: kept here per chunk.
      std::deque<std::string> texts;
      struct Regression {
        size_t index;
        ExposureStatus status;
      };
      std::vector<Regression> regressions;

      // One statement over `piece` (records of one tenant with distinct keys, in batch order).
      auto run = [&](std::span<const size_t> piece) {
        Activate(CallTenant(batch[piece.front()].tenant_id));
        sequence.reset();
        const int64_t last_id = sequence.executeStep() ? sequence.getColumn(0).getInt64() : 0;
        SQLite::Statement& upsert = UpsertStatement(piece.size());
        // A kept statement that failed in an earlier call is still mid-step: reset before binding.
        upsert.tryReset();
        texts.clear();
        auto keep = [&](std::string s) -> const std::string& { return texts.emplace_back(std::move(s)); };
        int p = 1;
        for (size_t index : piece) {
          const Exposure& e = batch[index];
          // First sighting: the deadline is anchored at first seen (= this ts).
          const Timestamp deadline = e.ts + SeveritySla(e.severity);
          const std::string& ts_text = keep(Ts(e.ts));
          // The record's own strings and core's names (literals) are bound without a copy.
          upsert.bindNoCopy(p++, e.exposure_key);
          upsert.bindNoCopy(p++, ts_text);
          upsert.bindNoCopy(p++, e.source_tool);
          upsert.bindNoCopy(p++, e.title);
          upsert.bindNoCopy(p++, e.description);
          upsert.bind(p++, std::string(SeverityName(e.severity)));
          upsert.bindNoCopy(p++, e.original_severity);
          upsert.bindNoCopy(p++, e.asset_id);
          upsert.bindNoCopy(p++, e.asset_type);
          upsert.bindNoCopy(p++, e.asset_zone);
          upsert.bind(p++, e.exploitability_score);
          upsert.bind(p++, std::string(ConsequenceName(e.physical_consequence)));
          upsert.bind(p++, e.ctem_score);
          upsert.bindNoCopy(p++, e.atlas_technique);
          upsert.bindNoCopy(p++, e.attack_technique);
          upsert.bindNoCopy(p++, e.threat_model_ref);
          upsert.bind(p++, std::string(ExposureStatusName(e.tool_status.value_or(e.status))));
          upsert.bindNoCopy(p++, e.assigned_to);
          upsert.bindNoCopy(p++, keep(Ts(e.sla_deadline ? std::min(*e.sla_deadline, deadline) : deadline)));
          upsert.bindNoCopy(p++, e.remediation_guidance);
          upsert.bindNoCopy(p++, e.evidence_url);
          upsert.bindNoCopy(p++, e.tenant_id);
          upsert.bindNoCopy(p++, ts_text);
          upsert.bindNoCopy(p++, now_text);
          upsert.bind(p++, SeverityRank(e.severity));
          upsert.bind(p++, std::string(ZoneSourceName(e.zone_source)));
          upsert.bindNoCopy(p++, keep(JsonList(e.cve_ids)));
          upsert.bindNoCopy(p++, keep(JsonList(e.cwe_ids)));
          upsert.bindNoCopy(p++, keep(JsonList(e.reference_urls)));
          upsert.bindNoCopy(p++, e.atlas_official_id);
          upsert.bindNoCopy(p++, e.atlas_official_name);
          upsert.bind(p++, e.tool_status ? std::string(ExposureStatusName(*e.tool_status)) : std::string());
        }
        // RETURNING rows come in no defined order: matched to the chunk's records by key. A
        // BEFORE UPDATE scope trigger may skip a row (RAISE(IGNORE)): then none is returned.
        std::vector<std::pair<std::string, ExposureStatus>> terminal;  // updated rows now Verified/Closed
        size_t inserted = 0;
        while (upsert.executeStep()) {
          if (upsert.getColumn(0).getInt64() > last_id) {
            ++inserted;
            continue;
          }
          const auto status =
              ParseExposureStatus(upsert.getColumn(2).getString()).value_or(ExposureStatus::kOpen);
          // The status after the update is the stored one whenever that was Verified/Closed.
          if (IsTerminal(status)) terminal.emplace_back(upsert.getColumn(1).getString(), status);
        }
        upsert.reset();
        // Every record not inserted counts as updated, as the one-record UPDATE did, even
        // one a scope trigger skipped (which returns no row).
        summary.inserted += inserted;
        summary.updated += piece.size() - inserted;
        for (const auto& [key, status] : terminal) {
          const auto at = std::find_if(piece.begin(), piece.end(),
                                       [&](size_t index) { return batch[index].exposure_key == key; });
          if (at == piece.end()) continue;  // not one of ours: cannot happen, keys are distinct
          const Exposure& e = batch[*at];
          // A Verified/Closed exposure seen again is a regression unless the tool itself
          // reports it resolved.
          if (!(e.tool_status && IsTerminal(*e.tool_status))) regressions.push_back({*at, status});
        }
      };
      // A full chunk is one statement; a shorter one runs as power-of-two pieces, so that
      // whatever the batch sizes, at most log2(kUpsertChunk) + 1 statements are ever prepared.
      auto flush = [&] {
        for (size_t at = 0; at < chunk.size();) {
          const size_t n = std::bit_floor(chunk.size() - at);
          run(std::span<const size_t>(chunk).subspan(at, n));
          at += n;
        }
        chunk.clear();
        keys.clear();
      };

      for (size_t i = 0; i < batch.size(); ++i) {
        const Exposure& e = batch[i];
        if (!chunk.empty() &&
            (chunk.size() == kUpsertChunk || batch[chunk.front()].tenant_id != e.tenant_id ||
             keys.contains(e.exposure_key))) {
          flush();
        }
        chunk.push_back(i);
        keys.insert(e.exposure_key);
      }
      flush();

      // Erratum 10: the status stays (seed), but the re-detection is not silent; the alerts
      // are queued in the batch's order.
      std::sort(regressions.begin(), regressions.end(),
                [](const Regression& a, const Regression& b) { return a.index < b.index; });
      for (const Regression& r : regressions) {
        const Exposure& e = batch[r.index];
        ++summary.regressions;
        Activate(CallTenant(e.tenant_id));
        nlohmann::ordered_json payload = {{"exposure_key", e.exposure_key},
                                          {"status", ExposureStatusName(r.status)},
                                          {"title", e.title},
                                          {"asset_id", e.asset_id},
                                          {"severity", SeverityName(e.severity)},
                                          {"source_tool", e.source_tool},
                                          {"redetected_at", Ts(e.ts)}};
        outbox.reset();
        outbox.bind(1, now_text);
        outbox.bind(2, e.tenant_id);
        outbox.bind(3, "REGRESSION");
        outbox.bind(4, e.exposure_key);
        outbox.bind(5, "CTEM REGRESSION: " + std::string(ExposureStatusName(r.status)) +
                           " exposure re-detected — " + e.title);
        outbox.bind(6, payload.dump());
        outbox.exec();
      }
      tx.commit();
      return summary;
    });
  }

  Result<UpsertSummary> UpsertValidations(std::span<const Validation> batch, Timestamp now) override {
    return Guard("upsert validations", [&]() -> Result<UpsertSummary> {
      UpsertSummary summary;
      for (const Validation& v : batch) {
        if (auto st = CheckRecordTenant(v.tenant_id); !st) return Fail(st.error());
      }
      EnsureScope();
      SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
      SQLite::Statement exists(*db_, "SELECT 1 FROM ctem_validations WHERE tenant_id = ? AND validation_id = ?");
      SQLite::Statement upsert(
          *db_,
          "INSERT INTO main.ctem_validations (validation_id, exposure_id, campaign_id, ts, validation_type, "
          "exploitable, exploit_complexity, attack_path, physical_consequence_demonstrated, "
          "detection_evaded, detection_rules_tested, detection_gaps, tester, evidence_url, tenant_id, "
          "created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
          "ON CONFLICT (tenant_id, validation_id) DO UPDATE SET exposure_id = excluded.exposure_id, "
          "campaign_id = excluded.campaign_id, ts = excluded.ts, validation_type = excluded.validation_type, "
          "exploitable = excluded.exploitable, exploit_complexity = excluded.exploit_complexity, "
          "attack_path = excluded.attack_path, physical_consequence_demonstrated = "
          "excluded.physical_consequence_demonstrated, detection_evaded = excluded.detection_evaded, "
          "detection_rules_tested = excluded.detection_rules_tested, detection_gaps = "
          "excluded.detection_gaps, tester = excluded.tester, evidence_url = excluded.evidence_url");
      // FEEDBACK-001 in real time (issue 7): an evaded validation not alerted yet queues its
      // detection-gap alert in this transaction, and is marked so a re-ingest does not repeat it.
      SQLite::Statement gap_state(
          *db_,
          "SELECT gap_alerted_at IS NULL FROM ctem_validations WHERE tenant_id = ? AND validation_id = ?");
      SQLite::Statement technique(
          *db_, "SELECT atlas_technique FROM ctem_exposures WHERE tenant_id = ? AND exposure_key = ?");
      SQLite::Statement gap_outbox(
          *db_,
          "INSERT INTO main.ctem_alert_outbox (ts, tenant_id, alert_type, exposure_key, alert_title, payload, "
          "dedup_key) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING");
      SQLite::Statement gap_mark(
          *db_, "UPDATE main.ctem_validations SET gap_alerted_at = ? WHERE tenant_id = ? AND validation_id = ?");
      for (const Validation& v : batch) {
        Activate(CallTenant(v.tenant_id));
        exists.reset();
        exists.bind(1, v.tenant_id);
        exists.bind(2, v.validation_id);
        const bool found = exists.executeStep();
        upsert.reset();
        int i = 1;
        upsert.bind(i++, v.validation_id);
        upsert.bind(i++, v.exposure_id);
        upsert.bind(i++, v.campaign_id);
        upsert.bind(i++, Ts(v.ts));
        upsert.bind(i++, v.validation_type);
        upsert.bind(i++, v.exploitable ? 1 : 0);
        upsert.bind(i++, v.exploit_complexity);
        upsert.bind(i++, v.attack_path);
        upsert.bind(i++, v.physical_consequence_demonstrated ? 1 : 0);
        upsert.bind(i++, v.detection_evaded ? 1 : 0);
        upsert.bind(i++, JsonList(v.detection_rules_tested));
        upsert.bind(i++, JsonList(v.detection_gaps));
        upsert.bind(i++, v.tester);
        upsert.bind(i++, v.evidence_url);
        upsert.bind(i++, v.tenant_id);
        upsert.bind(i++, Ts(now));
        upsert.exec();
        ++(found ? summary.updated : summary.inserted);
        if (!v.detection_evaded) continue;
        gap_state.reset();
        gap_state.bind(1, v.tenant_id);
        gap_state.bind(2, v.validation_id);
        if (!gap_state.executeStep() || gap_state.getColumn(0).getInt() == 0) continue;  // alerted before
        technique.reset();
        technique.bind(1, v.tenant_id);
        technique.bind(2, v.exposure_id);
        const std::string atlas =
            technique.executeStep() ? technique.getColumn(0).getString() : std::string();
        const OutboxRow row = DetectionGapRow(v, atlas);
        gap_outbox.reset();
        gap_outbox.bind(1, Ts(now));
        gap_outbox.bind(2, v.tenant_id);
        gap_outbox.bind(3, row.alert_type);
        gap_outbox.bind(4, row.exposure_key);
        gap_outbox.bind(5, row.alert_title);
        gap_outbox.bind(6, row.payload_json);
        gap_outbox.bind(7, row.dedup_key);
        gap_outbox.exec();
        gap_mark.reset();
        gap_mark.bind(1, Ts(now));
        gap_mark.bind(2, v.tenant_id);
        gap_mark.bind(3, v.validation_id);
        gap_mark.exec();
        ++summary.detection_gaps;
      }
      tx.commit();
      return summary;
    });
  }

  Result<UpsertSummary> UpsertRemediations(std::span<const Remediation> batch, Timestamp now) override {
    return Guard("upsert remediations", [&]() -> Result<UpsertSummary> {
      UpsertSummary summary;
      for (const Remediation& m : batch) {
        if (auto st = CheckRecordTenant(m.tenant_id); !st) return Fail(st.error());
      }
      EnsureScope();
      SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
      SQLite::Statement exists(*db_, "SELECT 1 FROM ctem_remediations WHERE tenant_id = ? AND remediation_id = ?");
      SQLite::Statement upsert(
          *db_,
          "INSERT INTO main.ctem_remediations (remediation_id, exposure_id, ts, status, assigned_to, "
          "assigned_date, sla_deadline, fix_deployed_date, verified_date, verified_by, sla_breached, "
          "escalation_level, fix_description, pull_request_url, tenant_id, created_at, updated_at) "
          "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
          "ON CONFLICT (tenant_id, remediation_id) DO UPDATE SET exposure_id = excluded.exposure_id, "
          "ts = excluded.ts, status = excluded.status, assigned_to = excluded.assigned_to, "
          "assigned_date = excluded.assigned_date, sla_deadline = excluded.sla_deadline, "
          "fix_deployed_date = excluded.fix_deployed_date, verified_date = excluded.verified_date, "
          "verified_by = excluded.verified_by, sla_breached = excluded.sla_breached, "
          "escalation_level = excluded.escalation_level, fix_description = excluded.fix_description, "
          "pull_request_url = excluded.pull_request_url, updated_at = excluded.updated_at");
      for (const Remediation& m : batch) {
        Activate(CallTenant(m.tenant_id));
        exists.reset();
        exists.bind(1, m.tenant_id);
        exists.bind(2, m.remediation_id);
        const bool found = exists.executeStep();
        upsert.reset();
        upsert.clearBindings();
        int i = 1;
        upsert.bind(i++, m.remediation_id);
        upsert.bind(i++, m.exposure_id);
        upsert.bind(i++, Ts(m.ts));
        upsert.bind(i++, std::string(RemediationStatusName(m.status)));
        upsert.bind(i++, m.assigned_to);
        upsert.bind(i++, Ts(m.assigned_date));
        BindOptionalTs(upsert, i++, m.sla_deadline);
        BindOptionalTs(upsert, i++, m.fix_deployed_date);
        BindOptionalTs(upsert, i++, m.verified_date);
        upsert.bind(i++, m.verified_by);
        upsert.bind(i++, m.sla_breached ? 1 : 0);
        upsert.bind(i++, m.escalation_level);
        upsert.bind(i++, m.fix_description);
        upsert.bind(i++, m.pull_request_url);
        upsert.bind(i++, m.tenant_id);
        upsert.bind(i++, Ts(now));
        upsert.bind(i++, Ts(now));
        upsert.exec();
        ++(found ? summary.updated : summary.inserted);
      }
      tx.commit();
      return summary;
    });
  }

  Result<size_t> MarkNoLongerSeen(std::string_view tenant_id, std::span<const std::string> exposure_keys,
                                  Timestamp now) override {
    return Guard("mark no longer seen", [&]() -> Result<size_t> {
      if (exposure_keys.empty()) return size_t{0};
      // A key given twice is one row; each chunk's statement touches each of its rows once.
      std::vector<std::string> keys(exposure_keys.begin(), exposure_keys.end());
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
      const std::string now_text = Ts(now);
      // Well below SQLite's default limit of 32,766 bound parameters per statement.
      constexpr size_t kChunk = 500;
      size_t marked = 0;
      EnsureScope();
      Activate(CallTenant(tenant_id));
      SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
      for (size_t begin = 0; begin < keys.size(); begin += kChunk) {
        const size_t end = std::min(keys.size(), begin + kChunk);
        std::string sql =
            "UPDATE main.ctem_exposures SET updated_at = CASE WHEN no_longer_seen_at IS NULL THEN ? "
            "ELSE updated_at END, no_longer_seen_at = COALESCE(no_longer_seen_at, ?) "
            "WHERE tenant_id = ? AND exposure_key IN (";
        for (size_t i = begin; i < end; ++i) sql += i == begin ? "?" : ",?";
        sql += ")";
        SQLite::Statement update(*db_, sql);
        int p = 1;
        update.bind(p++, now_text);
        update.bind(p++, now_text);
        update.bind(p++, std::string(tenant_id));
        for (size_t i = begin; i < end; ++i) update.bind(p++, keys[i]);
        marked += static_cast<size_t>(update.exec());
      }
      tx.commit();
      return marked;
    });
  }

  Result<std::vector<StoredExposure>> ListExposures(const ExposureFilter& f) override {
    return Guard("list exposures", [&]() -> Result<std::vector<StoredExposure>> {
      EnsureScope();
      Activate(CallTenant(f.tenant_id));
      std::string sql = std::string("SELECT ") + kExposureColumns + " FROM ctem_exposures WHERE tenant_id = ?";
      if (!f.statuses.empty()) {
        sql += " AND status IN (";
        for (size_t i = 0; i < f.statuses.size(); ++i) sql += i ? ",?" : "?";
        sql += ")";
      }
      if (f.severity) sql += " AND severity = ?";
      if (!f.asset_zone.empty()) sql += " AND asset_zone = ?";
      if (!f.source_tool.empty()) sql += " AND source_tool = ?";
      if (!f.atlas_technique.empty()) sql += " AND atlas_technique = ?";
      if (f.seen_after) sql += " AND ts > ?";
      if (f.seen_before) sql += " AND ts <= ?";
      if (!f.exposure_keys.empty()) {
        sql += " AND exposure_key IN (";
        for (size_t i = 0; i < f.exposure_keys.size(); ++i) sql += i ? ",?" : "?";
        sql += ")";
      }
      sql += " ORDER BY severity_rank DESC, sla_deadline IS NULL, sla_deadline ASC, exposure_key ASC";
      if (f.limit) sql += " LIMIT " + std::to_string(f.limit) + " OFFSET " + std::to_string(f.offset);
      SQLite::Statement q(*db_, sql);
      int i = 1;
      q.bind(i++, f.tenant_id);
      for (ExposureStatus s : f.statuses) q.bind(i++, std::string(ExposureStatusName(s)));
      if (f.severity) q.bind(i++, std::string(SeverityName(*f.severity)));
      if (!f.asset_zone.empty()) q.bind(i++, f.asset_zone);
      if (!f.source_tool.empty()) q.bind(i++, f.source_tool);
      if (!f.atlas_technique.empty()) q.bind(i++, f.atlas_technique);
      if (f.seen_after) q.bind(i++, Ts(*f.seen_after));
      if (f.seen_before) q.bind(i++, Ts(*f.seen_before));
      for (const std::string& key : f.exposure_keys) q.bind(i++, key);
      std::vector<StoredExposure> out;
      while (q.executeStep()) out.push_back(ReadExposure(q));
      return out;
    });
  }

  Result<std::optional<StoredExposure>> GetExposure(std::string_view tenant_id,
                                                    std::string_view exposure_key) override {
    return Guard("get exposure", [&]() -> Result<std::optional<StoredExposure>> {
      EnsureScope();
      Activate(CallTenant(tenant_id));
      SQLite::Statement q(*db_, std::string("SELECT ") + kExposureColumns +
                                    " FROM ctem_exposures WHERE tenant_id = ? AND exposure_key = ?");
      q.bind(1, std::string(tenant_id));
      q.bind(2, std::string(exposure_key));
      if (!q.executeStep()) return std::optional<StoredExposure>();
      return std::optional<StoredExposure>(ReadExposure(q));
    });
  }

  Result<size_t> CountExposures(std::string_view tenant_id) override {
    return Guard("count exposures", [&]() -> Result<size_t> {
      EnsureScope();
      Activate(CallTenant(tenant_id));
      SQLite::Statement q(*db_, "SELECT COUNT(*) FROM ctem_exposures WHERE tenant_id = ?");
      q.bind(1, std::string(tenant_id));
      q.executeStep();
      return static_cast<size_t>(q.getColumn(0).getInt64());
    });
  }

  Result<std::map<std::string, long long>> CountAlertsByTechnique(std::string_view tenant_id,
                                                                  Timestamp since, Timestamp until) override {
    return Guard("count alerts", [&]() -> Result<std::map<std::string, long long>> {
      EnsureScope();
      Activate(CallTenant(tenant_id));
      SQLite::Statement q(*db_,
                          "SELECT atlas_technique, COUNT(*) FROM alerts WHERE tenant_id = ? AND ts > ? AND ts <= ? "
                          "AND atlas_technique != '' GROUP BY atlas_technique");
      q.bind(1, std::string(tenant_id));
      q.bind(2, Ts(since));
      q.bind(3, Ts(until));
      std::map<std::string, long long> out;
      while (q.executeStep()) out[q.getColumn(0).getString()] = q.getColumn(1).getInt64();
      return out;
    });
  }

  Result<std::vector<OutboxAlert>> PendingOutboxAlerts(size_t limit) override {
    return Guard("outbox", [&]() -> Result<std::vector<OutboxAlert>> {
      EnsureScope();
      Activate(SqlTenant());
      SQLite::Statement q(*db_,
                          "SELECT id, ts, tenant_id, alert_type, exposure_key, alert_title, payload FROM "
                          "ctem_alert_outbox WHERE published_at IS NULL ORDER BY id LIMIT ?");
      q.bind(1, static_cast<int64_t>(limit));
      std::vector<OutboxAlert> out;
      while (q.executeStep()) {
        out.push_back({q.getColumn(0).getInt64(), ColTs(q.getColumn(1)), q.getColumn(2).getString(),
                       q.getColumn(3).getString(), q.getColumn(4).getString(),
                       q.getColumn(5).getString(), q.getColumn(6).getString()});
      }
      return out;
    });
  }

 private:
  // Records per upsert statement (a power of two, see flush): 32 parameters each, well inside
  // SQLite's 32,766. Measured: 256 took 10% less CPU per record than 64, 512 and 1,000 no less.
  static constexpr size_t kUpsertChunk = 256;

  // The multi-row upsert of `rows` records (UpsertExposures), prepared on first use and kept
  // (one per power of two up to kUpsertChunk). SQLite re-prepares a kept
  // statement by itself when the schema changes (a migration, the scope's TEMP objects).
  SQLite::Statement& UpsertStatement(size_t rows) {
    auto& slot = upserts_[rows];
    if (!slot) slot = std::make_unique<SQLite::Statement>(*db_, UpsertSql(rows));
    return *slot;
  }

  // The rules of the update, all in SQL over the stored row (`ctem_exposures.x` is the row as
  // stored, `excluded.x` the record):
  //  * erratum 9: every tool-derived field is refreshed; workflow fields are kept;
  //  * erratum 2: last seen only moves forward; the deadline stays anchored at first seen and
  //    only tightens: min(stored deadline, created_at + SLA of the new severity), the SLA as a
  //    date modifier ('+N hours') from core's table;
  //  * erratum 10: Verified/Closed are never reopened; one seen again, unless the tool itself
  //    reports it resolved, counts a re-detection (the caller queues its regression alert);
  //    otherwise the tool's own workflow state is taken.
  // Timestamps are the fixed-width UTC text of migration 001, so text order is time order and
  // strftime('%Y-%m-%dT%H:%M:%fZ', ...) writes exactly FormatTimestamp's form.
  static std::string UpsertSql(size_t rows) {
    constexpr const char* kRegression =
        "ctem_exposures.status IN ('Verified', 'Closed') AND excluded.tool_status NOT IN ('Verified', "
        "'Closed')";
    std::string sla = "CASE excluded.severity";
    for (Severity sev : kAllSeverities) {
      sla += " WHEN '" + std::string(SeverityName(sev)) + "' THEN '+" +
             std::to_string(SeveritySla(sev).count()) + " hours'";
    }
    sla += " ELSE '+720 hours' END";
    const std::string anchored = "strftime('%Y-%m-%dT%H:%M:%fZ', ctem_exposures.created_at, " + sla + ")";
    std::string sql =
        "INSERT INTO main.ctem_exposures (exposure_key, ts, source_tool, title, description, severity, "
        "original_severity, asset_id, asset_type, asset_zone, exploitability_score, physical_consequence, "
        "ctem_score, atlas_technique, attack_technique, threat_model_ref, status, assigned_to, sla_deadline, "
        "remediation_guidance, evidence_url, tenant_id, created_at, updated_at, severity_rank, zone_source, "
        "cve_ids, cwe_ids, reference_urls, atlas_official_id, atlas_official_name, tool_status) VALUES ";
    for (size_t r = 0; r < rows; ++r) {
      sql += r ? ",(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
               : "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    }
    sql += std::string(
               " ON CONFLICT (tenant_id, exposure_key) DO UPDATE SET "
               "ts = max(ctem_exposures.ts, excluded.ts), source_tool = excluded.source_tool, "
               "title = excluded.title, description = excluded.description, severity = excluded.severity, "
               "original_severity = excluded.original_severity, asset_id = excluded.asset_id, "
               "asset_type = excluded.asset_type, asset_zone = excluded.asset_zone, "
               "exploitability_score = excluded.exploitability_score, "
               "physical_consequence = excluded.physical_consequence, ctem_score = excluded.ctem_score, "
               "atlas_technique = excluded.atlas_technique, attack_technique = excluded.attack_technique, "
               "threat_model_ref = excluded.threat_model_ref, "
               "remediation_guidance = excluded.remediation_guidance, evidence_url = excluded.evidence_url, "
               "sla_deadline = min(COALESCE(ctem_exposures.sla_deadline, ") +
           anchored + "), " + anchored +
           "), updated_at = excluded.updated_at, severity_rank = excluded.severity_rank, "
           "zone_source = excluded.zone_source, cve_ids = excluded.cve_ids, cwe_ids = excluded.cwe_ids, "
           "reference_urls = excluded.reference_urls, atlas_official_id = excluded.atlas_official_id, "
           "atlas_official_name = excluded.atlas_official_name, tool_status = excluded.tool_status, "
           "status = CASE WHEN ctem_exposures.status IN ('Verified', 'Closed') THEN ctem_exposures.status "
           "WHEN excluded.tool_status != '' THEN excluded.tool_status ELSE ctem_exposures.status END, "
           "redetection_count = ctem_exposures.redetection_count + CASE WHEN " +
           kRegression + " THEN 1 ELSE 0 END, last_redetected_at = CASE WHEN " + kRegression +
           " THEN excluded.ts ELSE ctem_exposures.last_redetected_at END, no_longer_seen_at = NULL "
           "RETURNING id, exposure_key, status";
    return sql;
  }

  // Sets the tenant the connection's scope shows and accepts.
  void Activate(const std::string& tenant) {
    EnsureScope();
    active_tenant_ = tenant;
  }

  // Creates the scope when some tenant table had none yet (a store opened before migrating).
  void EnsureScope() {
    if (!scope_complete_) InstallScope();
  }

  // The tenant scope of this connection: for every tenant table present, TEMP triggers that
  // hide other tenants' rows from UPDATE and DELETE (RAISE(IGNORE) skips the row, as an RLS
  // USING clause does) and reject rows of another tenant written (as WITH CHECK does), then a
  // TEMP view of the same name showing the tenant's rows only, which every unqualified read
  // sees instead of the table. The triggers are created first, while the name still means
  // the table.
  void InstallScope() {
    DropScope();
    bool complete = true;
    for (std::string_view table : TenantTables()) {
      const std::string t(table);
      if (!db_->tableExists(t)) {
        complete = false;
        continue;
      }
      const std::string violation =
          "'new row violates row-level security policy for table \"" + t + "\"'";
      db_->exec("CREATE TEMP TRIGGER ctem_scope_insert_" + t + " BEFORE INSERT ON " + t +
                " WHEN NEW.tenant_id IS NOT ctem_tenant() BEGIN SELECT RAISE(ABORT, " + violation + "); END");
      db_->exec("CREATE TEMP TRIGGER ctem_scope_update_" + t + " BEFORE UPDATE ON " + t +
                " WHEN OLD.tenant_id IS NOT ctem_tenant() BEGIN SELECT RAISE(IGNORE); END");
      db_->exec("CREATE TEMP TRIGGER ctem_scope_update_check_" + t + " BEFORE UPDATE ON " + t +
                " WHEN OLD.tenant_id IS ctem_tenant() AND NEW.tenant_id IS NOT ctem_tenant() BEGIN SELECT "
                "RAISE(ABORT, " + violation + "); END");
      db_->exec("CREATE TEMP TRIGGER ctem_scope_delete_" + t + " BEFORE DELETE ON " + t +
                " WHEN OLD.tenant_id IS NOT ctem_tenant() BEGIN SELECT RAISE(IGNORE); END");
      db_->exec("CREATE TEMP VIEW " + t + " AS SELECT * FROM main." + t + " WHERE tenant_id = ctem_tenant()");
    }
    scope_complete_ = complete;
  }

  void DropScope() {
    std::vector<std::pair<std::string, std::string>> objects;
    {
      SQLite::Statement q(*db_,
                          "SELECT type, name FROM temp.sqlite_master WHERE type IN ('view', 'trigger') AND "
                          "name NOT LIKE 'sqlite_%'");
      while (q.executeStep()) objects.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getString());
    }
    for (const auto& [type, name] : objects) {
      db_->exec(std::string(type == "view" ? "DROP VIEW temp." : "DROP TRIGGER temp.") + "\"" + name + "\"");
    }
    scope_complete_ = false;
  }

  int CurrentVersion() {
    SQLite::Statement q(*db_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    q.executeStep();
    return q.getColumn(0).getInt();
  }

  std::unique_ptr<SQLite::Database> db_;
  // Declared after db_: destroyed (finalized) before the connection closes.
  std::map<size_t, std::unique_ptr<SQLite::Statement>> upserts_;
  std::optional<std::string> active_tenant_;  // what ctem_tenant() returns
  bool scope_complete_ = false;
  SqliteExecutor sql_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  return Guard("open '" + path + "'", [&]() -> Result<std::unique_ptr<Store>> {
    const std::filesystem::path p(path);
    if (p.has_parent_path() && !std::filesystem::exists(p.parent_path())) {
      return Fail(Error::Unavailable("sqlite: directory '" + p.parent_path().string() +
                                     "' does not exist (store URL sqlite:" + path + ")"));
    }
    auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db->setBusyTimeout(5000);
    db->exec("PRAGMA journal_mode = WAL");
    // FULL: a commit is on disk before we report it, so an accepted finding survives power loss.
    db->exec("PRAGMA synchronous = FULL");
    db->exec("PRAGMA foreign_keys = ON");
    return std::unique_ptr<Store>(std::make_unique<SqliteStore>(std::move(db)));
  });
}

}  // namespace ctem::store
