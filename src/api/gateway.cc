#include "api/gateway.h"

#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <nlohmann/json.hpp>

#include "api/remediation_routes.h"
#include "api/dashboard.h"
#include "pipeline/ingest_request.h"
#include "reports/render.h"
#include "reports/report.h"

namespace ctem::api {

using Json = nlohmann::ordered_json;

// Connections to the bus and the store, reused across requests. A request takes one, uses it
// on its thread, and gives it back.
class Gateway::Pools {
 public:
  Pools(bus::Bus& bus, StoreFactory stores) : bus_(bus), stores_(std::move(stores)) {}

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

  Result<Lease<bus::Producer>> Producer() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!producers_.empty()) {
        auto p = std::move(producers_.back());
        producers_.pop_back();
        return Lease<bus::Producer>(std::move(p), mu_, producers_);
      }
    }
    auto p = bus_.CreateProducer();
    if (!p) return Fail(p.error());
    return Lease<bus::Producer>(std::move(*p), mu_, producers_);
  }

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
  bus::Bus& bus_;
  StoreFactory stores_;
  std::mutex mu_;
  std::vector<std::unique_ptr<bus::Producer>> producers_;   // guarded by mu_
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
      pools_(std::make_unique<Pools>(bus, std::move(stores))),
      server_(std::make_unique<httplib::Server>()) {
  server_->set_payload_max_length(options_.max_body_bytes);
  server_->set_tcp_nodelay(true);
  // Debian's cpp-httplib stalls ~40 ms per keep-alive request unless the listening socket has
  // TCP_NODELAY too (accepted sockets inherit it).
  server_->set_socket_options([](socket_t sock) {
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
  if (options_.port == 0) {
    const int port = server_->bind_to_any_port(options_.host);
    if (port <= 0) return Fail(Error::Unavailable("cannot bind " + options_.host + " on any port"));
    return port;
  }
  if (!server_->bind_to_port(options_.host, options_.port)) {
    return Fail(Error::Unavailable("cannot bind " + options_.host + ":" + std::to_string(options_.port) +
                                   " (in use? set --port)"));
  }
  return options_.port;
}

void Gateway::Serve() { server_->listen_after_bind(); }

void Gateway::Stop() { server_->stop(); }

void Gateway::Routes() {
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    Reply(res, 200, Json{{"status", "ok"}});
  });

  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(MetricsText(), "text/plain; version=0.0.4");
  });

  server_->Post("/api/ctem/ingest", [this](const httplib::Request& req, httplib::Response& res) {
    ++requests_;
    pipeline::IngestRequest request;
    const std::string type = req.get_header_value("Content-Type");
    const std::string encoding = req.get_header_value("Content-Encoding");
    request.content_type = type;
    request.content_encoding = encoding;
    request.source = req.has_param("source") ? req.get_param_value("source") : req.get_header_value("X-CTEM-Source");
    request.tenant = std::string(kDefaultTenant);
    request.body = req.body;
    request.max_decompressed_bytes = options_.max_body_bytes * 8;
    auto split = pipeline::SplitIngestBody(request);
    if (!split) {
      if (!split.error().source.empty()) Counters(split.error().source).rejected += 1;
      ReplyError(res, split.error().http_status, split.error().reason);
      return;
    }
    SourceCounters& counters = Counters(split->source);
    std::vector<bus::OutgoingMessage>& messages = split->messages;
    counters.received += messages.size();
    if (messages.empty()) {
      Reply(res, 202, Json{{"accepted", 0}});
      return;
    }
    auto producer = pools_->Producer();
    if (!producer) {
      counters.rejected += messages.size();
      ReplyError(res, 503, "bus unavailable: " + producer.error().message);
      return;
    }
    if (auto st = (*producer)->Publish(messages, options_.publish_timeout); !st) {
      producer->Discard();
      counters.rejected += messages.size();
      ReplyError(res, 503, "not accepted, retry: " + st.error().message);
      return;
    }
    counters.accepted += messages.size();
    Reply(res, 202, Json{{"accepted", messages.size()}});
  });

  server_->Get(R"(/api/ctem/reports/([a-z\-]+))", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1];
    const reports::ReportSpec* spec = reports::FindReport(name);
    if (spec == nullptr) {
      std::string names;
      for (const auto& n : reports::ReportNames()) names += (names.empty() ? "" : ", ") + n;
      ReplyError(res, 404, "unknown report '" + name + "' (valid reports: " + names + ")");
      return;
    }
    reports::ReportRequest rr;
    rr.tenant_id = std::string(kDefaultTenant);
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
    store::ExposureFilter f;
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
    auto store = pools_->Store();
    if (!store) {
      ReplyError(res, 503, store.error().message);
      return;
    }
    auto row = (*store)->GetExposure(kDefaultTenant, std::string(req.matches[1]));
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
  AddRemediationRoutes(*server_, clock_, [this](const std::function<bool(store::Store&)>& use) -> Status {
    auto store = pools_->Store();
    if (!store) return Fail(store.error());
    if (!use(**store)) store->Discard();
    return {};
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
