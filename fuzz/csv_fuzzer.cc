// ParseCsv (services/common/csv.h) on any bytes: the CLI reads every spreadsheet a user gives it
// with it. Besides not crashing, what it parses must survive being written back with CsvLine and
// read again (the formula guard adding its apostrophe where the header says it does).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_support.h"
#include "services/common/csv.h"

namespace {

using ::convene::CsvLine;
using ::convene::CsvRecord;
using ::convene::ParseCsv;

// What csv.h promises a written field reads back as: the value, behind an apostrophe when a
// spreadsheet would run it as a formula (and it is not a plain number).
std::string Guarded(const std::string& value) {
  double number;
  if (!value.empty() && absl::string_view("=+-@\t\r").find(value[0]) != absl::string_view::npos &&
      !absl::SimpleAtod(value, &number)) {
    return "'" + value;
  }
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  convene::fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(text);
  if (!records.ok()) {
    CONVENE_FUZZ_CHECK(absl::IsInvalidArgument(records.status()), records.status().ToString());
    return 0;
  }
  int last_line = 0;
  std::string written;
  std::vector<std::vector<std::string>> expected;
  for (const CsvRecord& record : *records) {
    CONVENE_FUZZ_CHECK(record.line > last_line, absl::StrCat("line ", record.line, " after ", last_line));
    CONVENE_FUZZ_CHECK(!record.cells.empty(), "a record without cells");
    last_line = record.line;
    // A lone empty cell is written as a blank line, which reading skips; a first cell that starts
    // with a byte-order mark loses it when read (a BOM starts the file).
    if (record.cells.size() == 1 && record.cells[0].empty()) continue;
    if (written.empty() && record.cells[0].rfind("\xEF\xBB\xBF", 0) == 0) continue;
    written += CsvLine(record.cells);
    std::vector<std::string> guarded;
    for (const std::string& cell : record.cells) guarded.push_back(Guarded(cell));
    expected.push_back(std::move(guarded));
  }
  absl::StatusOr<std::vector<CsvRecord>> again = ParseCsv(written);
  CONVENE_FUZZ_CHECK(again.ok(), absl::StrCat("CsvLine wrote what ParseCsv refuses: ",
                                              again.status().ToString()));
  CONVENE_FUZZ_CHECK(again->size() == expected.size(),
                     absl::StrCat(expected.size(), " records written, ", again->size(), " read"));
  for (size_t i = 0; i < expected.size(); ++i) {
    CONVENE_FUZZ_CHECK((*again)[i].cells == expected[i],
                       absl::StrCat("record ", i, " written as [", absl::StrJoin(expected[i], "|"),
                                    "] reads back as [", absl::StrJoin((*again)[i].cells, "|"),
                                    "]"));
  }
  return 0;
}
