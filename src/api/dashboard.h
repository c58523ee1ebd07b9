// The dashboard's static files (web/), compiled into the binary so that `ctem serve` shows the
// dashboard at / from any working directory, with no install step. The files are plain
// HTML/CSS/ES modules that read only the HTTP API; the chart library is pinned by
// web/package-lock.json and embedded under vendor/.
//
// Thread-safety: the table is immutable after first use (a function-local static); lookups
// are safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ctem::api {

struct DashboardAsset {
  std::string_view path;          // relative to the dashboard's root: "index.html", "views/triage.js"
  std::string_view content_type;  // from the extension: "text/html; charset=utf-8", ...
  std::string_view body;
};

// The asset served for a URL path ("/" and "" mean index.html); nullopt when there is none
// (and for any path that tries to climb out with "..").
std::optional<DashboardAsset> FindDashboardAsset(std::string_view url_path);

// Every embedded path, sorted (for tests and diagnostics).
std::vector<std::string> DashboardAssetPaths();

// The MIME type the gateway sends for a file name, by extension.
std::string_view ContentTypeFor(std::string_view path);

}  // namespace ctem::api
