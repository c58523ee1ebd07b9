// A webhook receiver for the tests: an httplib::Server on 127.0.0.1 that records the JSON
// bodies it accepts. It can answer with an error status for a while, refuse connections
// (not started yet, or stopped), and be started again on the same port.
#pragma once

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace ctem::jobs::testing {

class WebhookReceiver {
 public:
  // Picks a free port without listening yet (connections are refused until Start()). A plain
  // socket, closed at once: an httplib::Server that never listened keeps its socket open, and
  // with SO_REUSEPORT it would silently take half of the connections.
  WebhookReceiver() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
    if (fd >= 0) close(fd);
  }
  ~WebhookReceiver() { Stop(); }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hooks/ctem"; }

  // Answer this status (instead of 200) to the next `n` requests; n < 0: until told otherwise.
  void FailNext(int n, int status = 500) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_left_ = n;
    fail_status_ = status;
  }

  bool Start() {
    Stop();
    server_ = std::make_unique<httplib::Server>();
    server_->Post("/hooks/ctem", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      ++requests_;
      if (fail_left_ != 0) {
        if (fail_left_ > 0) --fail_left_;
        res.status = fail_status_;
        res.set_content("{\"ok\":false}", "application/json");
        return;
      }
      auto body = nlohmann::ordered_json::parse(req.body, nullptr, false);
      if (body.is_discarded() || req.get_header_value("Content-Type") != "application/json") {
        res.status = 400;
        return;
      }
      accepted_.push_back(std::move(body));
      res.status = 200;
      res.set_content("ok", "text/plain");
    });
    if (!server_->bind_to_port("127.0.0.1", port_)) return false;
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    for (int i = 0; i < 200 && !server_->is_running(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return server_->is_running();
  }

  void Stop() {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }

  std::vector<nlohmann::ordered_json> accepted() {
    std::lock_guard<std::mutex> lock(mu_);
    return accepted_;
  }
  int requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

  // Waits until `n` bodies were accepted (or `timeout`).
  bool WaitFor(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      if (accepted().size() >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return accepted().size() >= n;
  }

 private:
  int port_ = 0;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::mutex mu_;
  int fail_left_ = 0;
  int fail_status_ = 500;
  int requests_ = 0;
  std::vector<nlohmann::ordered_json> accepted_;
};

}  // namespace ctem::jobs::testing
