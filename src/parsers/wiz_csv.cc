// Wiz CSV exports: the Issues export (Issues page > Export > CSV; 32 columns: Created At,
// Title, Severity, Status, Description, Resource Type, Resource external ID, ...) and the
// vulnerability-findings export (Vulnerability Findings > Export; ID, WizURL, Name,
// CVSSSeverity, FindingStatus, VendorSeverity, DetailedName, Version, FixedVersion, ...).
//
// Parsed with libcsv in strict RFC 4180 mode: quoted cells may span lines and hold JSON
// with doubled quotes; cells are taken verbatim (no space trimming). Columns are found by
// name (case, spaces and underscores ignored), so their order and extra columns do not matter.
// A malformed record is reported with its line and skipped; the reader then resumes at the
// next line that starts a well-formed record.
#include <csv.h>

#include <cctype>
#include <deque>
#include <map>
#include <vector>

#include "parsers/seed_parsers.h"
#include "parsers/wiz_native.h"

namespace ctem::parsers::wiz {
namespace {

constexpr unsigned char kCsvOptions = CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL;

// RFC 4180: spaces are part of a cell. libcsv trims unquoted cells unless told otherwise.
int NoSpaceIsTrimmed(unsigned char /*c*/) {
  return 0;
}

struct CsvEvent {
  enum Kind { kRow, kError, kEnd };
  Kind kind = kEnd;
  long line = 0;        // the line the record starts on (1-based)
  long error_line = 0;  // kError: the line where the fault is
  std::vector<std::string> cells;
  std::string reason;
};

// Pull reader over libcsv: one event per record, per malformed record, then kEnd.
class CsvReader {
 public:
  explicit CsvReader(std::string_view document) : doc_(document) { Init(); }
  ~CsvReader() { csv_free(&parser_); }
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  CsvEvent Next() {
    while (true) {
      if (!queue_.empty()) {
        CsvEvent ev = std::move(queue_.front());
        queue_.pop_front();
        return ev;
      }
      if (finished_) return CsvEvent{};
      if (pos_ >= doc_.size()) {
        finished_ = true;
        if (csv_fini(&parser_, OnField, OnRow, this) != 0) {
          queue_.push_back({CsvEvent::kError,
                            record_line_,
                            line_,
                            {},
                            "the document ends inside a quoted cell (a closing quote is missing; "
                            "was the file truncated?)"});
          fields_.clear();
        }
        continue;
      }
      size_t end = doc_.find('\n', pos_);
      end = end == std::string_view::npos ? doc_.size() : end + 1;
      ++line_;
      if (parser_.pstate == 0) record_line_ = line_;  // no record in progress: one starts here
      const size_t len = end - pos_;
      const size_t used = csv_parse(&parser_, doc_.data() + pos_, len, OnField, OnRow, this);
      if (used != len) {
        std::string reason =
            "malformed CSV at line " + std::to_string(line_) + ", column " + std::to_string(used + 1) + ": ";
        if (csv_error(&parser_) != CSV_EPARSE) {
          reason += csv_strerror(csv_error(&parser_));
        } else if (parser_.quoted != 0) {
          reason += "unexpected text after the closing quote of a quoted cell";
        } else {
          reason += "a quote inside an unquoted cell (quote the cell and double the quote)";
        }
        queue_.push_back({CsvEvent::kError, record_line_, line_, {}, std::move(reason)});
        fields_.clear();
        csv_free(&parser_);
        Init();  // resume at the next line
      }
      pos_ = end;
    }
  }

  long lines_read() const { return line_; }

 private:
  void Init() {
    parser_ = csv_parser{};
    csv_init(&parser_, kCsvOptions);
    csv_set_space_func(&parser_, NoSpaceIsTrimmed);
  }
  static void OnField(void* data, size_t len, void* self) {
    auto* r = static_cast<CsvReader*>(self);
    if (data == nullptr || len == 0) {
      r->fields_.emplace_back();
    } else {
      r->fields_.emplace_back(static_cast<const char*>(data), len);
    }
  }
  static void OnRow(int /*terminator*/, void* self) {
    auto* r = static_cast<CsvReader*>(self);
    r->queue_.push_back({CsvEvent::kRow, r->record_line_, 0, std::move(r->fields_), {}});
    r->fields_.clear();
  }

  std::string_view doc_;
  size_t pos_ = 0;
  long line_ = 0;
  long record_line_ = 1;
  bool finished_ = false;
  csv_parser parser_{};
  std::vector<std::string> fields_;
  std::deque<CsvEvent> queue_;
};

// "Resource external ID" -> "resourceexternalid": column names compared without case,
// spaces or punctuation.
std::string ColumnKey(std::string_view name) {
  std::string key;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) key.push_back(static_cast<char>(std::tolower(u)));
  }
  return key;
}

enum class CsvFormat { kUnknown, kIssues, kVulnerabilities };

