// A `ctem` service process started by a test: launched with fork/exec, its first stdout line
// (the "listening" JSON) read to learn the port, stopped with SIGTERM or killed with SIGKILL.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

namespace ctem::testing {

class ServiceProcess {
 public:
  ServiceProcess() = default;
  ~ServiceProcess() { Kill(); }
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  // Starts `binary args...` with `dir` as working directory and stderr to `log_path`. Returns
  // the first stdout line, or "" if none came within `timeout`.
  std::string Start(const std::string& binary, const std::vector<std::string>& args, const std::string& dir,
                    const std::string& log_path, std::chrono::seconds timeout = std::chrono::seconds(30)) {
    int out[2];
    if (pipe(out) != 0) return "";
    pid_ = fork();
    if (pid_ == 0) {
      if (chdir(dir.c_str()) != 0) _exit(127);
      dup2(out[1], STDOUT_FILENO);
      const int err = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (err >= 0) dup2(err, STDERR_FILENO);
      close(out[0]);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(binary.c_str()));
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      unsetenv("CTEM_STORE");
      unsetenv("CTEM_BUS");
      unsetenv("KAFKA_BROKERS");
      unsetenv("POSTGRES_DSN");
      unsetenv("CTEM_GRAPH");
      unsetenv("NEO4J_URI");
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    close(out[1]);
    out_fd_ = out[0];
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char c;
      const ssize_t n = read(out_fd_, &c, 1);
      if (n <= 0) break;
      if (c == '\n') return line;
      line += c;
    }
    return line;
  }

  bool Running() const { return pid_ > 0 && kill(pid_, 0) == 0; }
  pid_t pid() const { return pid_; }

  // SIGTERM and wait; returns the exit status (or -1).
  int Stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    Close();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // SIGKILL: a crash, nothing flushed.
  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    Close();
  }

 private:
  void Close() {
    if (out_fd_ >= 0) close(out_fd_);
    out_fd_ = -1;
  }

  pid_t pid_ = -1;
  int out_fd_ = -1;
};

// The port from a `{"listening":"host:port",...}` line, or 0.
inline int ListeningPort(const std::string& line) {
  const auto key = line.find("\"listening\":\"");
  if (key == std::string::npos) return 0;
  const auto colon = line.find(':', key + 13);
  const auto quote = line.find('"', colon);
  if (colon == std::string::npos || quote == std::string::npos) return 0;
  return std::atoi(line.substr(colon + 1, quote - colon - 1).c_str());
}

}  // namespace ctem::testing
