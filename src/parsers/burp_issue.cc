#include "parsers/burp_issue.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <set>
#include <utility>

#include "core/exposure_key.h"
#include "parsers/burp.h"
#include "parsers/scoring.h"
#include "parsers/seed_parsers.h"

namespace ctem::parsers {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Appends code point `cp` as UTF-8.
void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes the HTML entity starting at s[i] == '&'; on success appends it and returns the
// number of characters consumed, else 0.
size_t DecodeEntity(std::string_view s, size_t i, std::string& out) {
  // Look for the ';' within the longest entity we decode, so that a run of '&' stays linear.
  const size_t semi_rel = s.substr(i + 1, 12).find(';');
  if (semi_rel == std::string_view::npos) return 0;
  const size_t semi = i + 1 + semi_rel;
  const std::string_view name = s.substr(i + 1, semi - i - 1);
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kNamed = {{
      {"lt", "<"}, {"gt", ">"}, {"amp", "&"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", " "}}};
  for (const auto& [n, v] : kNamed) {
    if (name == n) {
      out.append(v);
      return semi - i + 1;
    }
  }
  if (name.size() >= 2 && name[0] == '#') {
    uint32_t cp = 0;
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 7) return 0;
    for (char c : digits) {
      uint32_t d = 0;
      if (IsDigit(c)) {
        d = static_cast<uint32_t>(c - '0');
      } else if (hex && std::isxdigit(static_cast<unsigned char>(c))) {
        d = static_cast<uint32_t>(std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
      } else {
        return 0;
      }
      cp = cp * (hex ? 16u : 10u) + d;
    }
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    AppendUtf8(out, cp);
    return semi - i + 1;
  }
  return 0;
}

// Collapses the raw text of BurpHtmlToText: trailing blanks on lines dropped, runs of spaces
// folded, at most one empty line in a row, no leading or trailing blank lines.
std::string TidyLines(std::string_view raw) {
  std::string out;
  size_t pos = 0;
  int blank_run = 0;
  while (pos <= raw.size()) {
    size_t end = raw.find('\n', pos);
    if (end == std::string_view::npos) end = raw.size();
    std::string line;
    bool space = false;
    for (char c : raw.substr(pos, end - pos)) {
      if (c == ' ' || c == '\t' || c == '\r') {
        space = true;
        continue;
      }
      if (space && !line.empty()) line.push_back(' ');
      space = false;
      line.push_back(c);
    }
    if (line.empty()) {
      ++blank_run;
    } else {
      if (!out.empty()) out.append(blank_run > 0 ? "\n\n" : "\n");
      out.append(line);
      blank_run = 0;
    }
    pos = end + 1;
  }
  return out;
}

int SeverityOrder(std::string_view canonical) {
  if (canonical == "High") return 3;
  if (canonical == "Medium") return 2;
  if (canonical == "Low") return 1;
  return 0;
}

int ConfidenceOrder(std::string_view canonical) {
  if (canonical == "Certain") return 2;
  if (canonical == "Tentative") return 0;
  return 1;  // Firm, or not given
}

int ExploitabilityOrder(Exploitability x) {
  switch (x) {
    case Exploitability::kHigh: return 2;
    case Exploitability::kMedium: return 1;
    case Exploitability::kLow: return 0;
  }
  return 0;
}

bool IsSensitiveHeader(std::string_view line) {
  for (std::string_view h : {"authorization:", "proxy-authorization:", "cookie:", "set-cookie:",
                             "x-api-key:", "x-auth-token:", "x-csrf-token:"}) {
    if (StartsWithNoCase(line, h)) return true;
  }
  return false;
}

// The request as evidence: request line and headers with credential-bearing header values
// redacted, then the body; bounded.
std::string RequestExcerpt(std::string_view request) {
  std::string out;
  size_t pos = 0;
  bool in_headers = true;
  while (pos < request.size() && out.size() < burp::kMaxRequestExcerpt) {
    size_t end = request.find('\n', pos);
    if (end == std::string_view::npos) end = request.size();
    std::string_view line = request.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (in_headers && line.empty()) in_headers = false;
    if (in_headers && IsSensitiveHeader(line)) {
      out.append(line.substr(0, line.find(':') + 1)).append(" [redacted]");
    } else {
      out.append(line);
    }
    out.push_back('\n');
    pos = end + 1;
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  const bool cut = pos < request.size();
  std::string cleaned = burp::CleanText(out, burp::kMaxRequestExcerpt);
  if (cut && !cleaned.ends_with("...")) cleaned += "\n...";
  return cleaned;
}

std::string FirstLine(std::string_view text) {
  text = Trim(text);
  const size_t end = text.find('\n');
  std::string_view line = text.substr(0, end);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return burp::CleanText(line, 512);
}

std::string IdentityOf(const burp::BurpIssue& i) {
  return (i.type_id.empty() ? i.name : i.type_id) + ":" + i.path;
}

}  // namespace

Exploitability BurpExploitability(std::string_view severity, std::string_view confidence) {
  const bool tentative = confidence == "Tentative";
  if (severity == "High") return tentative ? Exploitability::kMedium : Exploitability::kHigh;
  if (severity == "Medium") return tentative ? Exploitability::kLow : Exploitability::kMedium;
  return Exploitability::kLow;
}

std::string CanonicalBurpSeverity(std::string_view text) {
  const std::string s = Lower(Trim(text));
  if (s == "high") return "High";
  if (s == "medium") return "Medium";
  if (s == "low") return "Low";
  if (s == "information" || s == "info" || s == "informational") return "Information";
  return "";
}

std::string CanonicalBurpConfidence(std::string_view text) {
  const std::string s = Lower(Trim(text));
  if (s == "certain") return "Certain";
  if (s == "firm") return "Firm";
  if (s == "tentative") return "Tentative";
  return "";
}

std::string BurpHtmlToText(std::string_view html) {
  std::string raw;
  raw.reserve(html.size());
  size_t i = 0;
  size_t next_gt = 0;  // the first '>' at or after i + 1 (cached: keeps "<a<a<a..." linear)
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      if (next_gt != std::string_view::npos && next_gt <= i) next_gt = html.find('>', i + 1);
      const size_t close = next_gt;
      const bool tag_like = i + 1 < html.size() &&
                            (std::isalpha(static_cast<unsigned char>(html[i + 1])) || html[i + 1] == '/' ||
                             html[i + 1] == '!');
      if (close == std::string_view::npos || !tag_like) {
        raw.push_back(c);
        ++i;
        continue;
      }
      std::string_view tag = html.substr(i + 1, close - i - 1);
      const bool closing = !tag.empty() && tag.front() == '/';
      if (closing) tag.remove_prefix(1);
      size_t name_end = 0;
      while (name_end < tag.size() && std::isalnum(static_cast<unsigned char>(tag[name_end]))) ++name_end;
      const std::string name = Lower(tag.substr(0, name_end));
      if (name == "li") {
        if (!closing) raw.append("\n- ");
      } else if (name == "br" || name == "p" || name == "div" || name == "ul" || name == "ol" ||
                 name == "tr" || name == "table" || name == "pre" || name == "h1" ||
                 name == "h2" || name == "h3" || name == "h4" || name == "h5" || name == "h6") {
        raw.push_back('\n');
        if (name == "p" || name == "ul" || name == "ol" || name == "table") raw.push_back('\n');
      }
      i = close + 1;
      continue;
    }
    if (c == '&') {
      const size_t used = DecodeEntity(html, i, raw);
      if (used > 0) {
        i += used;
        continue;
      }
    }
    raw.push_back(c);
    ++i;
  }
  return TidyLines(raw);
}

namespace burp {

std::string NormaliseOrigin(std::string_view url) {
  url = Trim(url);
  std::string scheme;
  const size_t sep = url.find("://");
  std::string_view rest = url;
  if (sep != std::string_view::npos) {
    scheme = Lower(url.substr(0, sep));
    rest = url.substr(sep + 3);
  }
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  // Credentials in a URL never become part of an asset id.
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string host = Lower(authority);
  if (scheme == "https" && host.size() > 4 && host.ends_with(":443")) host.resize(host.size() - 4);
  if (scheme == "http" && host.size() > 3 && host.ends_with(":80")) host.resize(host.size() - 3);
  if (host.empty()) return "";
  return CleanText(scheme.empty() ? host : scheme + "://" + host, 1024);
}

std::string HostName(std::string_view origin) {
  const size_t sep = origin.find("://");
  std::string_view host = sep == std::string_view::npos ? origin : origin.substr(sep + 3);
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    return std::string(host.substr(0, close == std::string_view::npos ? host.size() : close + 1));
  }
  return std::string(host.substr(0, host.find(':')));
}

std::string CleanText(std::string_view raw, size_t max_bytes) {
  std::string out;
  out.reserve(std::min(raw.size(), max_bytes));
  size_t i = 0;
  bool cut = false;
  while (i < raw.size()) {
    const auto b = static_cast<unsigned char>(raw[i]);
    std::string piece;
    size_t used = 1;
    if (b < 0x80) {
      if (b == '\r') {
        if (i + 1 < raw.size() && raw[i + 1] == '\n') {
          ++i;
          continue;
        }
        piece = "\n";
      } else if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7F) {
        piece = ".";
      } else {
        piece.assign(1, static_cast<char>(b));
      }
    } else {
      size_t len = 0;
      uint32_t cp = 0;
      uint32_t min_cp = 0;
      if ((b & 0xE0) == 0xC0) {
        len = 2, cp = b & 0x1Fu, min_cp = 0x80;
      } else if ((b & 0xF0) == 0xE0) {
        len = 3, cp = b & 0x0Fu, min_cp = 0x800;
      } else if ((b & 0xF8) == 0xF0) {
        len = 4, cp = b & 0x07u, min_cp = 0x10000;
      }
      bool valid = len > 0 && i + len <= raw.size();
      for (size_t k = 1; valid && k < len; ++k) {
        const auto cb = static_cast<unsigned char>(raw[i + k]);
        if ((cb & 0xC0) != 0x80) {
          valid = false;
        } else {
          cp = (cp << 6) | (cb & 0x3Fu);
        }
      }
      if (valid && (cp < min_cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) valid = false;
      if (valid) {
        piece.assign(raw.substr(i, len));
        used = len;
      } else {
        piece = "?";
      }
    }
    if (out.size() + piece.size() > max_bytes) {
      cut = true;
      break;
    }
    out.append(piece);
    i += used;
  }
  if (cut) {
    // Make room for the ellipsis without splitting a character.
    const size_t keep = max_bytes >= 3 ? max_bytes - 3 : 0;
    while (out.size() > keep) {
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
      if (!out.empty()) out.pop_back();
    }
    out.append("...");
  }
  return out;
}

std::optional<std::string> DecodeBase64Prefix(std::string_view b64) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t taken = 0;
  for (char c : b64) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') break;
    const int v = value(c);
    if (v < 0) return std::nullopt;
    if (taken++ >= kMaxBase64Input) break;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFFu));
    }
  }
  return out;
}