class Columns {
 public:
  explicit Columns(const std::vector<std::string>& header) : header_(header) {
    for (size_t i = 0; i < header.size(); ++i) index_.emplace(ColumnKey(header[i]), i);
  }
  bool Has(std::string_view name) const { return index_.count(ColumnKey(name)) != 0; }
  size_t size() const { return header_.size(); }
  const std::string& Name(size_t i) const { return header_[i]; }
  // The column's name as the header spells it, or `name` when the column is absent.
  std::string Spelled(std::string_view name) const {
    auto it = index_.find(ColumnKey(name));
    return it == index_.end() ? std::string(name) : header_[it->second];
  }
  // The cell of column `name`, "" when the column is absent.
  std::string_view Cell(const std::vector<std::string>& row, std::string_view name) const {
    auto it = index_.find(ColumnKey(name));
    if (it == index_.end() || it->second >= row.size()) return {};
    return row[it->second];
  }
  CsvFormat Detect() const {
    if (Has("Title") && (Has("Resource external ID") || Has("Issue ID"))) return CsvFormat::kIssues;
    if (Has("Name") && (Has("DetailedName") || Has("FindingStatus") || Has("VendorSeverity"))) {
      return CsvFormat::kVulnerabilities;
    }
    return CsvFormat::kUnknown;
  }

 private:
  std::vector<std::string> header_;
  std::map<std::string, size_t> index_;  // first column of each name wins
};

bool Blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string_view FirstNonBlank(std::initializer_list<std::string_view> values) {
  for (std::string_view v : values) {
    if (!Blank(v)) return v;
  }
  return {};
}

// URLs in a cell ("a, b", one per line, ...).
void AddUrls(std::string_view cell, std::vector<std::string>& out) {
  size_t pos = 0;
  while (pos < cell.size()) {
    const size_t b = cell.find_first_not_of(" ,;\t\r\n", pos);
    if (b == std::string_view::npos) break;
    size_t e = cell.find_first_of(" ,;\t\r\n", b);
    if (e == std::string_view::npos) e = cell.size();
    out.emplace_back(cell.substr(b, e - b));
    pos = e;
  }
}

bool IsTrue(std::string_view s) {
  return s == "true" || s == "TRUE" || s == "True";
}

class CsvRows {
 public:
  CsvRows(const Columns& cols, CsvFormat format, const ParseContext& ctx)
      : cols_(cols), format_(format), ctx_(ctx) {}

  // One well-formed data row -> an exposure, or the reason it is rejected.
  bool Normalise(const std::vector<std::string>& row, Exposure& e, FieldError& err) const {
    for (size_t i = 0; i < row.size(); ++i) {
      if (!simdjson::validate_utf8(row[i])) {
        err.Set(cols_.Name(i), "the cell is not valid UTF-8 (export the CSV as UTF-8)");
        return false;
      }
    }
    return format_ == CsvFormat::kIssues ? Issue(row, e, err) : Vulnerability(row, e, err);
  }

 private:
  std::string_view Cell(const std::vector<std::string>& row, std::string_view name) const {
    return cols_.Cell(row, name);
  }

  bool Issue(const std::vector<std::string>& row, Exposure& e, FieldError& err) const {
    const std::string_view title = Cell(row, "Title");
    if (Blank(title)) {
      err.Set(cols_.Spelled("Title"), "required cell is empty");
      return false;
    }
    const std::string_view asset =
        FirstNonBlank({Cell(row, "Resource external ID"), Cell(row, "Resource vertex ID")});
    if (asset.empty()) {
      err.Set(cols_.Spelled("Resource external ID"),
              "required cell is empty (and there is no 'Resource vertex ID' either)");
      return false;
    }
    std::string zone = ClassifyWizZone(Cell(row, "Resource Name"));
    ZoneFromTagsText(Cell(row, "Resource Tags"), cols_.Spelled("Resource Tags"), zone, err);
    if (err.set) return false;

    e.title = std::string(title);
    e.asset_id = std::string(asset);
    const std::string_view type = Cell(row, "Resource Type");
    e.asset_type = Blank(type) ? "CloudResource" : std::string(type);
    const std::string_view severity = Cell(row, "Severity");
    e.original_severity = Blank(severity) ? "MEDIUM" : std::string(severity);
    e.description = std::string(Cell(row, "Description"));
    e.remediation_guidance = std::string(Cell(row, "Remediation Recommendation"));
    e.evidence_url = std::string(Cell(row, "Wiz URL"));
    AddUrls(Cell(row, "Ticket URLs"), e.reference_urls);
    AddUrls(Cell(row, "Cloud Provider URL"), e.reference_urls);
    e.tool_status = MapStatus(Cell(row, "Status"));
    Score(e, zone, ctx_);
    return true;
  }

