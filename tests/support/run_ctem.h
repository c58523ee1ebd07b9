// Runs the built `ctem` binary as a user would, capturing its exit code, stdout and stderr.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace ctem::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs CTEM_BINARY with `args` in `dir`. The environment's CTEM_* and graph variables are
// cleared so that a developer's settings cannot leak into a test; `env` ("NAME=value") is set.
inline CommandResult RunCtem(const TempDir& dir, const std::vector<std::string>& args,
                             const std::vector<std::string>& env = {}) {
  std::string cmd = "cd " + ShellQuote(dir.path().string()) +
                    " && env -u CTEM_STORE -u POSTGRES_DSN -u CTEM_TENANT -u CTEM_GRAPH -u NEO4J_URI -u NEO4J_AUTH";
  for (const auto& e : env) cmd += " " + ShellQuote(e);
  cmd += " " + ShellQuote(CTEM_BINARY);
  for (const auto& a : args) cmd += " " + ShellQuote(a);
  const std::string out = dir.File(".stdout");
  const std::string err = dir.File(".stderr");
  cmd += " >" + ShellQuote(out) + " 2>" + ShellQuote(err) + " </dev/null";
  const int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = Slurp(out);
  r.err = Slurp(err);
  return r;
}

}  // namespace ctem::testing
