// Beats for the services this process runs, so that `ctem verify` can tell they are alive
// (store/heartbeat.h). A background thread records a heartbeat for each service every
// CTEM_HEARTBEAT_INTERVAL_S seconds (default 10) on its own store connection, and removes
// them when the process stops cleanly. A store that is down only delays the beats: a
// service is never stopped for want of a heartbeat.
//
// Thread-safety: construct and destroy on one thread; the beating thread is internal.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/context.h"

namespace ctem::cli {

class ServiceHeartbeat {
 public:
  ServiceHeartbeat(const Context& ctx, std::vector<std::string> services);
  ~ServiceHeartbeat();
  ServiceHeartbeat(const ServiceHeartbeat&) = delete;
  ServiceHeartbeat& operator=(const ServiceHeartbeat&) = delete;

  // Seconds between beats (CTEM_HEARTBEAT_INTERVAL_S, default 10).
  static std::chrono::seconds Interval();

 private:
  void Loop();

  const Context& ctx_;
  const std::vector<std::string> services_;
  const std::string instance_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace ctem::cli
