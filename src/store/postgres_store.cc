#include "store/postgres_store.h"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <stdexcept>

#include "store/migrations.h"
#include "store/outbox_rows.h"

namespace ctem::store {
namespace {

// libpqxx reports failures by exception; this backend turns every one into an Error value at
// its boundary.
template <typename F>
auto Guard(std::string_view what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const pqxx::broken_connection& e) {
    return Fail(Error::Unavailable("postgres: " + std::string(what) + ": connection lost: " + e.what()));
  } catch (const pqxx::sql_error& e) {
    return Fail(Error::Internal("postgres: " + std::string(what) + ": " + e.what()));
  } catch (const std::exception& e) {
    return Fail(Error::Internal("postgres: " + std::string(what) + ": " + e.what()));
  }
}

// Rewrites `?` placeholders to $1, $2, ... outside quoted literals.
std::string Numbered(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  bool in_quote = false;
  for (char c : sql) {
    if (c == '\'') in_quote = !in_quote;
    if (c == '?' && !in_quote) {
      out += "$" + std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

SqlRows ToRows(const pqxx::result& r) {
  SqlRows rows;
  rows.reserve(r.size());
  for (const auto& row : r) {
    SqlRow out;
    out.reserve(row.size());
    for (const auto& field : row) {
      if (field.is_null()) {
        out.emplace_back(std::nullopt);
      } else {
        out.emplace_back(field.c_str());
      }
    }
    rows.push_back(std::move(out));
  }
  return rows;
}

std::string Ts(Timestamp t) { return FormatTimestamp(t); }

// Sets the tenant the rest of the transaction runs as (SET LOCAL ctem.tenant_id): row-level
// security shows and accepts that tenant's rows only (migration 008).
void SetTenant(pqxx::work& tx, const std::string& tenant) {
  tx.exec_params("SELECT set_config('ctem.tenant_id', $1, true)", tenant);
}

// The grants of the service role, applied by every migrate run by the owner so that a role
// created after the migrations still gets them. Idempotent; nothing when the role is absent.
constexpr const char* kServiceGrants = R"sql(
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ctem_service') THEN
    GRANT USAGE ON SCHEMA public TO ctem_service;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ctem_service;
    REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM ctem_service;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ctem_service;
  END IF;
END $$)sql";

// Appends one element to a PostgreSQL array literal under construction ("{" ...), quoting it
// so that commas, quotes, backslashes and braces in the text survive.
void AppendArrayElement(std::string& array, std::string_view value, bool first) {
  if (!first) array += ',';
  array += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') array += '\\';
    array += c;
  }
  array += '"';
}

std::vector<std::string> ListFromJson(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& item : j) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}
std::optional<std::string> OptTs(const std::optional<Timestamp>& t) {
  return t ? std::optional<std::string>(Ts(*t)) : std::nullopt;
}
std::string Num(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, ec == std::errc() ? end : buf);
}

// CASE expression giving the SLA interval of a severity, built from core's table so the SQL
// can never disagree with SeveritySla.
std::string SlaIntervalCase(std::string_view severity_expr) {
  std::string s = "CASE " + std::string(severity_expr);
  for (Severity sev : kAllSeverities) {
    s += " WHEN '" + std::string(SeverityName(sev)) + "' THEN interval '" +
         std::to_string(SeveritySla(sev).count()) + " hours'";
  }
  return s + " ELSE interval '720 hours' END";
}

constexpr const char* kExposureColumns =
    "id, exposure_key, ts, source_tool, title, description, severity, original_severity, asset_id, "
    "asset_type, asset_zone, exploitability_score, physical_consequence, ctem_score, atlas_technique, "
    "attack_technique, threat_model_ref, status, assigned_to, sla_deadline, remediation_guidance, "
    "evidence_url, tenant_id, created_at, updated_at, zone_source, escalation_level, sla_breached, "
    "redetection_count, last_redetected_at, cve_ids::text, cwe_ids::text, reference_urls::text, "
    "atlas_official_id, atlas_official_name, tool_status, no_longer_seen_at";

