#include "clients/cli/output.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/args.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/csv.h"

namespace convene::cli {
namespace {

constexpr absl::string_view kEllipsis = "…";
constexpr absl::string_view kColumnGap = "  ";
// A column is never narrowed below this, so a cut cell still hints at its
// content.
constexpr int kMinColumnWidth = 6;

bool IsContinuationByte(char c) { return (c & 0xC0) == 0x80; }

std::string Pad(absl::string_view text, int width) {
  return absl::StrCat(text, std::string(std::max(0, width - DisplayWidth(text)), ' '));
}

}  // namespace

absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view text) {
  if (text == "table") return OutputFormat::kTable;
  if (text == "json") return OutputFormat::kJson;
  if (text == "csv") return OutputFormat::kCsv;
  return UsageError(absl::StrCat("--output must be table, json or csv, not \"", text, "\""));
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  std::string json;
  // Printing fails only for Any messages with unknown types, which Convene's
  // protos do not use.
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  if (json.empty() || json.back() != '\n') json.push_back('\n');
  return json;
}

int DisplayWidth(absl::string_view text) {
  int width = 0;
  for (char c : text) width += IsContinuationByte(c) ? 0 : 1;
  return width;
}

std::string Truncate(absl::string_view text, int width) {
  if (DisplayWidth(text) <= width) return std::string(text);
  if (width <= 0) return "";
  // Keep width - 1 characters, ending at a character boundary, then "…".
  int kept = 0;
  size_t end = 0;
  while (end < text.size()) {
    if (!IsContinuationByte(text[end])) {
      if (kept == width - 1) break;
      ++kept;
    }
    ++end;
  }
  return absl::StrCat(text.substr(0, end), kEllipsis);
}

int OutputWidth() {
  constexpr int kDefaultWidth = 80;
  winsize size{};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  return kDefaultWidth;
}

std::string RenderTable(const Table& table, int width) {
  if (width <= 0) width = OutputWidth();
  size_t columns = table.header.size();
  for (const auto& row : table.rows) columns = std::max(columns, row.size());
  std::vector<int> widths(columns, 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  };
  measure(table.header);
  for (const auto& row : table.rows) measure(row);

  // Narrow the columns in cut order until the line fits or nothing can be
  // narrowed further.
  int excess =
      static_cast<int>(columns > 0 ? columns - 1 : 0) * static_cast<int>(kColumnGap.size()) - width;
  for (int w : widths) excess += w;
  std::vector<bool> hidden(columns, false);
  for (size_t column : table.drop_order) {
    if (excess <= 0) break;
    if (column >= columns) continue;
    hidden[column] = true;
    excess -= widths[column] + static_cast<int>(kColumnGap.size());
  }
  for (size_t column : table.cut_order) {
    if (excess <= 0) break;
    if (column >= columns) continue;
    const int cut = std::min(excess, widths[column] - kMinColumnWidth);
    if (cut <= 0) continue;
    widths[column] -= cut;
    excess -= cut;
  }

  std::string out;
  auto render = [&](const std::vector<std::string>& row) {
    std::string line;
    bool first = true;
    for (size_t i = 0; i < columns; ++i) {
      if (hidden[i]) continue;
      std::string cell = Truncate(i < row.size() ? row[i] : "", widths[i]);
      if (!first) absl::StrAppend(&line, kColumnGap);
      first = false;
      line += Pad(cell, widths[i]);
    }
    // The last column is not padded, but an empty last cell can still leave
    // the gap behind.
    while (!line.empty() && line.back() == ' ') line.pop_back();
    absl::StrAppend(&out, line, "\n");
  };
  if (!table.header.empty()) render(table.header);
  for (const auto& row : table.rows) render(row);
  return out;
}

std::string RenderCsv(const Table& table) {
  std::string out = CsvLine(table.header);
  for (const auto& row : table.rows) out += CsvLine(row);
  return out;
}

std::string RenderRecord(const std::vector<std::pair<std::string, std::string>>& fields) {
  int label_width = 0;
  for (const auto& [label, value] : fields) {
    if (!value.empty()) label_width = std::max(label_width, DisplayWidth(label));
  }
  std::string out;
  for (const auto& [label, value] : fields) {
    if (value.empty()) continue;
    absl::StrAppend(&out, Pad(label, label_width), kColumnGap, value, "\n");
  }
  return out;
}

std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "";
  return google::protobuf::util::TimeUtil::ToString(timestamp);
}

}  // namespace convene::cli