std::vector<std::string> ExtractCweIds(std::string_view text) {
  std::vector<std::string> out;
  auto add = [&](std::string_view digits) {
    if (out.size() >= kMaxIds) return;
    std::string id = "CWE-" + std::string(digits);
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
  };
  constexpr std::string_view kLink = "cwe.mitre.org/data/definitions/";
  for (size_t i = 0; i < text.size(); ++i) {
    size_t start = std::string_view::npos;
    if (StartsWithNoCase(text.substr(i), "cwe-") || StartsWithNoCase(text.substr(i), "cwe ")) {
      if (i > 0 && std::isalnum(static_cast<unsigned char>(text[i - 1]))) continue;
      start = i + 4;
    } else if (StartsWithNoCase(text.substr(i), kLink)) {
      start = i + kLink.size();
    } else {
      continue;
    }
    size_t end = start;
    while (end < text.size() && IsDigit(text[end]) && end - start < 6) ++end;
    if (end > start) add(text.substr(start, end - start));
    i = end > i ? end - 1 : i;
  }
  return out;
}

std::vector<std::string> ExtractCveIds(std::string_view text) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 13 <= text.size(); ++i) {
    if (!StartsWithNoCase(text.substr(i), "cve-")) continue;
    if (i > 0 && std::isalnum(static_cast<unsigned char>(text[i - 1]))) continue;
    size_t p = i + 4;
    size_t year_end = p;
    while (year_end < text.size() && IsDigit(text[year_end])) ++year_end;
    if (year_end - p != 4 || year_end >= text.size() || text[year_end] != '-') continue;
    size_t seq = year_end + 1;
    size_t seq_end = seq;
    while (seq_end < text.size() && IsDigit(text[seq_end]) && seq_end - seq < 8) ++seq_end;
    if (seq_end - seq < 4) continue;
    if (out.size() >= kMaxIds) break;
    std::string id = "CVE-" + std::string(text.substr(p, 4)) + "-" + std::string(text.substr(seq, seq_end - seq));
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
    i = seq_end - 1;
  }
  return out;
}

