#include "clients/cli/args.h"

#include <algorithm>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace convene::cli {
namespace {

constexpr absl::string_view kUsagePayload = "convene.cli/usage";

// Splits "--name=value" into name and value; `has_value` tells "--name=" (an
// explicit empty value) from "--name".
void SplitFlag(absl::string_view token, std::string* name, std::string* value, bool* has_value) {
  token.remove_prefix(2);
  size_t eq = token.find('=');
  *has_value = eq != absl::string_view::npos;
  *name = std::string(token.substr(0, eq));
  *value = *has_value ? std::string(token.substr(eq + 1)) : "";
}

bool LooksLikeFlag(absl::string_view token) {
  return absl::StartsWith(token, "--") && token.size() > 2;
}

}  // namespace

absl::Status UsageError(absl::string_view message) {
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kUsagePayload, absl::Cord("1"));
  return status;
}

bool IsUsageError(const absl::Status& status) {
  return status.GetPayload(kUsagePayload).has_value();
}

bool ParsedArgs::Has(absl::string_view name) const { return flags_.find(name) != flags_.end(); }

std::string ParsedArgs::Get(absl::string_view name) const {
  auto it = flags_.find(name);
  return it == flags_.end() || it->second.empty() ? "" : it->second.back();
}

std::vector<std::string> ParsedArgs::GetAll(absl::string_view name) const {
  auto it = flags_.find(name);
  return it == flags_.end() ? std::vector<std::string>() : it->second;
}

absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& tokens,
                                     absl::Span<const FlagSpec> specs) {
  ParsedArgs args;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& token = tokens[i];
    if (token == "--") {
      args.positional_.insert(args.positional_.end(), tokens.begin() + i + 1, tokens.end());
      break;
    }
    if (!LooksLikeFlag(token)) {
      // A lone "-" is a positional argument (standard input), any other
      // single-dash word is a flag this command does not know.
      if (token.size() > 1 && token[0] == '-') {
        return UsageError(absl::StrCat("unknown flag ", token));
      }
      args.positional_.push_back(token);
      continue;
    }
    std::string name, value;
    bool has_value;
    SplitFlag(token, &name, &value, &has_value);
    auto spec =
        std::find_if(specs.begin(), specs.end(), [&](const FlagSpec& s) { return s.name == name; });
    if (spec == specs.end()) {
      return UsageError(absl::StrCat("unknown flag --", name));
    }
    if (spec->kind == FlagSpec::Kind::kSwitch) {
      if (has_value) {
        return UsageError(absl::StrCat("--", name, " takes no value"));
      }
      args.flags_[name];  // present, with no values
      continue;
    }
    if (!has_value) {
      // "--theme --city X" almost always means a forgotten value, so a
      // following flag is not taken as the value.
      if (i + 1 >= tokens.size() || LooksLikeFlag(tokens[i + 1])) {
        return UsageError(absl::StrCat("--", name, " needs a value"));
      }
      value = tokens[++i];
    }
    std::vector<std::string>& values = args.flags_[name];
    if (spec->kind == FlagSpec::Kind::kValue && !values.empty()) {
      return UsageError(absl::StrCat("--", name, " is given more than once"));
    }
    values.push_back(std::move(value));
  }
  return args;
}

absl::StatusOr<GlobalOptions> ExtractGlobalOptions(std::vector<std::string>& tokens) {
  GlobalOptions options;
  std::vector<std::string> rest;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& token = tokens[i];
    if (token == "--") {
      rest.insert(rest.end(), tokens.begin() + i, tokens.end());
      break;
    }
    if (token == "--help" || token == "-h") {
      options.help = true;
      continue;
    }
    if (!LooksLikeFlag(token)) {
      rest.push_back(token);
      continue;
    }
    std::string name, value;
    bool has_value;
    SplitFlag(token, &name, &value, &has_value);
    if (name != "output" && name != "timeout") {
      rest.push_back(token);
      continue;
    }
    if (!has_value) {
      if (i + 1 >= tokens.size()) {
        return UsageError(absl::StrCat("--", name, " needs a value"));
      }
      value = tokens[++i];
    }
    if (name == "output") {
      options.output = value;
    } else if (!absl::SimpleAtod(value, &options.timeout_seconds) ||
               !(options.timeout_seconds > 0)) {
      return UsageError(
          absl::StrCat("--timeout must be a positive number of seconds, not \"", value, "\""));
    }
  }
  tokens = std::move(rest);
  return options;
}

}  // namespace convene::cli
