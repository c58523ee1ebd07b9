// Escaping attacker-controlled text before it is logged. A request path, a header or a body
// fragment may carry "\n" (a forged second log line), "\r", ANSI escape sequences ("\x1b[...")
// that rewrite a terminal, or other control bytes; logging them raw lets the sender forge or
// hide log entries. EscapeForLog makes such text one inert line.
//
// Thread-safety: pure function.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ctem {

// `text` with every control character escaped: \n, \r and \t as those two-character
// sequences, every other byte below 0x20 and 0x7f (DEL) as \xHH, and the backslash itself as
// "\\" (so an escaped line cannot be mistaken for an escape). Bytes >= 0x80 (UTF-8) are kept.
// Longer than `max_bytes` input bytes: the first max_bytes, escaped, then "...".
std::string EscapeForLog(std::string_view text, size_t max_bytes = 256);

}  // namespace ctem