StoredExposure ReadExposure(const SqlRow& r) {
  StoredExposure s;
  Exposure& e = s.exposure;
  s.id = AsInt(r[0]);
  e.exposure_key = AsText(r[1]);
  e.ts = AsTimestamp(r[2]).value_or(Timestamp{});
  e.source_tool = AsText(r[3]);
  e.title = AsText(r[4]);
  e.description = AsText(r[5]);
  e.severity = ParseSeverity(AsText(r[6])).value_or(Severity::kMedium);
  e.original_severity = AsText(r[7]);
  e.asset_id = AsText(r[8]);
  e.asset_type = AsText(r[9]);
  e.asset_zone = AsText(r[10]);
  e.exploitability_score = AsDouble(r[11]);
  e.physical_consequence = ParseConsequence(AsText(r[12])).value_or(Consequence::kDataLoss);
  e.ctem_score = AsDouble(r[13]);
  e.atlas_technique = AsText(r[14]);
  e.attack_technique = AsText(r[15]);
  e.threat_model_ref = AsText(r[16]);
  e.status = ParseExposureStatus(AsText(r[17])).value_or(ExposureStatus::kOpen);
  e.assigned_to = AsText(r[18]);
  e.sla_deadline = AsTimestamp(r[19]);
  e.remediation_guidance = AsText(r[20]);
  e.evidence_url = AsText(r[21]);
  e.tenant_id = AsText(r[22]);
  s.created_at = AsTimestamp(r[23]).value_or(Timestamp{});
  s.updated_at = AsTimestamp(r[24]).value_or(Timestamp{});
  e.zone_source = ParseZoneSource(AsText(r[25]));
  s.escalation_level = AsText(r[26]);
  s.sla_breached = AsBool(r[27]);
  s.redetection_count = static_cast<int>(AsInt(r[28]));
  s.last_redetected_at = AsTimestamp(r[29]);
  e.cve_ids = ListFromJson(AsText(r[30]));
  e.cwe_ids = ListFromJson(AsText(r[31]));
  e.reference_urls = ListFromJson(AsText(r[32]));
  e.atlas_official_id = AsText(r[33]);
  e.atlas_official_name = AsText(r[34]);
  if (auto ts = ParseExposureStatus(AsText(r[35]))) e.tool_status = *ts;
  s.no_longer_seen_at = AsTimestamp(r[36]);
  return s;
}

// Opens a session with the settings every query relies on. Throws what libpqxx throws.
std::unique_ptr<pqxx::connection> Connect(const std::string& dsn) {
  auto conn = std::make_unique<pqxx::connection>(dsn);
  pqxx::nontransaction setup(*conn);
  setup.exec("SET TIME ZONE 'UTC'");
  setup.exec("SET extra_float_digits = 1");
  setup.commit();
  return conn;
}

class PostgresStore final : public Store, public SqlExecutor {
 public:
  PostgresStore(std::unique_ptr<pqxx::connection> conn, std::string dsn)
      : conn_(std::move(conn)), dsn_(std::move(dsn)) {
    // CTEM_SQL_EXPLAIN=1 prints EXPLAIN (ANALYZE, BUFFERS) of every read query to stderr: what
    // bench/report_bench shows for a report over its latency goal.
    const char* explain = std::getenv("CTEM_SQL_EXPLAIN");
    explain_ = explain != nullptr && std::string(explain) == "1";
  }

  SqlExecutor& Sql() override { return *this; }
  SqlBackend Backend() const override { return SqlBackend::kPostgres; }

  Result<SqlRows> Query(std::string_view sql, const std::vector<SqlValue>& params) override {
    return QueryAs(SqlTenant(), sql, params);
  }

  Result<SqlRows> QueryAs(const std::string& tenant, std::string_view sql, const std::vector<SqlValue>& params) {
    return Guard("query", [&]() -> Result<SqlRows> {
      pqxx::work tx(*conn_);
      SetTenant(tx, tenant);
      if (explain_ && sql.starts_with("SELECT")) {
        pqxx::result plan = tx.exec_params("EXPLAIN (ANALYZE, BUFFERS) " + Numbered(sql),
                                           pqxx::prepare::make_dynamic_params(params));
        std::fprintf(stderr, "-- %.*s\n", static_cast<int>(std::min<size_t>(sql.size(), 160)), sql.data());
        for (const auto& line : plan) std::fprintf(stderr, "   %s\n", line[0].c_str());
      }
      pqxx::result r = tx.exec_params(Numbered(sql), pqxx::prepare::make_dynamic_params(params));
      tx.commit();
      return ToRows(r);
    });
  }

  Status ExecuteInTransaction(
      const std::vector<std::pair<std::string, std::vector<SqlValue>>>& statements) override {
    return Guard("execute", [&]() -> Status {
      pqxx::work tx(*conn_);
      SetTenant(tx, SqlTenant());
      for (const auto& [sql, params] : statements) {
        tx.exec_params(Numbered(sql), pqxx::prepare::make_dynamic_params(params));
      }
      tx.commit();
      return {};
    });
  }

