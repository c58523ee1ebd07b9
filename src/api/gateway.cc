#include "api/gateway.h"

#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include <nlohmann/json.hpp>

#include "api/remediation_routes.h"
#include "core/log_escape.h"
#include "store/api_tokens.h"
#include "api/dashboard.h"
#include "pipeline/ingest_request.h"
#include "reports/render.h"
#include "reports/report.h"

namespace ctem::api {

using Json = nlohmann::ordered_json;

// Store connections, reused across requests. A request takes one, uses it on its thread, and
// gives it back. (The bus is written through the group-commit publisher instead.)
class Gateway::Pools {
 public:
  explicit Pools(StoreFactory stores) : stores_(std::move(stores)) {}

  template <typename T>
  class Lease {
   public:
    Lease(std::unique_ptr<T> item, std::mutex& mu, std::vector<std::unique_ptr<T>>& free)
        : item_(std::move(item)), mu_(mu), free_(free) {}
    ~Lease() {
      if (!item_) return;
      std::lock_guard<std::mutex> lock(mu_);
      free_.push_back(std::move(item_));
    }
    Lease(Lease&&) = default;
    T& operator*() { return *item_; }
    T* operator->() { return item_.get(); }
    // Drops a connection that failed instead of returning it to the pool.
    void Discard() { item_.reset(); }

   private:
    std::unique_ptr<T> item_;
    std::mutex& mu_;
    std::vector<std::unique_ptr<T>>& free_;
  };

  Result<Lease<store::Store>> Store() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!stores_free_.empty()) {
        auto s = std::move(stores_free_.back());
        stores_free_.pop_back();
        return Lease<store::Store>(std::move(s), mu_, stores_free_);
      }
    }
    auto s = stores_();
    if (!s) return Fail(s.error());
    return Lease<store::Store>(std::move(*s), mu_, stores_free_);
  }

 private:
  StoreFactory stores_;
  std::mutex mu_;
  std::vector<std::unique_ptr<store::Store>> stores_free_;  // guarded by mu_
};

namespace {

void Reply(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n", "application/json");
}

void ReplyError(httplib::Response& res, int status, const std::string& reason) {
  Reply(res, status, Json{{"error", reason}});
}

}  // namespace

Gateway::Gateway(bus::Bus& bus, StoreFactory stores, const Clock& clock, pipeline::PipelineMetrics& metrics,
                 GatewayOptions options)
    : bus_(bus),
      clock_(clock),
      metrics_(metrics),
      options_(std::move(options)),
      pools_(std::make_unique<Pools>(std::move(stores))),
      publisher_(std::make_unique<bus::GroupCommitPublisher>(bus)),
      server_(std::make_unique<httplib::Server>()),
      limiter_(options_.rate_limit_per_s, options_.rate_limit_burst) {
  auth_ = std::make_unique<TokenAuthenticator>(
      [this](const std::string& hash) -> Result<std::optional<store::ApiTokenRow>> {
        auto store = pools_->Store();
        if (!store) return Fail(store.error());
        auto row = store::FindApiTokenByHash(**store, hash);
        if (!row) {
          store->Discard();
          return Fail(row.error());
        }
        // The last use, at most once a minute per token (a lookup happens once per cache TTL).
        const Timestamp now = clock_.Now();
        if (*row && !(*row)->revoked_at &&
            (!(*row)->last_used_at || now - *(*row)->last_used_at > std::chrono::minutes(1))) {
          if (!store::TouchApiToken(**store, (*row)->id, now)) store->Discard();
        }
        return row;
      },
      nullptr, options_.auth_cache_ttl);
  server_->set_payload_max_length(options_.max_body_bytes);
  server_->set_tcp_nodelay(true);
  server_->set_keep_alive_max_count(options_.keep_alive_max_requests);
  // Debian's cpp-httplib stalls ~40 ms per keep-alive request unless the listening socket has
  // TCP_NODELAY too (accepted sockets inherit it).
  server_->set_socket_options([this](socket_t sock) {
    listen_socket_ = sock;  // the last one offered is the one bound (see Bind)
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
  });
  const int threads = options_.threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  Routes();
}

Gateway::~Gateway() = default;

