// What a convene command is: the words that select it, the flags it accepts,
// its usage text, and the function that runs it. Each noun's file
// (event_commands.cc, participant_commands.cc, agenda_commands.cc,
// groups_commands.cc, survey_commands.cc, report_commands.cc,
// status_command.cc, auth_commands.cc) returns its commands; main.cc dispatches among them.
#ifndef CONVENE_CLIENTS_CLI_COMMAND_H_
#define CONVENE_CLIENTS_CLI_COMMAND_H_

#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/cli/args.h"
#include "clients/cli/output.h"
#include "google/protobuf/message.h"
#include "services/common/csv.h"

namespace convene::cli {

// One run of a command: its parsed arguments, the global options, and where
// to write. Results go to `out`; progress and per-row problems go to `err`.
// The final error, if any, is the returned status, which main() prints.
struct Invocation {
  ParsedArgs args;
  OutputFormat output = OutputFormat::kTable;
  absl::Duration timeout = absl::Seconds(30);
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
};

struct Command {
  std::string noun;
  std::string verb;  // empty for a command that is a noun alone (status)
  // After "convene ": e.g. "event show EVENT_ID".
  std::string synopsis;
  std::string summary;
  std::vector<FlagSpec> flags;
  // Names of the positional arguments, all required, e.g. {"EVENT_ID"}.
  std::vector<std::string> positional;
  absl::Status (*run)(const Invocation& invocation) = nullptr;
  // How many of the last `positional` may be left out (agenda show
  // [SESSION_ID]); `run` tells by the number given.
  size_t optional_positional = 0;
  // Whether the last of `positional` may be given any number of times (report
  // compare EVENT_ID...); at least once unless optional.
  bool repeat_last_positional = false;
};

std::vector<Command> EventCommands();
std::vector<Command> ParticipantCommands();
std::vector<Command> StatusCommands();
std::vector<Command> AgendaCommands();
std::vector<Command> GroupsCommands();
std::vector<Command> SurveyCommands();
std::vector<Command> ReportCommands();
std::vector<Command> AuthCommands();

// The value of a flag a command cannot do without, e.g. --event; a usage
// error when it is missing.
absl::StatusOr<std::string> RequiredFlag(const ParsedArgs& args, absl::string_view name);

// A whole number flag (--capacity, --limit) or `fallback` when not given.
absl::StatusOr<int> IntFlag(const ParsedArgs& args, absl::string_view name, int fallback);

// What an export command prints: with --output json the response message; otherwise `content` on
// standard output, or, with --out FILE, `content` written to FILE and `wrote_line` printed.
absl::Status WriteExport(const Invocation& in, const google::protobuf::Message& response,
                         const std::string& content, const std::string& wrote_line);

// The whole of a file named on the command line, or of standard input for
// "-". NOT_FOUND naming the file when it cannot be read.
absl::StatusOr<std::string> ReadInput(const std::string& path);

// A CSV file (or "-") for an import: at least its header line. Errors name
// the file; `columns` says what the header holds, for the error about an
// empty file (e.g. "name,email,country,...").
absl::StatusOr<std::vector<CsvRecord>> ReadCsvInput(const std::string& path,
                                                    absl::string_view columns);

// Fills an import request (`header`, and `rows` of `line` and `cells`) from
// the records of ReadCsvInput. Column names are trimmed and lower-cased: the
// services match them, and spreadsheets add stray spaces and capitals.
template <typename ImportRequest>
void FillImportRequest(std::vector<CsvRecord> records, ImportRequest& request) {
  for (const std::string& name : records.front().cells) {
    request.add_header(absl::AsciiStrToLower(absl::StripAsciiWhitespace(name)));
  }
  for (size_t i = 1; i < records.size(); ++i) {
    auto* row = request.add_rows();
    row->set_line(records[i].line);
    for (std::string& cell : records[i].cells) row->add_cells(std::move(cell));
  }
}

// Prints an import's row errors on stderr, one per line ("line 5: email:
// ..."), and returns how many rows they concern (a row may have several).
// Without --skip-invalid the service imported nothing when any row is bad,
// and the returned error says so.
template <typename RowErrors>
absl::StatusOr<int> ReportRowErrors(const Invocation& in, const RowErrors& errors, int rows,
                                    bool skip_invalid) {
  std::set<int> bad_lines;
  for (const auto& error : errors) {
    *in.err << "line " << error.line() << ": " << error.field() << ": " << error.reason() << "\n";
    bad_lines.insert(error.line());
  }
  const int bad_rows = static_cast<int>(bad_lines.size());
  if (bad_rows > 0 && !skip_invalid) {
    return absl::FailedPreconditionError(
        absl::StrCat("nothing imported: ", bad_rows, " of ", rows,
                     " rows are invalid (fix them, or import the rest with --skip-invalid)"));
  }
  return bad_rows;
}

}  // namespace convene::cli

#endif  // CONVENE_CLIENTS_CLI_COMMAND_H_