std::vector<std::string> ExtractUrls(std::string_view text) {
  std::vector<std::string> out;
  auto add = [&](std::string url) {
    while (!url.empty() && (url.back() == '.' || url.back() == ',' || url.back() == ';' || url.back() == ':')) {
      url.pop_back();
    }
    if (!(url.starts_with("http://") || url.starts_with("https://")) || url.size() <= 8) return;
    url = CleanText(url, 2048);
    if (std::find(out.begin(), out.end(), url) == out.end()) out.push_back(std::move(url));
  };
  const std::string lower = Lower(text);
  if (lower.find("href=") != std::string::npos) {
    size_t pos = 0;
    while (out.size() < kMaxIds && (pos = lower.find("href=", pos)) != std::string::npos) {
      pos += 5;
      if (pos >= text.size()) break;
      const char quote = text[pos];
      size_t end = std::string_view::npos;
      if (quote == '"' || quote == '\'') {
        ++pos;
        end = text.find(quote, pos);
      } else {
        end = text.find_first_of(" >", pos);
      }
      if (end == std::string_view::npos) end = text.size();
      std::string decoded;
      const std::string_view raw = text.substr(pos, end - pos);
      for (size_t i = 0; i < raw.size();) {
        const size_t used = raw[i] == '&' ? DecodeEntity(raw, i, decoded) : 0;
        if (used > 0) {
          i += used;
        } else {
          decoded.push_back(raw[i++]);
        }
      }
      add(std::string(Trim(decoded)));
      pos = end;
    }
    return out;
  }
  size_t pos = 0;
  while (pos < text.size() && out.size() < kMaxIds) {
    const size_t start = lower.find("http", pos);
    if (start == std::string::npos) break;
    const std::string_view rest = std::string_view(lower).substr(start + 4);
    if (!rest.starts_with("://") && !rest.starts_with("s://")) {
      pos = start + 4;
      continue;
    }
    size_t end = start;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) &&
           std::string_view("\"'<>()[]{}").find(text[end]) == std::string_view::npos) {
      ++end;
    }
    add(std::string(text.substr(start, end - start)));
    pos = end;
  }
  return out;
}