Gateway::SourceCounters& Gateway::Counters(const std::string& source) {
  std::lock_guard<std::mutex> lock(counters_mu_);
  auto& c = counters_[source];
  if (!c) c = std::make_unique<SourceCounters>();
  return *c;
}

Result<int> Gateway::Bind() {
  int port = options_.port;
  if (port == 0) {
    port = server_->bind_to_any_port(options_.host);
    if (port <= 0) return Fail(Error::Unavailable("cannot bind " + options_.host + " on any port"));
  } else if (!server_->bind_to_port(options_.host, options_.port)) {
    return Fail(Error::Unavailable("cannot bind " + options_.host + ":" + std::to_string(options_.port) +
                                   " (in use? set --port)"));
  }
  // The packaged cpp-httplib listens with a backlog of 5: when more clients connect at once,
  // their SYNs are dropped and retried a second later (measured: p99 1.1 s with 64 wrk
  // connections). listen() again on the bound socket only raises the backlog.
  if (listen_socket_ >= 0 && ::listen(listen_socket_, SOMAXCONN) != 0) {
    spdlog::warn("gateway: cannot raise the listen backlog: {}", std::strerror(errno));
  }
  return port;
}

void Gateway::Serve() { server_->listen_after_bind(); }

void Gateway::Stop() { server_->stop(); }

