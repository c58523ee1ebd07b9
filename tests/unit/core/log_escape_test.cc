#include "core/log_escape.h"

#include <gtest/gtest.h>

namespace ctem {
namespace {

TEST(EscapeForLog, ControlCharactersBecomeVisibleEscapes) {
  EXPECT_EQ(EscapeForLog("GET /x\nFORGED 200 OK\r"), "GET /x\\nFORGED 200 OK\\r");
  EXPECT_EQ(EscapeForLog("\x1b[2Jcleared"), "\\x1b[2Jcleared");
  EXPECT_EQ(EscapeForLog(std::string("a\0b\x7f\t", 5)), "a\\x00b\\x7f\\t");
}

TEST(EscapeForLog, BackslashIsEscapedSoEscapesCannotBeForged) {
  EXPECT_EQ(EscapeForLog("\\n"), "\\\\n");
}

TEST(EscapeForLog, PlainTextAndUtf8AreKept) {
  EXPECT_EQ(EscapeForLog("/api/ctem/ingest?source=snyk"), "/api/ctem/ingest?source=snyk");
  EXPECT_EQ(EscapeForLog("Zone1 – Überwachung"), "Zone1 – Überwachung");
}

TEST(EscapeForLog, LongTextIsCut) {
  EXPECT_EQ(EscapeForLog(std::string(300, 'a'), 10), std::string(10, 'a') + "...");
}

}  // namespace
}  // namespace ctem
