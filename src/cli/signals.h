// SignalWatcher: clean shutdown of the long-running services (`ctem serve`, the stages, the
// jobs). It blocks SIGINT/SIGTERM in every thread started after it and runs a callback on a
// dedicated thread when one arrives, so the services finish or abandon their current batch
// instead of dying in the middle of it.
//
// Thread-safety: construct it on the main thread before starting the service threads.
#pragma once

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <functional>
#include <thread>

namespace ctem::cli {

// Blocks SIGINT/SIGTERM in every thread started after this, and runs `on_signal` on a
// dedicated thread when one arrives.
class SignalWatcher {
 public:
  explicit SignalWatcher(std::function<void()> on_signal) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    thread_ = std::thread([this, on_signal = std::move(on_signal)] {
      int sig = 0;
      sigwait(&set_, &sig);
      if (sig == SIGUSR1) return;  // our own wake-up at shutdown
      spdlog::info("received signal {}, stopping", sig);
      on_signal();
    });
    sigaddset(&set_, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  }
  ~SignalWatcher() {
    pthread_kill(thread_.native_handle(), SIGUSR1);
    thread_.join();
  }

 private:
  sigset_t set_{};
  std::thread thread_;
};

}  // namespace ctem::cli
