#include "services/common/csv.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace convene {

absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string cell;
  int line = 1;
  size_t i = 0;
  bool record_started = false;  // any character of the current record seen
  auto end_cell = [&] {
    record.cells.push_back(std::move(cell));
    cell.clear();
  };
  auto end_record = [&] {
    if (record_started) {
      end_cell();
      records.push_back(std::move(record));
    }
    record = CsvRecord();
    cell.clear();
    record_started = false;
  };
  while (i < text.size()) {
    char c = text[i];
    if (!record_started) {
      record.line = line;
    }
    if (c == '"' && cell.empty()) {
      // A quoted field: runs to the next lone quote.
      record_started = true;
      const int start_line = line;
      ++i;
      while (true) {
        if (i >= text.size()) {
          return absl::InvalidArgumentError(
              absl::StrCat("line ", start_line, ": a quoted field is never closed"));
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            cell.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (text[i] == '\n') ++line;
        cell.push_back(text[i++]);
      }
      if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", line, ": text after a closing quote (write \"\" for a quote)"));
      }
      continue;
    }
    if (c == ',') {
      record_started = true;
      end_cell();
      ++i;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++i;
      end_record();
      ++line;
    } else {
      record_started = true;
      cell.push_back(c);
      ++i;
    }
  }
  end_record();
  return records;
}

std::string CsvField(absl::string_view value) {
  std::string out(value);
  if (!out.empty() && absl::string_view("=+-@\t\r").find(out[0]) != absl::string_view::npos) {
    double number;
    if (!absl::SimpleAtod(out, &number)) out.insert(0, "'");
  }
  if (out.find_first_of(",\"\r\n") == std::string::npos) return out;
  std::string quoted = "\"";
  for (char c : out) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

std::string CsvLine(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line.push_back(',');
    line += CsvField(fields[i]);
  }
  line += "\r\n";
  return line;
}

}  // namespace convene