void AppendUnique(std::vector<std::string>& into, const std::vector<std::string>& more) {
  for (const auto& m : more) {
    if (into.size() >= kMaxIds) return;
    if (std::find(into.begin(), into.end(), m) == into.end()) into.push_back(m);
  }
}

ParseError IssueError(long index, std::string field, std::string reason) {
  return ParseError{index, std::move(field), std::move(reason)};
}

std::optional<ParseError> ValidateIssue(BurpIssue& issue, std::string_view raw_severity,
                                        std::string_view raw_confidence, const IssueFields& f) {
  if (Trim(issue.name).empty()) {
    return IssueError(issue.index, std::string(f.name), "required field is missing or empty");
  }
  const std::string origin = NormaliseOrigin(issue.origin);
  if (origin.empty()) {
    return IssueError(issue.index, std::string(f.origin),
                      Trim(issue.origin).empty() ? "required field is missing or empty"
                                                 : "'" + CleanText(issue.origin, 200) + "' names no host");
  }
  issue.origin = origin;
  if (Trim(issue.path).empty()) {
    return IssueError(issue.index, std::string(f.path), "required field is missing or empty");
  }
  issue.severity = CanonicalBurpSeverity(raw_severity);
  if (issue.severity.empty()) {
    return IssueError(issue.index, std::string(f.severity),
                      Trim(raw_severity).empty() ? "required field is missing or empty"
                                                 : "unknown severity '" + CleanText(raw_severity, 100) +
                                                       "' (expected High, Medium, Low or Information)");
  }
  issue.confidence = CanonicalBurpConfidence(raw_confidence);
  if (issue.confidence.empty() && !Trim(raw_confidence).empty()) {
    return IssueError(issue.index, std::string(f.confidence),
                      "unknown confidence '" + CleanText(raw_confidence, 100) +
                          "' (expected Certain, Firm or Tentative)");
  }
  issue.name = CleanText(Trim(issue.name), 1024);
  issue.path = CleanText(Trim(issue.path), 4096);
  issue.location = CleanText(Trim(issue.location.empty() ? issue.path : issue.location), 4096);
  return std::nullopt;
}