  Result<bool> ExecuteChecked(const std::vector<CheckedStatement>& statements) override {
    return Guard("execute", [&]() -> Result<bool> {
      pqxx::work tx(*conn_);
      SetTenant(tx, SqlTenant());
      for (const CheckedStatement& s : statements) {
        const pqxx::result r = tx.exec_params(Numbered(s.sql), pqxx::prepare::make_dynamic_params(s.params));
        // Leaving without commit() aborts the transaction.
        const auto changed = static_cast<long long>(r.affected_rows());
        if (s.expected_changes && changed != *s.expected_changes) return false;
      }
      tx.commit();
      return true;
    });
  }

  Result<int> Migrate() override {
    return Guard("migrate", [&]() -> Result<int> {
      {
        // A service role may not create anything: when the schema is up to date and this
        // session is not its owner, there is nothing for it to do.
        pqxx::work check(*conn_);
        const pqxx::row r = check.exec1(
            "SELECT to_regclass('schema_migrations') IS NOT NULL, "
            "COALESCE((SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class "
            "WHERE oid = to_regclass('schema_migrations')), false)");
        if (r[0].as<bool>() && !r[1].as<bool>()) {
          const int version = check.exec1("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0].as<int>();
          if (PostgresMigrations().empty() || version >= PostgresMigrations().back().version) return version;
        }
      }
      pqxx::work tx(*conn_);
      // One migrator at a time across every process sharing the database.
      tx.exec("SELECT pg_advisory_xact_lock(727274)");
      tx.exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
          "applied_at TIMESTAMPTZ NOT NULL DEFAULT NOW())");
      int current = tx.exec1("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0].as<int>();
      for (const Migration& m : PostgresMigrations()) {
        if (m.version <= current) continue;
        tx.exec(std::string(m.sql));
        tx.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version,
                       std::string(m.name));
        current = m.version;
      }
      tx.exec(kServiceGrants);
      tx.commit();
      return current;
    });
  }