void Gateway::Routes() {
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    Reply(res, 200, Json{{"status", "ok"}});
  });

  server_->Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, Access::kRead)) return;
    res.set_content(MetricsText(), "text/plain; version=0.0.4");
  });

  server_->Post("/api/ctem/ingest", [this](const httplib::Request& req, httplib::Response& res,
                                           const httplib::ContentReader& content_reader) {
    ++requests_;
    // Authenticated before the body is read: an anonymous sender cannot make the gateway
    // read or inflate anything.
    auto who = Authorize(req, res, Access::kIngest);
    if (!who) {
      res.set_header("Connection", "close");  // the unread body must not be taken for a request
      return;
    }
    // httplib has removed a Content-Encoding (gzip, deflate) already; the inflated bytes are
    // bounded here (a chunked or compressed body is not bounded by the Content-Length check).
    const size_t limit = req.has_header("Content-Encoding") ? std::max(options_.max_body_bytes, options_.max_decompressed_bytes)
                                                            : options_.max_body_bytes;
    std::string raw;
    bool too_large = false;
    const bool complete = content_reader([&](const char* data, size_t n) {
      if (raw.size() + n > limit) {
        too_large = true;
        return false;
      }
      raw.append(data, n);
      return true;
    });
    if (too_large || !complete) {
      res.set_header("Connection", "close");
      // httplib sets 413 itself when the Content-Length is above max_body_bytes.
      const bool big = too_large || res.status == 413;
      const size_t shown = too_large ? limit : options_.max_body_bytes;
      ReplyError(res, big ? 413 : 400,
                 big ? "request body larger than " + std::to_string(shown) + " bytes"
                     : std::string("the request body could not be read (truncated, or a bad Content-Encoding)"));
      return;
    }
    Ingest(req, res, *who, raw);
  });

  server_->Get(R"(/api/ctem/reports/([a-z\-]+))", [this](const httplib::Request& req, httplib::Response& res) {
    auto who = Authorize(req, res, Access::kRead);
    if (!who) return;
    const std::string name = req.matches[1];
    const reports::ReportSpec* spec = reports::FindReport(name);
    if (spec == nullptr) {
      std::string names;
      for (const auto& n : reports::ReportNames()) names += (names.empty() ? "" : ", ") + n;
      ReplyError(res, 404, "unknown report '" + name + "' (valid reports: " + names + ")");
      return;
    }
    reports::ReportRequest rr;
    rr.tenant_id = who->tenant_id;
    rr.zone_resolver = options_.zone_resolver;
    rr.now = clock_.Now();
    if (req.has_param("now")) {
      auto t = ParseTimestamp(req.get_param_value("now"));
      if (!t) {
        ReplyError(res, 400, t.error().message);
        return;
      }
      rr.now = *t;
    }
    for (const char* p : {"campaign", "technique"}) {
      if (req.has_param(p)) rr.params[p] = req.get_param_value(p);
    }
    if (req.has_param("limit")) {
      const std::string text = req.get_param_value("limit");
      size_t limit = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
      if (ec != std::errc() || end != text.data() + text.size()) {
        ReplyError(res, 400, "?limit= must be a whole number of rows (0: all), not '" + text + "'");
        return;
      }
      rr.limit = limit;
    }
    for (const auto& p : spec->required_params) {
      if (!rr.params.count(p)) {
        ReplyError(res, 400, "report '" + name + "' needs ?" + p + "=");
        return;
      }
    }
    auto store = pools_->Store();
    if (!store) {
      ReplyError(res, 503, store.error().message);
      return;
    }
    auto result = spec->run(**store, rr);
    if (!result) {
      const int status = result.error().code == ErrorCode::kNotFound ? 404 : 503;
      if (status == 503) store->Discard();
      ReplyError(res, status, result.error().message);
      return;
    }
    res.status = 200;
    res.set_content(reports::Render(*result, reports::OutputFormat::kJson), "application/json");
  });

  server_->Get("/api/ctem/exposures", [this](const httplib::Request& req, httplib::Response& res) {
    auto who = Authorize(req, res, Access::kRead);
    if (!who) return;
    store::ExposureFilter f;
    f.tenant_id = who->tenant_id;
    if (req.has_param("status")) {
      for (size_t i = 0; i < req.get_param_value_count("status"); ++i) {
        auto s = ParseExposureStatus(req.get_param_value("status", i));
        if (!s) {
          ReplyError(res, 400, s.error().message);
          return;
        }
        f.statuses.push_back(*s);
      }
    }
    if (req.has_param("severity")) {
      auto s = ParseSeverity(req.get_param_value("severity"));
      if (!s) {
        ReplyError(res, 400, s.error().message);
        return;
      }
      f.severity = *s;
    }
    if (req.has_param("zone")) f.asset_zone = req.get_param_value("zone");
    if (req.has_param("tool")) f.source_tool = req.get_param_value("tool");
    f.limit = req.has_param("limit") ? std::strtoul(req.get_param_value("limit").c_str(), nullptr, 10) : 100;
    f.offset = req.has_param("offset") ? std::strtoul(req.get_param_value("offset").c_str(), nullptr, 10) : 0;
    f.limit = std::min<size_t>(std::max<size_t>(f.limit, 1), 10000);
    auto store = pools_->Store();
    if (!store) {
      ReplyError(res, 503, store.error().message);
      return;
    }
    auto rows = (*store)->ListExposures(f);
    if (!rows) {
      store->Discard();
      ReplyError(res, 503, rows.error().message);
      return;
    }
    Json out = Json::array();
    for (const auto& r : *rows) out.push_back(reports::ExposureToJson(r));
    res.status = 200;
    res.set_content(out.dump(2) + "\n", "application/json");
  });

  server_->Get(R"(/api/ctem/exposures/([0-9a-zA-Z_\-]+))", [this](const httplib::Request& req, httplib::Response& res) {
    auto who = Authorize(req, res, Access::kRead);
    if (!who) return;
    auto store = pools_->Store();
    if (!store) {
      ReplyError(res, 503, store.error().message);
      return;
    }
    auto row = (*store)->GetExposure(who->tenant_id, std::string(req.matches[1]));
    if (!row) {
      store->Discard();
      ReplyError(res, 503, row.error().message);
      return;
    }
    if (!*row) {
      ReplyError(res, 404, "no exposure with key '" + std::string(req.matches[1]) + "'");
      return;
    }
    res.status = 200;
    res.set_content(reports::ExposureToJson(**row).dump(2) + "\n", "application/json");
  });

  // The remediation lifecycle and the exposure timeline (api/remediation_routes.h).
  AddRemediationRoutes(
      *server_, clock_,
      [this](const std::function<bool(store::Store&)>& use) -> Status {
        auto store = pools_->Store();
        if (!store) return Fail(store.error());
        if (!use(**store)) store->Discard();
        return {};
      },
      [this](const httplib::Request& req, httplib::Response& res, Access needed) -> std::optional<std::string> {
        auto who = Authorize(req, res, needed);
        if (!who) return std::nullopt;
        return who->tenant_id;
      });

  // A web_root directory is looked in first (httplib serves mounted files before routes), so
  // edited pages are served live while vendor/ still comes from the compiled-in copy.
  if (!options_.web_root.empty()) server_->set_mount_point("/", options_.web_root);
  // The dashboard compiled into the binary. Registered last: every route above wins, and an
  // unknown /api/... path still gets a 404.
  server_->Get(R"(/([A-Za-z0-9_\-./]*))", [](const httplib::Request& req, httplib::Response& res) {
    auto asset = FindDashboardAsset(req.matches[1].str());
    if (!asset) {
      ReplyError(res, 404, "not found: " + req.path);
      return;
    }
    // Assets change with the binary, so the browser revalidates rather than keeps a stale copy.
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_content(std::string(asset->body), std::string(asset->content_type));
  });
}