void BurpIssueSet::Add(BurpIssue issue) {
  const std::string key = IdentityOf(issue) + '\n' + issue.origin;
  const auto [it, inserted] = by_key_.emplace(key, groups_.size());
  if (inserted) groups_.emplace_back();
  groups_[it->second].push_back(std::move(issue));
}

void BurpIssueSet::Finish(const ParseContext& ctx, ParsedBatch& out) {
  if (ctx.zone_resolver != nullptr && !groups_.empty()) {
    // One round trip for every origin of the document (a remote graph batches it).
    std::set<std::string> unique;
    for (const auto& group : groups_) unique.insert(group.front().origin);
    const std::vector<std::string> origins(unique.begin(), unique.end());
    ctx.zone_resolver->Prefetch(origins);
  }
  for (const auto& group : groups_) {
    // The most exploitable instance speaks for the group (then severity, then confidence,
    // then document order).
    const BurpIssue* rep = &group.front();
    for (const auto& i : group) {
      const auto rank = [](const BurpIssue& x) {
        return std::array<int, 3>{ExploitabilityOrder(BurpExploitability(x.severity, x.confidence)),
                                  SeverityOrder(x.severity), ConfidenceOrder(x.confidence)};
      };
      if (rank(i) > rank(*rep)) rep = &i;
    }

    Exposure e;
    e.source_tool = std::string(kTool);
    e.title = rep->name;
    e.asset_id = rep->origin;
    e.asset_type = std::string(kAssetType);
    e.original_severity = rep->confidence.empty() ? rep->severity : rep->severity + "/" + rep->confidence;
    e.evidence_url = CleanText(rep->origin + rep->path, 4096);
    e.remediation_guidance = CleanText(rep->remediation, kMaxFieldText);

    std::vector<std::string> parts;
    if (!rep->detail.empty()) parts.push_back(rep->detail);
    if (!rep->background.empty()) parts.push_back(rep->background);
    if (group.size() == 1) {
      parts.push_back("Location: " + rep->location);
    } else {
      std::string locs = "Locations (" + std::to_string(group.size()) + "):";
      for (size_t k = 0; k < group.size() && k < kMaxLocationsListed; ++k) locs += "\n- " + group[k].location;
      if (group.size() > kMaxLocationsListed) {
        locs += "\n- ... and " + std::to_string(group.size() - kMaxLocationsListed) + " more";
      }
      parts.push_back(std::move(locs));
    }
    if (!rep->request.empty()) parts.push_back("Request:\n" + RequestExcerpt(rep->request));
    if (!rep->response.empty()) parts.push_back("Response: " + FirstLine(rep->response));
    if (!rep->evidence_note.empty()) parts.push_back("Evidence: " + rep->evidence_note);
    std::string description;
    for (const auto& part : parts) {
      if (!description.empty()) description += "\n\n";
      description += part;
    }
    e.description = CleanText(description, kMaxDescription);

    for (const auto& i : group) {
      AppendUnique(e.cwe_ids, i.cwe_ids);
      AppendUnique(e.cve_ids, i.cve_ids);
      AppendUnique(e.reference_urls, i.reference_urls);
    }

    // Zone-driven: the resolver's placement of the origin wins; else the seed's Wiz name
    // heuristics on the host name.
    const std::string zone = ClassifyWizZone(HostName(rep->origin));
    PlaceInZone(e, zone, StaticZoneConsequence(zone), ConsequencePolicy::kZoneDriven, ctx);
    const Exploitability x = BurpExploitability(rep->severity, rep->confidence);
    e.severity = ComputeCtemSeverity(x, e.physical_consequence);
    e.exploitability_score = ExploitabilityScore(x);
    e.ctem_score = WizCtemScore(x, e.physical_consequence);
    e.exposure_key = GenerateExposureKey(kTool, IdentityOf(*rep), rep->origin);
    StampTimes(e, ctx);
    out.exposures.push_back(std::move(e));
  }
  groups_.clear();
  by_key_.clear();
}

}  // namespace burp
}  // namespace ctem::parsers