  Result<int> SchemaVersion() override {
    return Guard("schema version", [&]() -> Result<int> {
      pqxx::work tx(*conn_);
      auto exists = tx.exec1("SELECT to_regclass('schema_migrations') IS NOT NULL")[0].as<bool>();
      if (!exists) return 0;
      return tx.exec1("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0].as<int>();
    });
  }

  Result<UpsertSummary> UpsertExposures(std::span<const Exposure> batch, Timestamp now) override {
    return Guard("upsert exposures", [&]() -> Result<UpsertSummary> {
      UpsertSummary summary;
      if (batch.empty()) return summary;
      for (const Exposure& e : batch) {
        if (auto st = CheckRecordTenant(e.tenant_id); !st) return Fail(st.error());
      }
      // ON CONFLICT cannot touch one row twice in a statement: the last sighting of a key in the
      // batch stands for the earlier ones, which count as updates.
      std::map<std::pair<std::string, std::string>, size_t> last;
      for (size_t i = 0; i < batch.size(); ++i) last[{batch[i].tenant_id, batch[i].exposure_key}] = i;
      summary.updated += batch.size() - last.size();
      // Row-level security admits one tenant per setting: one statement per tenant, each after
      // setting its tenant, all in the one transaction.
      std::map<std::string, std::vector<size_t>> groups;
      for (const auto& [key, i] : last) groups[key.first].push_back(i);

      pqxx::work tx(*conn_);
      for (auto& [tenant, rows] : groups) {
        std::sort(rows.begin(), rows.end());
        SetTenant(tx, CallTenant(tenant));
        UpsertExposureGroup(tx, batch, rows, now, summary);
      }
      tx.commit();
      return summary;
    });
  }

  // The exposure upsert (UpsertExposureGroup), one statement whatever the batch size: each
  // column travels as one array parameter and UNNEST turns them back into rows. (A VALUES
  // list needs 32 parameters per row, hits the protocol's 65,535-parameter limit at 2,047
  // rows, and is re-planned per size.) Its text never changes, so it is prepared once per
  // connection. It answers one row per regression (a Verified/Closed exposure seen again
  // while the tool does not report it resolved), in the order the rows were written, or one
  // row of NULLs when there is none; the first column of every row is the number of rows
  // inserted (the others were updated). Returning that instead of a row per record saves the
  // server formatting, and the client parsing, a thousand rows a batch.
  static const std::string& ExposureUpsertSql() {
    static const std::string text = [] {
      // The types of the 32 columns written, in order; created_at (22) and updated_at (23)
      // travel no array: a new row's first seen is its ts, and updated_at is the batch's `now`
      // ($31), so the server parses two timestamps fewer per record.
      constexpr size_t kColumns = 32;
      static constexpr const char* kTypes[kColumns] = {
          "text", "timestamptz", "text", "text", "text", "text", "text", "text", "text", "text", "float8",
          "text", "float8", "text", "text", "text", "text", "text", "timestamptz", "text", "text", "text",
          "timestamptz", "timestamptz", "int", "text", "jsonb", "jsonb", "jsonb", "text", "text", "text"};
      std::string select, sources, names;
      for (size_t c = 0, a = 0; c < kColumns; ++c) {
        if (c) select += ", ";
        if (c == 22) {
          select += "a2";
        } else if (c == 23) {
          select += "$31::timestamptz";
        } else {
          ++a;
          select += "a" + std::to_string(a);
          sources += std::string(a > 1 ? ", " : "") + "$" + std::to_string(a) + "::" + kTypes[c] + "[]";
          names += std::string(a > 1 ? ", " : "") + "a" + std::to_string(a);
        }
      }
      std::string sql =
          "WITH u AS (INSERT INTO ctem_exposures AS cur (exposure_key, ts, source_tool, title, description, "
          "severity, original_severity, asset_id, asset_type, asset_zone, exploitability_score, "
          "physical_consequence, ctem_score, atlas_technique, attack_technique, threat_model_ref, status, "
          "assigned_to, sla_deadline, remediation_guidance, evidence_url, tenant_id, created_at, updated_at, "
          "severity_rank, zone_source, cve_ids, cwe_ids, reference_urls, atlas_official_id, "
          "atlas_official_name, tool_status) SELECT " +
          select + " FROM unnest(" + sources + ") AS r(" + names + ")";
      // Erratum 9: every tool-derived field is refreshed; erratum 2: first seen is kept, last
      // seen only moves forward, the deadline only tightens; status and assignee are workflow.
      sql +=
          " ON CONFLICT (tenant_id, exposure_key) DO UPDATE SET "
          "ts = GREATEST(cur.ts, EXCLUDED.ts), source_tool = EXCLUDED.source_tool, title = EXCLUDED.title, "
          "description = EXCLUDED.description, severity = EXCLUDED.severity, "
          "original_severity = EXCLUDED.original_severity, asset_id = EXCLUDED.asset_id, "
          "asset_type = EXCLUDED.asset_type, asset_zone = EXCLUDED.asset_zone, "
          "exploitability_score = EXCLUDED.exploitability_score, "
          "physical_consequence = EXCLUDED.physical_consequence, ctem_score = EXCLUDED.ctem_score, "
          "atlas_technique = EXCLUDED.atlas_technique, attack_technique = EXCLUDED.attack_technique, "
          "threat_model_ref = EXCLUDED.threat_model_ref, remediation_guidance = EXCLUDED.remediation_guidance, "
          "evidence_url = EXCLUDED.evidence_url, updated_at = EXCLUDED.updated_at, "
          "severity_rank = EXCLUDED.severity_rank, zone_source = EXCLUDED.zone_source, "
          "cve_ids = EXCLUDED.cve_ids, cwe_ids = EXCLUDED.cwe_ids, reference_urls = EXCLUDED.reference_urls, "
          "atlas_official_id = EXCLUDED.atlas_official_id, atlas_official_name = EXCLUDED.atlas_official_name, "
          "tool_status = EXCLUDED.tool_status, "
          "status = CASE WHEN cur.status IN ('Verified', 'Closed') THEN cur.status "
          "WHEN EXCLUDED.tool_status != '' THEN EXCLUDED.tool_status ELSE cur.status END, "
          "sla_deadline = LEAST(COALESCE(cur.sla_deadline, 'infinity'::timestamptz), cur.created_at + ";
      sql += SlaIntervalCase("EXCLUDED.severity");
      sql +=
          "), redetection_count = cur.redetection_count + CASE WHEN cur.status IN ('Verified', 'Closed') AND "
          "EXCLUDED.tool_status NOT IN ('Verified', 'Closed') THEN 1 ELSE 0 END, "
          "last_redetected_at = CASE WHEN cur.status IN ('Verified', 'Closed') AND "
          "EXCLUDED.tool_status NOT IN ('Verified', 'Closed') THEN EXCLUDED.ts ELSE cur.last_redetected_at "
          "END, no_longer_seen_at = NULL "
          "RETURNING (xmax = 0) AS inserted, status, exposure_key, tenant_id, title, asset_id, severity, "
          "source_tool, ts, tool_status) ";
      // A terminal status after the update was the stored one (it is never reopened); the
      // record's tool status, now stored, says whether the tool reported it resolved.
      sql +=
          "SELECT c.inserted, r.status, r.exposure_key, r.tenant_id, r.title, r.asset_id, r.severity, "
          "r.source_tool, r.ts FROM (SELECT count(*) FILTER (WHERE inserted) AS inserted FROM u) c "
          "LEFT JOIN (SELECT * FROM u WHERE NOT inserted AND status IN ('Verified', 'Closed') AND "
          "tool_status NOT IN ('Verified', 'Closed')) r ON true";
      return sql;
    }();
    return text;
  }

  // Upserts `rows` of `batch` (one tenant, distinct keys) and queues the regression alerts
  // they raise.
  void UpsertExposureGroup(pqxx::work& tx, std::span<const Exposure> batch, const std::vector<size_t>& rows,
                           Timestamp now, UpsertSummary& summary) {
    constexpr size_t kColumns = 30;  // ExposureUpsertSql's arrays
    std::vector<std::string> arrays(kColumns, "{");
    for (std::string& a : arrays) a.reserve(rows.size() * 24);
    const std::string now_text = Ts(now);
    bool first = true;
    for (size_t i : rows) {
      const Exposure& e = batch[i];
      const Timestamp deadline = e.sla_deadline ? std::min(*e.sla_deadline, e.ts + SeveritySla(e.severity))
                                                : e.ts + SeveritySla(e.severity);
      // The texts made here outlive `row`, which views them.
      const std::string ts = Ts(e.ts), deadline_text = Ts(deadline),
                        exploitability = Num(e.exploitability_score), score = Num(e.ctem_score),
                        rank = std::to_string(SeverityRank(e.severity)),
                        cves = nlohmann::json(e.cve_ids).dump(), cwes = nlohmann::json(e.cwe_ids).dump(),
                        references = nlohmann::json(e.reference_urls).dump();
      const std::string_view row[kColumns] = {
          e.exposure_key,
          ts,
          e.source_tool,
          e.title,
          e.description,
          SeverityName(e.severity),
          e.original_severity,
          e.asset_id,
          e.asset_type,
          e.asset_zone,
          exploitability,
          ConsequenceName(e.physical_consequence),
          score,
          e.atlas_technique,
          e.attack_technique,
          e.threat_model_ref,
          ExposureStatusName(e.tool_status.value_or(e.status)),
          e.assigned_to,
          deadline_text,
          e.remediation_guidance,
          e.evidence_url,
          e.tenant_id,
          rank,
          ZoneSourceName(e.zone_source),
          cves,
          cwes,
          references,
          e.atlas_official_id,
          e.atlas_official_name,
          e.tool_status ? ExposureStatusName(*e.tool_status) : std::string_view()};
      for (size_t c = 0; c < kColumns; ++c) AppendArrayElement(arrays[c], row[c], first);
      first = false;
    }
    for (std::string& a : arrays) a += '}';
    arrays.push_back(now_text);  // $31: updated_at
    if (!upsert_prepared_) {
      conn_->prepare("ctem_upsert_exposures", ExposureUpsertSql());
      upsert_prepared_ = true;
    }
    const pqxx::result r =
        tx.exec_prepared("ctem_upsert_exposures", pqxx::prepare::make_dynamic_params(arrays));
    std::string outbox;
    std::vector<SqlValue> outbox_params;
    if (r.empty()) throw std::runtime_error("the exposure upsert answered no row");
    const size_t inserted = r[0][0].as<size_t>();
    summary.inserted += inserted;
    summary.updated += rows.size() - inserted;
    for (const auto& row : r) {
      if (row[1].is_null()) continue;  // no regression
      ++summary.regressions;
      const std::string status = row[1].c_str();
      // Erratum 10: the status stays (seed), but the re-detection is not silent.
      nlohmann::ordered_json payload = {
          {"exposure_key", row[2].c_str()},
          {"status", status},
          {"title", row[4].c_str()},
          {"asset_id", row[5].c_str()},
          {"severity", row[6].c_str()},
          {"source_tool", row[7].c_str()},
          {"redetected_at", FormatTimestamp(*AsTimestamp(SqlValue(row[8].c_str())))}};
      const size_t base = outbox_params.size();
      outbox += std::string(outbox.empty() ? "" : ",") + "($" + std::to_string(base + 1) + "::timestamptz,$" +
                std::to_string(base + 2) + ",'REGRESSION',$" + std::to_string(base + 3) + ",$" +
                std::to_string(base + 4) + ",$" + std::to_string(base + 5) + "::jsonb)";
      outbox_params.insert(
          outbox_params.end(),
          {now_text, std::string(row[3].c_str()), std::string(row[2].c_str()),
           "CTEM REGRESSION: " + status + " exposure re-detected — " + row[4].c_str(), payload.dump()});
    }
    if (!outbox.empty()) {
      tx.exec_params(
          "INSERT INTO ctem_alert_outbox (ts, tenant_id, alert_type, exposure_key, alert_title, "
          "payload) VALUES " +
              outbox,
          pqxx::prepare::make_dynamic_params(outbox_params));
    }
  }

  Result<UpsertSummary> UpsertValidations(std::span<const Validation> batch, Timestamp now) override {
    return Guard("upsert validations", [&]() -> Result<UpsertSummary> {
      UpsertSummary summary;
      for (const Validation& v : batch) {
        if (auto st = CheckRecordTenant(v.tenant_id); !st) return Fail(st.error());
      }
      pqxx::work tx(*conn_);
      std::optional<std::string> tenant;
      for (const Validation& v : batch) {
        if (tenant != v.tenant_id) SetTenant(tx, CallTenant(*(tenant = v.tenant_id)));
        pqxx::row r = tx.exec_params1(
            "INSERT INTO ctem_validations AS cur (validation_id, exposure_id, campaign_id, ts, validation_type, "
            "exploitable, exploit_complexity, attack_path, physical_consequence_demonstrated, detection_evaded, "
            "detection_rules_tested, detection_gaps, tester, evidence_url, tenant_id, created_at) VALUES "
            "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11::jsonb,$12::jsonb,$13,$14,$15,$16) "
            "ON CONFLICT (tenant_id, validation_id) DO UPDATE SET exposure_id = EXCLUDED.exposure_id, "
            "campaign_id = EXCLUDED.campaign_id, ts = EXCLUDED.ts, validation_type = EXCLUDED.validation_type, "
            "exploitable = EXCLUDED.exploitable, exploit_complexity = EXCLUDED.exploit_complexity, "
            "attack_path = EXCLUDED.attack_path, physical_consequence_demonstrated = "
            "EXCLUDED.physical_consequence_demonstrated, detection_evaded = EXCLUDED.detection_evaded, "
            "detection_rules_tested = EXCLUDED.detection_rules_tested, detection_gaps = EXCLUDED.detection_gaps, "
            "tester = EXCLUDED.tester, evidence_url = EXCLUDED.evidence_url RETURNING (xmax = 0), "
            "gap_alerted_at IS NULL",
            v.validation_id, v.exposure_id, v.campaign_id, Ts(v.ts), v.validation_type, v.exploitable,
            v.exploit_complexity, v.attack_path, v.physical_consequence_demonstrated, v.detection_evaded,
            nlohmann::json(v.detection_rules_tested).dump(), nlohmann::json(v.detection_gaps).dump(), v.tester,
            v.evidence_url, v.tenant_id, Ts(now));
        ++(r[0].as<bool>() ? summary.inserted : summary.updated);
        // FEEDBACK-001 in real time (issue 7): an evaded validation not alerted yet queues its
        // detection-gap alert in this transaction, and is marked so a re-ingest does not repeat it.
        if (!v.detection_evaded || !r[1].as<bool>()) continue;
        const pqxx::result technique = tx.exec_params(
            "SELECT atlas_technique FROM ctem_exposures WHERE tenant_id = $1 AND exposure_key = $2",
            v.tenant_id, v.exposure_id);
        const OutboxRow row =
            DetectionGapRow(v, technique.empty() || technique[0][0].is_null() ? "" : technique[0][0].c_str());
        tx.exec_params(
            "INSERT INTO ctem_alert_outbox (ts, tenant_id, alert_type, exposure_key, alert_title, payload, "
            "dedup_key) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) ON CONFLICT (dedup_key) DO NOTHING",
            Ts(now), v.tenant_id, row.alert_type, row.exposure_key, row.alert_title, row.payload_json,
            row.dedup_key);
        tx.exec_params(
            "UPDATE ctem_validations SET gap_alerted_at = $1 WHERE tenant_id = $2 AND validation_id = $3",
            Ts(now), v.tenant_id, v.validation_id);
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
      pqxx::work tx(*conn_);
      std::optional<std::string> tenant;
      for (const Remediation& m : batch) {
        if (tenant != m.tenant_id) SetTenant(tx, CallTenant(*(tenant = m.tenant_id)));
        pqxx::row r = tx.exec_params1(
            "INSERT INTO ctem_remediations AS cur (remediation_id, exposure_id, ts, status, assigned_to, "
            "assigned_date, sla_deadline, fix_deployed_date, verified_date, verified_by, sla_breached, "
            "escalation_level, fix_description, pull_request_url, tenant_id, created_at, updated_at) VALUES "
            "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$16) "
            "ON CONFLICT (tenant_id, remediation_id) DO UPDATE SET exposure_id = EXCLUDED.exposure_id, "
            "ts = EXCLUDED.ts, status = EXCLUDED.status, assigned_to = EXCLUDED.assigned_to, "
            "assigned_date = EXCLUDED.assigned_date, sla_deadline = EXCLUDED.sla_deadline, "
            "fix_deployed_date = EXCLUDED.fix_deployed_date, verified_date = EXCLUDED.verified_date, "
            "verified_by = EXCLUDED.verified_by, sla_breached = EXCLUDED.sla_breached, "
            "escalation_level = EXCLUDED.escalation_level, fix_description = EXCLUDED.fix_description, "
            "pull_request_url = EXCLUDED.pull_request_url, updated_at = EXCLUDED.updated_at "
            "RETURNING (xmax = 0)",
            m.remediation_id, m.exposure_id, Ts(m.ts), std::string(RemediationStatusName(m.status)), m.assigned_to,
            Ts(m.assigned_date), OptTs(m.sla_deadline), OptTs(m.fix_deployed_date), OptTs(m.verified_date),
            m.verified_by, m.sla_breached, m.escalation_level, m.fix_description, m.pull_request_url, m.tenant_id,
            Ts(now));
        ++(r[0].as<bool>() ? summary.inserted : summary.updated);
      }
      tx.commit();
      return summary;
    });
  }

  Result<size_t> MarkNoLongerSeen(std::string_view tenant_id, std::span<const std::string> exposure_keys,
                                  Timestamp now) override {
    return Guard("mark no longer seen", [&]() -> Result<size_t> {
      if (exposure_keys.empty()) return size_t{0};
      // One statement whatever the number of keys: they travel as one array parameter. A key
      // given twice still matches its row once.
      std::string keys = "{";
      bool first = true;
      for (const std::string& k : exposure_keys) {
        AppendArrayElement(keys, k, first);
        first = false;
      }
      keys += "}";
      pqxx::work tx(*conn_);
      SetTenant(tx, CallTenant(tenant_id));
      const pqxx::result r = tx.exec_params(
          "UPDATE ctem_exposures SET updated_at = CASE WHEN no_longer_seen_at IS NULL THEN $1::timestamptz "
          "ELSE updated_at END, no_longer_seen_at = COALESCE(no_longer_seen_at, $1::timestamptz) "
          "WHERE tenant_id = $2 AND exposure_key = ANY($3::text[])",
          Ts(now), std::string(tenant_id), keys);
      tx.commit();
      return static_cast<size_t>(r.affected_rows());
    });
  }

  Result<std::vector<StoredExposure>> ListExposures(const ExposureFilter& f) override {
    std::string sql = std::string("SELECT ") + kExposureColumns + " FROM ctem_exposures WHERE tenant_id = ?";
    std::vector<SqlValue> params = {f.tenant_id};
    if (!f.statuses.empty()) {
      sql += " AND status IN (";
      for (size_t i = 0; i < f.statuses.size(); ++i) {
        sql += i ? ",?" : "?";
        params.emplace_back(std::string(ExposureStatusName(f.statuses[i])));
      }
      sql += ")";
    }
    if (f.severity) {
      sql += " AND severity = ?";
      params.emplace_back(std::string(SeverityName(*f.severity)));
    }
    if (!f.asset_zone.empty()) {
      sql += " AND asset_zone = ?";
      params.emplace_back(f.asset_zone);
    }
    if (!f.source_tool.empty()) {
      sql += " AND source_tool = ?";
      params.emplace_back(f.source_tool);
    }
    if (!f.atlas_technique.empty()) {
      sql += " AND atlas_technique = ?";
      params.emplace_back(f.atlas_technique);
    }
    if (f.seen_after) {
      sql += " AND ts > ?::timestamptz";
      params.emplace_back(Ts(*f.seen_after));
    }
    if (f.seen_before) {
      sql += " AND ts <= ?::timestamptz";
      params.emplace_back(Ts(*f.seen_before));
    }
    if (!f.exposure_keys.empty()) {
      sql += " AND exposure_key IN (";
      for (size_t i = 0; i < f.exposure_keys.size(); ++i) {
        sql += i ? ",?" : "?";
        params.emplace_back(f.exposure_keys[i]);
      }
      sql += ")";
    }
    sql += " ORDER BY severity_rank DESC, sla_deadline ASC NULLS LAST, exposure_key ASC";
    if (f.limit) sql += " LIMIT " + std::to_string(f.limit) + " OFFSET " + std::to_string(f.offset);
    auto rows = QueryAs(CallTenant(f.tenant_id), sql, params);
    if (!rows) return Fail(rows.error());
    std::vector<StoredExposure> out;
    out.reserve(rows->size());
    for (const auto& r : *rows) out.push_back(ReadExposure(r));
    return out;
  }

  Result<std::optional<StoredExposure>> GetExposure(std::string_view tenant_id,
                                                    std::string_view exposure_key) override {
    auto rows = QueryAs(CallTenant(tenant_id),
                        std::string("SELECT ") + kExposureColumns +
                            " FROM ctem_exposures WHERE tenant_id = ? AND exposure_key = ?",
                        {std::string(tenant_id), std::string(exposure_key)});
    if (!rows) return Fail(rows.error());
    if (rows->empty()) return std::optional<StoredExposure>();
    return std::optional<StoredExposure>(ReadExposure(rows->front()));
  }

  Result<size_t> CountExposures(std::string_view tenant_id) override {
    auto rows = QueryAs(CallTenant(tenant_id), "SELECT COUNT(*) FROM ctem_exposures WHERE tenant_id = ?",
                        {std::string(tenant_id)});
    if (!rows) return Fail(rows.error());
    return static_cast<size_t>(AsInt(rows->front()[0]));
  }

  Result<std::map<std::string, long long>> CountAlertsByTechnique(std::string_view tenant_id,
                                                                  Timestamp since, Timestamp until) override {
    auto rows = QueryAs(
        CallTenant(tenant_id),
        "SELECT atlas_technique, COUNT(*) FROM alerts WHERE tenant_id = ? AND ts > ?::timestamptz "
        "AND ts <= ?::timestamptz AND atlas_technique != '' GROUP BY atlas_technique",
        {std::string(tenant_id), Ts(since), Ts(until)});
    if (!rows) return Fail(rows.error());
    std::map<std::string, long long> out;
    for (const auto& r : *rows) out[AsText(r[0])] = AsInt(r[1]);
    return out;
  }

  Result<std::vector<std::string>> ListTenants() override {
    return Guard("list tenants", [&]() -> Result<std::vector<std::string>> {
      pqxx::work tx(*conn_);
      const pqxx::result r = tx.exec("SELECT tenant_id FROM ctem_tenants ORDER BY tenant_id");
      tx.commit();
      std::vector<std::string> out;
      for (const auto& row : r) out.emplace_back(row[0].c_str());
      return out;
    });
  }

  Result<std::vector<OutboxAlert>> PendingOutboxAlerts(size_t limit) override {
    auto rows = Query(
        "SELECT id, ts, tenant_id, alert_type, exposure_key, alert_title, payload::text FROM ctem_alert_outbox "
        "WHERE published_at IS NULL ORDER BY id LIMIT " + std::to_string(limit),
        {});
    if (!rows) return Fail(rows.error());
    std::vector<OutboxAlert> out;
    for (const auto& r : *rows) {
      out.push_back({AsInt(r[0]), AsTimestamp(r[1]).value_or(Timestamp{}), AsText(r[2]), AsText(r[3]),
                     AsText(r[4]), AsText(r[5]), AsText(r[6])});
    }
    return out;
  }

 private:
  // Shadows the file's Guard for every member: a connection the server dropped (a restart, a
  // crash) is replaced before the next statement, so a store outlives an outage of its
  // server — the persister resumes by itself (issue 9). The statement that met the outage
  // still fails (Unavailable) and its caller retries.
  template <typename F>
  auto Guard(std::string_view what, F&& f) -> decltype(f()) {
    if (!conn_->is_open()) {
      try {
        conn_ = Connect(dsn_);
        upsert_prepared_ = false;  // prepared statements belong to the session
      } catch (const std::exception& e) {
        return Fail(Error::Unavailable("postgres: " + std::string(what) + ": reconnecting: " + e.what()));
      }
    }
    return store::Guard(what, std::forward<F>(f));
  }

  std::unique_ptr<pqxx::connection> conn_;
  std::string dsn_;
  bool explain_ = false;
  bool upsert_prepared_ = false;  // ExposureUpsertSql prepared on conn_
};

std::string HostOf(const std::string& url) {
  // postgresql://user:pass@host:port/db -> host:port
  auto at = url.find('@');
  auto start = at == std::string::npos ? url.find("://") + 3 : at + 1;
  auto end = url.find_first_of("/?", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url) {
  std::string dsn = url;
  if (dsn.find("connect_timeout=") == std::string::npos) {
    dsn += (dsn.find('?') == std::string::npos ? "?" : "&") + std::string("connect_timeout=5");
  }
  try {
    return std::unique_ptr<Store>(std::make_unique<PostgresStore>(Connect(dsn), dsn));
  } catch (const std::exception& e) {
    std::string msg = e.what();
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return Fail(Error::Unavailable("postgres: cannot connect to " + HostOf(url) + ": " + msg));
  }
}

}  // namespace ctem::store