void Gateway::LogRefusal(const httplib::Request& req, const std::string& reason) {
  // Everything here may come from the sender: escaped, and never the token itself.
  std::string target = req.path;
  char sep = '?';
  for (const auto& [k, v] : req.params) {  // decoded: %0a is a newline here
    target += sep + k + "=" + v;
    sep = '&';
  }
  spdlog::warn("gateway: refused {} {} from {} (user agent \"{}\"): {}", EscapeForLog(req.method),
               EscapeForLog(target), EscapeForLog(req.remote_addr), EscapeForLog(req.get_header_value("User-Agent")),
               EscapeForLog(reason));
}

std::optional<Principal> Gateway::Authorize(const httplib::Request& req, httplib::Response& res, Access needed) {
  auto who = auth_->Authenticate(req.get_header_value("Authorization"));
  if (!who) {
    const std::string reason(AuthFailureReason(who.error()));
    if (who.error() == AuthFailure::kStoreUnavailable) {
      ReplyError(res, 503, "cannot check the token now (the store is unavailable); retry");
      return std::nullopt;
    }
    ++auth_failures_;
    LogRefusal(req, reason);
    res.set_header("WWW-Authenticate", "Bearer realm=\"ctem\"");
    ReplyError(res, 401, reason + ": send Authorization: Bearer <token> (ctem token create)");
    return std::nullopt;
  }
  if (!Allows(who->scope, needed)) {
    ++auth_failures_;
    LogRefusal(req, "scope " + std::string(ScopeName(who->scope)) + " of token '" + who->name + "' does not allow this");
    ReplyError(res, 403, "a token with scope '" + std::string(ScopeName(who->scope)) + "' may not " + req.method +
                             " " + req.path);
    return std::nullopt;
  }
  if (auto wait = limiter_.Acquire(who->token_id, std::chrono::steady_clock::now())) {
    ++rate_limited_;
    res.set_header("Retry-After", std::to_string(*wait));
    ReplyError(res, 429, "rate limit of token '" + who->name + "' exceeded; retry after " + std::to_string(*wait) + " s");
    return std::nullopt;
  }
  return *who;
}

