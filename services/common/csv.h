// CSV as RFC 4180 describes it, as spreadsheets write it: comma-separated,
// fields optionally in double quotes, "" for a quote inside a quoted field,
// quoted fields may span lines, CRLF or LF line ends, an optional UTF-8
// byte-order mark. Blank lines are skipped.
#ifndef CONVENE_SERVICES_COMMON_CSV_H_
#define CONVENE_SERVICES_COMMON_CSV_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace convene {

struct CsvRecord {
  // 1-based line of the file on which the record starts.
  int line = 0;
  std::vector<std::string> cells;
};

// Parses a whole file. INVALID_ARGUMENT, naming the line, for a quote that is
// never closed or text after a closing quote.
absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text);

// One field ready to write: quoted when it holds a comma, quote or line break.
// A field that a spreadsheet would run as a formula (starting with =, +, -, @,
// tab or carriage return) is prefixed with an apostrophe, unless it is a plain
// number such as -3.5.
std::string CsvField(absl::string_view value);

// Fields joined with commas, ended with CRLF.
std::string CsvLine(const std::vector<std::string>& fields);

}  // namespace convene

#endif  // CONVENE_SERVICES_COMMON_CSV_H_
