// The embedded dashboard: every file of web/ is in the binary under its relative path, with
// the chart library from npm under vendor/, served with the right content type; nothing outside
// the table is reachable.
#include "api/dashboard.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace ctem::api {
namespace {

namespace fs = std::filesystem;

TEST(Dashboard, RootIsTheIndexPage) {
  for (const char* p : {"/", "", "/index.html", "index.html"}) {
    auto a = FindDashboardAsset(p);
    ASSERT_TRUE(a) << p;
    EXPECT_EQ(a->path, "index.html");
    EXPECT_EQ(a->content_type, "text/html; charset=utf-8");
    EXPECT_NE(a->body.find("app.js"), std::string_view::npos);
  }
}

TEST(Dashboard, EveryWebFileIsEmbeddedByteForByte) {
  size_t seen = 0;
  for (const auto& entry : fs::recursive_directory_iterator(CTEM_WEB_DIR)) {
    const std::string rel = fs::relative(entry.path(), CTEM_WEB_DIR).generic_string();
    if (!entry.is_regular_file() || rel.starts_with("node_modules") || rel.starts_with("package")) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto a = FindDashboardAsset("/" + rel);
    ASSERT_TRUE(a) << rel << " is not embedded (rerun cmake?)";
    EXPECT_EQ(a->body, bytes) << rel;
    ++seen;
  }
  EXPECT_GE(seen, 10u);
}

TEST(Dashboard, ChartLibraryComesFromNpm) {
  auto js = FindDashboardAsset("/vendor/uPlot.iife.min.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_GT(js->body.size(), 10000u);
  auto css = FindDashboardAsset("/vendor/uPlot.min.css");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
}

TEST(Dashboard, NothingElseIsServed) {
  EXPECT_FALSE(FindDashboardAsset("/no-such.js"));
  EXPECT_FALSE(FindDashboardAsset("/views/../index.html"));
  EXPECT_FALSE(FindDashboardAsset("/../CMakeLists.txt"));
  EXPECT_FALSE(FindDashboardAsset("/package.json"));
  EXPECT_FALSE(FindDashboardAsset("/api/ctem/reports/triage"));
  const auto paths = DashboardAssetPaths();
  EXPECT_TRUE(std::is_sorted(paths.begin(), paths.end()));
  EXPECT_TRUE(std::none_of(paths.begin(), paths.end(),
                           [](const std::string& p) { return p.find("node_modules") == 0; }));
}

TEST(Dashboard, ContentTypes) {
  EXPECT_EQ(ContentTypeFor("a/b/style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("favicon.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("shot.png"), "image/png");
  EXPECT_EQ(ContentTypeFor("noext"), "application/octet-stream");
}

}  // namespace
}  // namespace ctem::api