void Gateway::Ingest(const httplib::Request& req, httplib::Response& res, const Principal& who, const std::string& raw) {
  const std::string content_type = req.get_header_value("Content-Type");  // outlives `request`'s view
  pipeline::IngestRequest request;
  request.content_type = content_type;
  // httplib has removed any Content-Encoding already (bounded in the route); a gzip body left
  // here is a gzip document sent as it is (a .json.gz report).
  request.source = req.has_param("source") ? req.get_param_value("source") : req.get_header_value("X-CTEM-Source");
  request.tenant = who.tenant_id;  // the token's tenant, whatever the body says
  request.body = raw;
  request.max_decompressed_bytes = options_.max_decompressed_bytes;
  request.max_json_depth = options_.max_json_depth;
  request.max_string_bytes = options_.max_string_bytes;
  request.max_findings = options_.max_findings;
  auto split = pipeline::SplitIngestBody(request);
  if (!split) {
    if (!split.error().source.empty()) Counters(split.error().source).rejected += 1;
    ReplyError(res, split.error().http_status, split.error().reason);
    return;
  }
  const std::string& canonical = split->source;
  SourceCounters& counters = Counters(canonical);
  std::vector<bus::OutgoingMessage>& messages = split->messages;
  // A source with a shared secret: the delivery must be signed, and not a replay.
  std::string delivery_id;
  if (auto secret = options_.webhook_secrets.find(canonical); secret != options_.webhook_secrets.end()) {
    std::string signature = req.get_header_value("X-Hub-Signature-256");
    if (signature.empty()) signature = req.get_header_value("X-Hub-Signature");
    if (signature.empty()) {
      counters.rejected += 1;
      LogRefusal(req, "unsigned delivery for " + canonical);
      ReplyError(res, 401, "source '" + canonical + "' requires a signed delivery (X-Hub-Signature-256: sha256=...)");
      return;
    }
    if (!VerifyWebhookSignature(secret->second, raw, signature)) {
      counters.rejected += 1;
      LogRefusal(req, "bad signature for " + canonical);
      ReplyError(res, 401, "the signature does not match the body (HMAC-SHA256 with the source's secret)");
      return;
    }
    delivery_id = req.get_header_value("X-GitHub-Delivery");
    if (delivery_id.empty()) delivery_id = req.get_header_value("X-Snyk-Transport-ID");
    if (delivery_id.empty() || delivery_id.size() > 256) {
      counters.rejected += 1;
      ReplyError(res, 401, "a signed delivery needs a delivery id (X-GitHub-Delivery or X-Snyk-Transport-ID, "
                           "at most 256 characters) so that replays can be refused");
      return;
    }
    auto store = pools_->Store();
    if (!store) {
      ReplyError(res, 503, store.error().message);
      return;
    }
    auto fresh = store::RecordWebhookDelivery(**store, canonical, delivery_id, clock_.Now(), options_.replay_window);
    if (!fresh) {
      store->Discard();
      ReplyError(res, 503, "cannot check the delivery id: " + fresh.error().message);
      return;
    }
    if (!*fresh) {
      counters.rejected += 1;
      LogRefusal(req, "replayed delivery " + delivery_id + " for " + canonical);
      ReplyError(res, 409, "delivery '" + delivery_id + "' was already received (replay refused)");
      return;
    }
  }
  counters.received += messages.size();
  if (messages.empty()) {
    Reply(res, 202, Json{{"accepted", 0}});
    return;
  }
  // Not accepted after all: a signed delivery's id is forgotten so the sender's retry is let in.
  auto forget_delivery = [&] {
    if (delivery_id.empty()) return;
    if (auto store = pools_->Store()) {
      if (!store::ForgetWebhookDelivery(**store, canonical, delivery_id)) store->Discard();
    }
  };
  // Shared with every request publishing at this moment: one durable append for all of them.
  if (auto st = publisher_->Publish(messages, options_.publish_timeout); !st) {
    forget_delivery();
    counters.rejected += messages.size();
    ReplyError(res, 503, "not accepted, retry: " + st.error().message);
    return;
  }
  counters.accepted += messages.size();
  Reply(res, 202, Json{{"accepted", messages.size()}});
}

