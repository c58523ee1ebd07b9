#include "cli/service_heartbeat.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "store/heartbeat.h"

namespace ctem::cli {

std::chrono::seconds ServiceHeartbeat::Interval() {
  const char* v = std::getenv("CTEM_HEARTBEAT_INTERVAL_S");
  const long n = v != nullptr ? std::strtol(v, nullptr, 10) : 0;
  return std::chrono::seconds(n > 0 ? n : 10);
}

ServiceHeartbeat::ServiceHeartbeat(const Context& ctx, std::vector<std::string> services)
    : ctx_(ctx), services_(std::move(services)), instance_(store::ThisInstance()) {
  thread_ = std::thread([this] { Loop(); });
}

ServiceHeartbeat::~ServiceHeartbeat() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void ServiceHeartbeat::Loop() {
  const Timestamp started = SystemClock().Now();
  std::unique_ptr<store::Store> store;
  bool warned = false;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    if (!store) {
      auto s = ctx_.OpenStore(/*migrate=*/false);
      if (s) store = std::move(*s);
    }
    bool ok = store != nullptr;
    for (const auto& service : services_) {
      if (!ok) break;
      if (auto st = store::RecordHeartbeat(*store, service, instance_, started, SystemClock().Now()); !st) {
        if (!warned) spdlog::warn("heartbeat: {} (retrying)", st.error().message);
        ok = false;
        store.reset();  // reconnect next time
      }
    }
    warned = !ok;
    lock.lock();
    cv_.wait_for(lock, Interval(), [this] { return stop_; });
  }
  lock.unlock();
  if (store) {
    for (const auto& service : services_) (void)store::RemoveHeartbeat(*store, service, instance_);
  }
}

}  // namespace ctem::cli
