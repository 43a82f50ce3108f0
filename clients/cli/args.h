// Command-line arguments as the convene command reads them: flags written
// `--name value` or `--name=value`, switches written `--name`, positional
// arguments, and `--` ending the flags. Each command declares the flags it
// accepts, so a mistyped flag is reported instead of silently ignored.
#ifndef CONVENE_CLIENTS_CLI_ARGS_H_
#define CONVENE_CLIENTS_CLI_ARGS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace convene::cli {

// Exit codes: a usage error is the caller's to fix by rewording the command
// line; a failure is anything else (a service error, an unreadable file).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// An INVALID_ARGUMENT status marked as a usage error, so that main() can tell
// it from the service's own INVALID_ARGUMENT and exit with kExitUsage.
absl::Status UsageError(absl::string_view message);
bool IsUsageError(const absl::Status& status);

struct FlagSpec {
  enum class Kind {
    kValue,     // --name value, at most once
    kRepeated,  // --name value, any number of times, in order
    kSwitch,    // --name, no value
  };
  std::string name;  // without the leading "--"
  Kind kind = Kind::kValue;
};

class ParsedArgs {
 public:
  bool Has(absl::string_view name) const;
  // The flag's value, or "" when it was not given.
  std::string Get(absl::string_view name) const;
  // Every value of a repeated flag, in command-line order.
  std::vector<std::string> GetAll(absl::string_view name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  friend absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& tokens,
                                              absl::Span<const FlagSpec> specs);
  std::map<std::string, std::vector<std::string>, std::less<>> flags_;
  std::vector<std::string> positional_;
};

// Parses `tokens` against `specs`. Usage errors name the flag at fault: an
// unknown flag, a missing value, a value given to a switch, a single-valued
// flag given twice.
absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& tokens,
                                     absl::Span<const FlagSpec> specs);

// The options every command accepts anywhere on the line (--output, --timeout,
// --help), removed from `tokens` by ExtractGlobalOptions.
struct GlobalOptions {
  std::string output = "table";
  double timeout_seconds = 30;
  bool help = false;
};

// Takes the global options out of `tokens` wherever they appear (before `--`),
// leaving the rest in order.
absl::StatusOr<GlobalOptions> ExtractGlobalOptions(std::vector<std::string>& tokens);

}  // namespace convene::cli

#endif  // CONVENE_CLIENTS_CLI_ARGS_H_
