// What a convene command is: the words that select it, the flags it accepts,
// its usage text, and the function that runs it. Each noun's file
// (event_commands.cc, participant_commands.cc, agenda_commands.cc,
// groups_commands.cc, status_command.cc) returns its commands; main.cc
// dispatches among them.
#ifndef CONVENE_CLIENTS_CLI_COMMAND_H_
#define CONVENE_CLIENTS_CLI_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clients/cli/args.h"
#include "clients/cli/output.h"
#include "google/protobuf/message.h"

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
};

std::vector<Command> EventCommands();
std::vector<Command> ParticipantCommands();
std::vector<Command> StatusCommands();
std::vector<Command> AgendaCommands();
std::vector<Command> GroupsCommands();

// The value of a flag a command cannot do without, e.g. --event; a usage
// error when it is missing.
absl::StatusOr<std::string> RequiredFlag(const ParsedArgs& args, absl::string_view name);

// A whole number flag (--capacity, --limit) or `fallback` when not given.
absl::StatusOr<int> IntFlag(const ParsedArgs& args, absl::string_view name, int fallback);

// What an export command prints: with --output json the response message; otherwise `content` on
// standard output, or, with --out FILE, `content` written to FILE and `wrote_line` printed.
absl::Status WriteExport(const Invocation& in, const google::protobuf::Message& response,
                         const std::string& content, const std::string& wrote_line);

}  // namespace convene::cli

#endif  // CONVENE_CLIENTS_CLI_COMMAND_H_
