#include "graph/neo4j_http.h"

#include <httplib.h>

#include <charconv>

namespace ctem::graph {
namespace {

void SetTimeouts(httplib::Client& c, std::chrono::milliseconds t) {
  const auto sec = static_cast<time_t>(t.count() / 1000);
  const auto usec = static_cast<time_t>((t.count() % 1000) * 1000);
  c.set_connection_timeout(sec, usec);
  c.set_read_timeout(sec, usec);
  c.set_write_timeout(sec, usec);
}

// The first error Neo4j reports in a response body, as "Code: message".
std::string FirstError(const nlohmann::json& body) {
  if (!body.is_object() || !body.contains("errors") || !body["errors"].is_array() || body["errors"].empty()) {
    return "";
  }
  const auto& e = body["errors"][0];
  return e.value("code", std::string("Neo4j error")) + ": " + e.value("message", std::string());
}

}  // namespace

std::string Neo4jEndpoint::Describe() const {
  return "http://" + host + ":" + std::to_string(port) + " (database " + database + ")";
}

Result<Neo4jEndpoint> ParseNeo4jEndpoint(std::string_view uri, std::string_view auth) {
  Neo4jEndpoint ep;
  std::string_view rest = uri;
  bool scheme_ok = false;
  for (std::string_view scheme : {"neo4j://", "http://"}) {
    if (rest.starts_with(scheme)) {
      rest.remove_prefix(scheme.size());
      scheme_ok = true;
      break;
    }
  }
  if (!scheme_ok) {
    return Fail(
        Error::InvalidArgument("not a Neo4j HTTP address: '" + std::string(uri) +
                               "' (expected neo4j://HOST:7474 or http://HOST:7474, optionally /db/NAME; "
                               "https and bolt are not supported)"));
  }
  std::string_view hostport = rest.substr(0, rest.find('/'));
  std::string_view path = rest.substr(hostport.size());
  if (const size_t at = hostport.rfind('@'); at != std::string_view::npos) {
    return Fail(
        Error::InvalidArgument("put Neo4j credentials in NEO4J_AUTH (user/password), not in the address"));
  }
  if (const size_t colon = hostport.rfind(':'); colon != std::string_view::npos) {
    std::string_view p = hostport.substr(colon + 1);
    int port = 0;
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (ec != std::errc() || ptr != p.data() + p.size() || port <= 0 || port > 65535) {
      return Fail(Error::InvalidArgument("bad port in Neo4j address '" + std::string(uri) + "'"));
    }
    ep.port = port;
    hostport = hostport.substr(0, colon);
  }
  if (hostport.empty())
    return Fail(Error::InvalidArgument("no host in Neo4j address '" + std::string(uri) + "'"));
  ep.host = std::string(hostport);
  if (!path.empty() && path != "/") {
    if (!path.starts_with("/db/") || path.size() == 4) {
      return Fail(Error::InvalidArgument("the only path a Neo4j address may have is /db/NAME: '" +
                                         std::string(uri) + "'"));
    }
    std::string db(path.substr(4));
    if (db.ends_with('/')) db.pop_back();
    ep.database = db;
  }
  if (!auth.empty() && auth != "none") {
    const size_t slash = auth.find('/');
    if (slash == std::string_view::npos || slash == 0) {
      return Fail(Error::InvalidArgument("NEO4J_AUTH must be user/password (or none)"));
    }
    ep.user = std::string(auth.substr(0, slash));
    ep.password = std::string(auth.substr(slash + 1));
  }
  return ep;
}

Neo4jHttpClient::Neo4jHttpClient(Neo4jEndpoint endpoint) : endpoint_(std::move(endpoint)) {}

Neo4jHttpClient::~Neo4jHttpClient() = default;

Result<CypherResult> Neo4jHttpClient::Run(const CypherStatement& statement) {
  auto r = Run(std::span<const CypherStatement>(&statement, 1));
  if (!r) return Fail(r.error());
  if (r->empty()) return CypherResult{};
  return std::move(r->front());
}

Result<std::vector<CypherResult>> Neo4jHttpClient::Run(std::span<const CypherStatement> statements) {
  nlohmann::json body = {{"statements", nlohmann::json::array()}};
  for (const auto& s : statements) {
    body["statements"].push_back({{"statement", s.statement}, {"parameters", s.parameters}});
  }
  const std::string path = "/db/" + endpoint_.database + "/tx/commit";
  const std::string where = "Neo4j at " + endpoint_.Describe();

  httplib::Result res{nullptr, httplib::Error::Unknown};
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!client_) {
      client_ = std::make_unique<httplib::Client>(endpoint_.host, endpoint_.port);
      SetTimeouts(*client_, endpoint_.timeout);
      client_->set_keep_alive(true);
      client_->set_tcp_nodelay(true);
      if (!endpoint_.user.empty()) client_->set_basic_auth(endpoint_.user, endpoint_.password);
    }
    res = client_->Post(path, body.dump(), "application/json");
    // A broken keep-alive connection is not reused; the next call connects afresh.
    if (!res) client_.reset();
  }
  if (!res) {
    return Fail(
        Error::Unavailable(where + " did not answer: " + httplib::to_string(res.error()) +
                           " (is it running? the address is its HTTP port, 7474 by default; timeout " +
                           std::to_string(endpoint_.timeout.count()) + " ms)"));
  }
  auto parsed = nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  if (res->status == 401 || res->status == 403) {
    return Fail(Error::FailedPrecondition(where + " refused the credentials (HTTP " +
                                          std::to_string(res->status) + "); set NEO4J_AUTH=user/password"));
  }
  if (res->status == 404) {
    const std::string why = parsed.is_discarded() ? "" : FirstError(parsed);
    return Fail(Error::FailedPrecondition(where + ": no such database or endpoint (HTTP 404)" +
                                          (why.empty() ? "" : ": " + why)));
  }
  if (res->status >= 500) {
    return Fail(Error::Unavailable(where + " failed with HTTP " + std::to_string(res->status)));
  }
  if (res->status != 200 || parsed.is_discarded() || !parsed.is_object()) {
    return Fail(Error::Unavailable(where + " answered HTTP " + std::to_string(res->status) +
                                   " with a body that is not the transactional API's JSON"));
  }
  if (const std::string why = FirstError(parsed); !why.empty()) {
    // Transient errors (a leader switch, a deadlock) are worth a retry; the rest are ours.
    if (why.find("TransientError") != std::string::npos ||
        why.find("DatabaseUnavailable") != std::string::npos) {
      return Fail(Error::Unavailable(where + ": " + why));
    }
    return Fail(Error::InvalidArgument(where + " refused the statement: " + why));
  }
  std::vector<CypherResult> out;
  if (parsed.contains("results") && parsed["results"].is_array()) {
    for (const auto& r : parsed["results"]) {
      CypherResult cr;
      if (r.contains("columns") && r["columns"].is_array()) {
        for (const auto& c : r["columns"])
          cr.columns.push_back(c.is_string() ? c.get<std::string>() : c.dump());
      }
      if (r.contains("data") && r["data"].is_array()) {
        for (const auto& d : r["data"]) {
          if (d.is_object() && d.contains("row") && d["row"].is_array()) cr.rows.push_back(d["row"]);
        }
      }
      out.push_back(std::move(cr));
    }
  }
  return out;
}

}  // namespace ctem::graph
