#include "clients/cli/command.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/status.h"

namespace convene::cli {

absl::StatusOr<std::string> RequiredFlag(const ParsedArgs& args, absl::string_view name) {
  std::string value = args.Get(name);
  if (value.empty()) {
    return UsageError(absl::StrCat("--", name, " is required"));
  }
  return value;
}

absl::StatusOr<int> IntFlag(const ParsedArgs& args, absl::string_view name, int fallback) {
  if (!args.Has(name)) return fallback;
  int value;
  if (!absl::SimpleAtoi(args.Get(name), &value) || value < 0) {
    return UsageError(
        absl::StrCat("--", name, " must be a whole number, not \"", args.Get(name), "\""));
  }
  return value;
}

absl::StatusOr<std::string> ReadInput(const std::string& path) {
  std::ostringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  text << file.rdbuf();
  return text.str();
}

absl::StatusOr<std::vector<CsvRecord>> ReadCsvInput(const std::string& path,
                                                    absl::string_view columns) {
  const std::string shown_path = path == "-" ? "standard input" : path;
  CONVENE_ASSIGN_OR_RETURN(std::string text, ReadInput(path));
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(text);
  if (!records.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(shown_path, ", ", records.status().message()));
  }
  if (records->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        shown_path, " is empty; the first line must name the columns (", columns, ")"));
  }
  return records;
}

absl::Status WriteExport(const Invocation& in, const google::protobuf::Message& response,
                         const std::string& content, const std::string& wrote_line) {
  const std::string path = in.args.Get("out");
  if (!path.empty()) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << content;
    file.close();
    if (!file) {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
    }
  }
  if (in.output == OutputFormat::kJson) {
    *in.out << ToJson(response);
  } else if (path.empty()) {
    *in.out << content;
  } else {
    *in.out << wrote_line;
  }
  return absl::OkStatus();
}

}  // namespace convene::cli