  bool Vulnerability(const std::vector<std::string>& row, Exposure& e, FieldError& err) const {
    const std::string_view id = Cell(row, "Name");
    if (Blank(id)) {
      err.Set(cols_.Spelled("Name"), "required cell is empty (the vulnerability's ID)");
      return false;
    }
    const std::string_view asset = FirstNonBlank({Cell(row, "ProviderUniqueId"), Cell(row, "AssetID")});
    if (asset.empty()) {
      err.Set(cols_.Spelled("ProviderUniqueId"), "required cell is empty (and there is no 'AssetID' either)");
      return false;
    }
    std::string zone = ClassifyWizZone(Cell(row, "AssetName"));
    ZoneFromTagsText(Cell(row, "Tags"), cols_.Spelled("Tags"), zone, err);
    if (err.set) return false;

    VulnFacts v;
    v.id = std::string(id);
    v.package = std::string(Cell(row, "DetailedName"));
    v.version = std::string(Cell(row, "Version"));
    v.fixed_version = std::string(Cell(row, "FixedVersion"));
    v.location = std::string(Cell(row, "LocationPath"));
    v.detection = std::string(Cell(row, "DetectionMethod"));
    v.has_exploit = IsTrue(Cell(row, "HasExploit"));
    v.cisa_kev = IsTrue(Cell(row, "HasCisaKevExploit"));
    v.vendor_text = std::string(Cell(row, "Description"));

    e.title = VulnTitle(v.id, v.package);
    e.asset_id = std::string(asset);
    const std::string_view type = Cell(row, "AssetType");
    e.asset_type = Blank(type) ? "CloudResource" : std::string(type);
    const std::string_view severity =
        FirstNonBlank({Cell(row, "Severity"), Cell(row, "VendorSeverity"), Cell(row, "CVSSSeverity")});
    e.original_severity = severity.empty() ? "MEDIUM" : std::string(severity);
    e.description = DescribeVuln(v);
    const std::string_view remediation = Cell(row, "Remediation");
    e.remediation_guidance = Blank(remediation) ? UpgradeAdvice(v) : std::string(remediation);
    e.evidence_url = std::string(Cell(row, "WizURL"));
    AddUrls(Cell(row, "Link"), e.reference_urls);
    if (IsCveId(v.id)) e.cve_ids.push_back(v.id);
    e.tool_status = MapStatus(Cell(row, "FindingStatus"));
    Score(e, zone, ctx_);
    return true;
  }

  const Columns& cols_;
  CsvFormat format_;
  const ParseContext& ctx_;
};

std::string Where(long line, long index) {
  return "line " + std::to_string(line) + " (data row " + std::to_string(index + 1) + "): ";
}

}  // namespace

bool ParseCsv(std::string_view document, const ParseContext& ctx, ParsedBatch& out) {
  CsvReader reader(document);
  CsvEvent header = reader.Next();
  if (header.kind != CsvEvent::kRow) return false;
  const Columns cols(header.cells);
  const CsvFormat format = cols.Detect();
  if (format == CsvFormat::kUnknown) return false;
  const CsvRows rows(cols, format, ctx);

  long index = 0;  // data rows, 0-based: the record index of errors
  // After a malformed record, lines that do not form a well-formed record are skipped; the
  // error of that record says which.
  std::optional<size_t> resync_error;
  long resync_from = 0;
  auto end_resync = [&](long last_skipped) {
    if (!resync_error) return;
    if (last_skipped >= resync_from) {
      out.errors[*resync_error].reason += "; lines " + std::to_string(resync_from) + "-" +
                                          std::to_string(last_skipped) +
                                          " did not form a well-formed record and were skipped";
    }
    resync_error.reset();
  };

  for (CsvEvent ev = reader.Next(); ev.kind != CsvEvent::kEnd; ev = reader.Next()) {
    if (ev.kind == CsvEvent::kError) {
      if (resync_error) continue;  // still looking for the next record
      ++out.received;
      out.errors.push_back({index, "", Where(ev.line, index) + ev.reason});
      resync_error = out.errors.size() - 1;
      resync_from = ev.error_line + 1;
      ++index;
      continue;
    }
    if (ev.cells.size() != cols.size()) {
      if (resync_error) continue;
      ++out.received;
      out.errors.push_back({index, "",
                            Where(ev.line, index) + "expected " + std::to_string(cols.size()) +
                                " cells as in the header, got " + std::to_string(ev.cells.size()) +
                                " (a truncated or misquoted row?)"});
      ++index;
      continue;
    }
    end_resync(ev.line - 1);
    ++out.received;
    Exposure e;
    FieldError err;
    if (rows.Normalise(ev.cells, e, err)) {
      out.exposures.push_back(std::move(e));
    } else {
      out.errors.push_back({index, err.field, Where(ev.line, index) + err.reason});
    }
    ++index;
  }
  end_resync(reader.lines_read());
  return true;
}

}  // namespace ctem::parsers::wiz