std::string Gateway::MetricsText() {
  std::string out;
  auto line = [&](const std::string& name, const std::string& labels, uint64_t v) {
    out += name + (labels.empty() ? "" : "{" + labels + "}") + " " + std::to_string(v) + "\n";
  };
  out += "# HELP ctem_ingest_received_total Findings received by the gateway, per source.\n";
  out += "# TYPE ctem_ingest_received_total counter\n";
  std::vector<std::pair<std::string, SourceCounters*>> sources;
  {
    std::lock_guard<std::mutex> lock(counters_mu_);
    for (auto& [s, c] : counters_) sources.emplace_back(s, c.get());
  }
  for (auto& [s, c] : sources) line("ctem_ingest_received_total", "source=\"" + s + "\"", c->received);
  out += "# HELP ctem_ingest_accepted_total Findings made durable on the bus (answered 202), per source.\n";
  out += "# TYPE ctem_ingest_accepted_total counter\n";
  for (auto& [s, c] : sources) line("ctem_ingest_accepted_total", "source=\"" + s + "\"", c->accepted);
  out += "# HELP ctem_ingest_rejected_total Findings refused (4xx/5xx), per source.\n";
  out += "# TYPE ctem_ingest_rejected_total counter\n";
  for (auto& [s, c] : sources) line("ctem_ingest_rejected_total", "source=\"" + s + "\"", c->rejected);
  const auto appends = publisher_->GetStats();
  out += "# HELP ctem_ingest_bus_appends_total Durable appends to the bus by the gateway (one per group commit).\n";
  out += "# TYPE ctem_ingest_bus_appends_total counter\n";
  line("ctem_ingest_bus_appends_total", "", appends.groups);
  out += "# HELP ctem_ingest_bus_publishes_total Ingest requests those appends made durable (requests / appends = group size).\n";
  out += "# TYPE ctem_ingest_bus_publishes_total counter\n";
  line("ctem_ingest_bus_publishes_total", "", appends.callers);
  out += "# HELP ctem_auth_failures_total Requests refused 401 or 403 (docs/security.md).\n";
  out += "# TYPE ctem_auth_failures_total counter\n";
  line("ctem_auth_failures_total", "", auth_failures_);
  out += "# HELP ctem_rate_limited_total Requests refused 429 by a token's rate limit.\n";
  out += "# TYPE ctem_rate_limited_total counter\n";
  line("ctem_rate_limited_total", "", rate_limited_);
  out += "# TYPE ctem_normaliser_consumed_total counter\n";
  line("ctem_normaliser_consumed_total", "", metrics_.normaliser_consumed);
  out += "# TYPE ctem_normaliser_produced_total counter\n";
  line("ctem_normaliser_produced_total", "", metrics_.normaliser_produced);
  out += "# HELP ctem_dead_letters_total Records sent to ctem.dlq with a reason.\n# TYPE ctem_dead_letters_total counter\n";
  line("ctem_dead_letters_total", "", metrics_.dead_letters);
  out += "# HELP ctem_upserts_total Records upserted into the store.\n# TYPE ctem_upserts_total counter\n";
  line("ctem_upserts_total", "", metrics_.upserts);
  out +=
      "# HELP ctem_no_longer_seen_total Stored exposures a tool reported gone (marked no longer seen).\n"
      "# TYPE ctem_no_longer_seen_total counter\n";
  line("ctem_no_longer_seen_total", "", metrics_.no_longer_seen);
  if (options_.zone_resolver != nullptr) {
    const ZoneResolverStats z = options_.zone_resolver->Stats();
    const std::string kind = "graph=\"" + std::string(options_.zone_resolver->Kind()) + "\"";
    const std::pair<const char*, const char*> help[] = {
        {"ctem_zone_lookups_total", "Zone lookups by the normaliser and scope discovery."},
        {"ctem_zone_cache_hits_total", "Zone lookups answered from the resolver's cache."},
        {"ctem_zone_graph_queries_total", "Round trips to the zone graph (one per batch of assets)."},
        {"ctem_zone_graph_failed_queries_total", "Round trips that failed or timed out."},
        {"ctem_zone_fallbacks_total", "Findings scored on the static fallback because the graph failed."},
        {"ctem_zone_rejected_consequences_total", "Graph answers with an unknown consequence class."},
        {"ctem_zone_graph_outages_total", "Times the zone graph became unreachable."}};
    const uint64_t values[] = {z.lookups,  z.cache_hits,           z.round_trips, z.failed_queries,
                               z.fallbacks, z.rejected_consequences, z.outages};
    for (size_t i = 0; i < std::size(values); ++i) {
      out += std::string("# HELP ") + help[i].first + " " + help[i].second + "\n# TYPE " + help[i].first +
             " counter\n";
      line(help[i].first, kind, values[i]);
    }
  }
  out += "# HELP ctem_consumer_lag Messages not yet committed, per consumer group and topic.\n";
  out += "# TYPE ctem_consumer_lag gauge\n";
  for (const auto& [group, topics] :
       std::vector<std::pair<std::string, std::vector<std::string>>>{
           {std::string(pipeline::kNormaliserGroup), pipeline::RawTopics()},
           {std::string(pipeline::kPersisterGroup), {std::string(bus::kNormalizedTopic)}}}) {
    auto lag = bus_.GroupLag(group, topics);
    if (!lag) continue;
    std::map<std::string, int64_t> per_topic;
    for (const auto& l : *lag) per_topic[l.topic] += l.lag();
    for (const auto& [t, n] : per_topic) {
      line("ctem_consumer_lag", "group=\"" + group + "\",topic=\"" + t + "\"", static_cast<uint64_t>(std::max<int64_t>(n, 0)));
    }
  }
  return out;
}

}  // namespace ctem::api
