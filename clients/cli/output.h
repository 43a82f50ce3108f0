// How the convene command prints results: an aligned table that fits 80
// columns (the default, for people), pretty-printed JSON of the response
// message (for scripts), or CSV (for spreadsheets).
#ifndef CONVENE_CLIENTS_CLI_OUTPUT_H_
#define CONVENE_CLIENTS_CLI_OUTPUT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"

namespace convene::cli {

enum class OutputFormat { kTable, kJson, kCsv };

// "table", "json" or "csv"; a usage error otherwise.
absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view text);

// The message as protobuf's JSON mapping prints it: camelCase names, every
// field present (zeros and empty strings included), indented, ending in a
// newline.
std::string ToJson(const google::protobuf::Message& message);

struct Table {
  // Empty for a table without a header line.
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  // The columns that may be cut to fit, least important first: each is cut
  // down to a few characters before the next is touched. Other columns (ids,
  // which people copy into the next command) are never cut.
  std::vector<size_t> cut_order;
  // Columns left out whole, in this order, while the table is too wide; tried
  // before any cutting, so that what is shown stays readable (the CSV and JSON
  // outputs always carry every column).
  std::vector<size_t> drop_order;
};

// The width tables fit: the terminal's when standard output is one, else 80.
int OutputWidth();

// Columns separated by two spaces, padded to line up. When the natural widths
// exceed `width` (by default OutputWidth()), columns in `drop_order` are left
// out, then columns are narrowed in `cut_order` and their long cells end in
// "…". Widths count UTF-8 characters, not bytes.
std::string RenderTable(const Table& table, int width = 0);

// The header and rows as CSV lines (services/common/csv.h).
std::string RenderCsv(const Table& table);

// One record as "label  value" lines with the values lined up; fields with an
// empty value are left out.
std::string RenderRecord(const std::vector<std::pair<std::string, std::string>>& fields);

// Characters `text` takes on a terminal, counting each UTF-8 code point as
// one.
int DisplayWidth(absl::string_view text);

// `text` cut to at most `width` characters, the last one "…" when cut.
std::string Truncate(absl::string_view text, int width);

// RFC 3339 in UTC, or "" for an unset timestamp.
std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp);

}  // namespace convene::cli

#endif  // CONVENE_CLIENTS_CLI_OUTPUT_H_
