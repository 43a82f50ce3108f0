// The convene command: `convene NOUN VERB [ARGS] [FLAGS]`. Parses the command
// line, runs the command, prints its error as one sentence and exits 0 (done),
// 1 (the service or a file said no) or 2 (the command line was wrong).

#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/args.h"
#include "clients/cli/command.h"
#include "clients/cli/output.h"
#include "clients/cli/service_client.h"

namespace convene::cli {
namespace {

std::vector<Command> AllCommands() {
  std::vector<Command> all;
  for (auto group : {EventCommands(), ParticipantCommands(), AgendaCommands(), GroupsCommands(),
                     SurveyCommands(), ReportCommands(), AuthCommands(), StatusCommands()}) {
    for (auto& command : group) all.push_back(std::move(command));
  }
  return all;
}

// `text` as lines of at most 80 columns, the first indented by `first` spaces
// and the rest by `rest`. Breaks only between words outside brackets, so
// "[--theme THEME]" stays on one line.
std::string Wrap(absl::string_view text, int first, int rest) {
  constexpr int kWidth = 80;
  std::vector<std::string> words;
  int depth = 0;
  std::string word;
  for (char c : text) {
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (c == ' ' && depth == 0) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word.push_back(c);
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  // A flag and its value ("--end YYYY-MM-DD") stay together too.
  std::vector<std::string> units;
  for (std::string& w : words) {
    if (!units.empty() && absl::StartsWith(units.back(), "--") &&
        units.back().find(' ') == std::string::npos && w[0] != '-' && w[0] != '[') {
      absl::StrAppend(&units.back(), " ", w);
    } else {
      units.push_back(std::move(w));
    }
  }
  std::string out(first, ' ');
  int column = first;
  bool line_empty = true;
  for (const std::string& w : units) {
    const int width = DisplayWidth(w);
    if (!line_empty && column + 1 + width > kWidth) {
      absl::StrAppend(&out, "\n", std::string(rest, ' '));
      column = rest;
      line_empty = true;
    }
    if (!line_empty) {
      out.push_back(' ');
      ++column;
    }
    out += w;
    column += width;
    line_empty = false;
  }
  out.push_back('\n');
  return out;
}

std::string CommandUsage(const Command& command) {
  return absl::StrCat(Wrap(absl::StrCat("convene ", command.synopsis), 2, 6),
                      Wrap(command.summary, 4, 4));
}

// Usage for every command of `noun`, or for all commands when `noun` is empty.
std::string Usage(const std::vector<Command>& commands, absl::string_view noun) {
  std::string out = "usage: convene NOUN VERB [ARGUMENTS] [FLAGS]\n\n";
  for (const Command& command : commands) {
    if (noun.empty() || command.noun == noun) out += CommandUsage(command);
  }
  absl::StrAppend(&out,
                  "\nFlags every command takes:\n"
                  "  --output table|json|csv   how to print results (default table)\n"
                  "  --timeout SECONDS         deadline of each call (default 30)\n"
                  "  --help                    this text\n"
                  "\nEnum values are written as shown (civil-society, in-person); case, "
                  "spaces\nand '-' or '_' do not matter.\n"
                  "Services are found at $CONVENE_<SERVICE>_ADDR, e.g. "
                  "CONVENE_REGISTRATION_ADDR\n(default 127.0.0.1:50051).\n"
                  "Your credential is read from $CONVENE_TOKEN, else the file named by\n"
                  "$CONVENE_TOKEN_FILE, else ~/.config/convene/token (chmod 600); an organiser\n"
                  "gives it to you with 'convene auth create'. With TLS, $CONVENE_TLS_CA names\n"
                  "the authority's certificate (and $CONVENE_TLS_CERT, $CONVENE_TLS_KEY your own\n"
                  "for mutual TLS).\n");
  return out;
}

bool IsNoun(const std::vector<Command>& commands, absl::string_view noun) {
  for (const Command& command : commands) {
    if (command.noun == noun) return true;
  }
  return false;
}

const Command* Find(const std::vector<Command>& commands, absl::string_view noun,
                    absl::string_view verb) {
  for (const Command& command : commands) {
    if (command.noun == noun && command.verb == verb) return &command;
  }
  return nullptr;
}

std::vector<std::string> Verbs(const std::vector<Command>& commands, absl::string_view noun) {
  std::vector<std::string> verbs;
  for (const Command& command : commands) {
    if (command.noun == noun) verbs.push_back(command.verb);
  }
  return verbs;
}

int Fail(const absl::Status& status, absl::string_view hint = "") {
  std::cerr << "error: " << status.message();
  if (IsUsageError(status)) {
    std::cerr << (hint.empty() ? "; run 'convene help' for usage" : std::string(hint));
  }
  std::cerr << "\n";
  return IsUsageError(status) ? kExitUsage : kExitFailure;
}

int Run(std::vector<std::string> tokens) {
  const std::vector<Command> commands = AllCommands();
  absl::StatusOr<GlobalOptions> options = ExtractGlobalOptions(tokens);
  if (!options.ok()) return Fail(options.status());

  // Help: `convene help [NOUN]`, `convene [NOUN [VERB]] --help`.
  const bool help_word = !tokens.empty() && tokens[0] == "help";
  if (help_word) tokens.erase(tokens.begin());
  if (options->help || help_word) {
    if (tokens.size() >= 2) {
      if (const Command* command = Find(commands, tokens[0], tokens[1])) {
        std::cout << "usage:\n" << CommandUsage(*command);
        return kExitOk;
      }
    }
    const std::string noun = !tokens.empty() && IsNoun(commands, tokens[0]) ? tokens[0] : "";
    std::cout << Usage(commands, noun);
    return kExitOk;
  }
  if (tokens.empty()) {
    std::cerr << Usage(commands, "");
    return kExitUsage;
  }

  const std::string noun = tokens[0];
  if (!IsNoun(commands, noun)) {
    return Fail(UsageError(absl::StrCat("unknown command \"", noun, "\"")));
  }
  const Command* command = Find(commands, noun, "");
  size_t used = 1;
  if (command == nullptr) {
    const std::string noun_help = absl::StrCat("; run 'convene ", noun, " --help' for usage");
    const std::string choices = absl::StrJoin(Verbs(commands, noun), ", ");
    if (tokens.size() < 2) {
      return Fail(UsageError(absl::StrCat("convene ", noun, " needs a command: ", choices)),
                  noun_help);
    }
    command = Find(commands, noun, tokens[1]);
    if (command == nullptr) {
      return Fail(UsageError(absl::StrCat("unknown command \"convene ", noun, " ", tokens[1],
                                          "\" (try ", choices, ")")),
                  noun_help);
    }
    used = 2;
  }
  const std::string command_name =
      command->verb.empty() ? noun : absl::StrCat(noun, " ", command->verb);
  const std::string command_help =
      absl::StrCat("; run 'convene ", command_name, " --help' for usage");

  Invocation invocation;
  invocation.out = &std::cout;
  invocation.err = &std::cerr;
  invocation.timeout = absl::Seconds(options->timeout_seconds);
  absl::StatusOr<OutputFormat> format = ParseOutputFormat(options->output);
  if (!format.ok()) return Fail(format.status());
  invocation.output = *format;

  absl::StatusOr<ParsedArgs> args =
      ParseArgs(std::vector<std::string>(tokens.begin() + used, tokens.end()), command->flags);
  if (!args.ok()) return Fail(args.status(), command_help);
  const size_t given = args->positional().size();
  const size_t wanted = command->positional.size();
  if (given + command->optional_positional < wanted) {
    return Fail(UsageError(absl::StrCat("convene ", command_name, " needs ",
                                        absl::StrJoin(command->positional.begin() + given,
                                                      command->positional.end(), " "))),
                command_help);
  }
  if (given > wanted && !command->repeat_last_positional) {
    return Fail(
        UsageError(absl::StrCat("unexpected argument \"", args->positional()[wanted], "\"")),
        command_help);
  }
  invocation.args = *std::move(args);

  if (absl::Status loaded = LoadCredentials(); !loaded.ok()) return Fail(loaded);
  absl::Status status = command->run(invocation);
  std::cout.flush();
  if (!status.ok()) return Fail(status, command_help);
  return kExitOk;
}

}  // namespace
}  // namespace convene::cli

int main(int argc, char** argv) {
  return convene::cli::Run(std::vector<std::string>(argv + 1, argv + argc));
}
