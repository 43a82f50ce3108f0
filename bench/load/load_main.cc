// convene-load: a load generator for a running Convene stack (bench/README.md).
//
//   convene-load --scenario=echo [--address=H:P]
//   convene-load --scenario=add_participant --event_id=evt_...      (credential as for the CLI)
//   convene-load --scenario=submit_response --survey_id=srv_... --tokens_file=tokens.txt
//   common: --channels=8 --in_flight=64 --threads=2 --warmup_seconds=1
//           --duration_seconds=10 | --count=N   --timeout_seconds=10 --json
//
// Keeps --in_flight calls outstanding over --channels connections with gRPC's asynchronous API,
// and prints the throughput (successful calls per second after the warm-up), latency percentiles
// and failed calls by status code; with --json, one JSON object on standard output instead. The
// address defaults to the scenario's service as the CLI finds it (CONVENE_<SERVICE>_ADDR, else its
// default port); the credential for add_participant is the CLI's (CONVENE_TOKEN, else
// CONVENE_TOKEN_FILE, else ~/.config/convene/token). Exit status: 0 when every call succeeded, 1
// when any failed or the run could not start, 2 for wrong flags.
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "bench/load/driver.h"
#include "bench/load/scenarios.h"
#include "clients/cli/service_client.h"
#include "services/common/auth.h"
#include "services/common/client.h"
#include "services/common/ids.h"
#include "services/common/status.h"

ABSL_FLAG(std::string, scenario, "echo", "echo, add_participant or submit_response");
ABSL_FLAG(std::string, address, "",
          "HOST:PORT of the service; default: the scenario's service as the CLI finds it");
ABSL_FLAG(int, channels, 8, "connections to open (each its own TCP connection)");
ABSL_FLAG(int, in_flight, 64, "calls outstanding at any time, over all channels");
ABSL_FLAG(int, threads, 2, "polling threads (each with its own completion queue)");
ABSL_FLAG(double, warmup_seconds, 1, "calls started during the warm-up are not measured");
ABSL_FLAG(double, duration_seconds, 10, "measure this long (unless --count is given)");
ABSL_FLAG(int64_t, count, 0, "measure this many calls instead of a duration");
ABSL_FLAG(double, timeout_seconds, 10, "deadline of each call");
ABSL_FLAG(bool, json, false, "print one JSON object on standard output");
ABSL_FLAG(std::string, health_service, "", "echo: the service name to check (\"\" = the server)");
ABSL_FLAG(std::string, event_id, "", "add_participant: the event to add participants to");
ABSL_FLAG(std::string, survey_id, "", "submit_response: the open survey to answer");
ABSL_FLAG(std::string, tokens_file, "",
          "submit_response: survey tokens, one per line, each used once");

namespace convene::load {
namespace {

namespace sv = ::convene::survey::v1;

absl::StatusOr<std::vector<std::string>> ReadTokens(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::FailedPreconditionError(absl::StrCat(path, ": cannot be read"));
  std::vector<std::string> tokens;
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view token = absl::StripAsciiWhitespace(line);
    if (!token.empty()) tokens.emplace_back(token);
  }
  if (tokens.empty()) return absl::FailedPreconditionError(absl::StrCat(path, ": holds no token"));
  return tokens;
}

// The survey's questions, read with the first token as a respondent does (or with the user's
// credential when there is one).
absl::StatusOr<sv::Survey> FetchSurvey(const std::shared_ptr<grpc::Channel>& channel,
                                       const std::string& survey_id, const std::string& token,
                                       absl::Duration timeout) {
  auto stub = sv::SurveyService::NewStub(channel);
  sv::GetSurveyRequest request;
  request.set_survey_id(survey_id);
  sv::GetSurveyResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  AddCredential(context, CallCredential().empty() ? token : CallCredential());
  grpc::Status status = stub->GetSurvey(&context, request, &response);
  if (!status.ok()) {
    return absl::Status(FromGrpcStatus(status).code(),
                        absl::StrCat("reading survey ", survey_id, ": ", status.error_message()));
  }
  if (response.survey().state() != sv::SURVEY_STATE_OPEN) {
    return absl::FailedPreconditionError(absl::StrCat("survey ", survey_id, " is not open"));
  }
  return response.survey();
}

absl::StatusOr<std::unique_ptr<Scenario>> MakeScenario(const std::string& name,
                                                       const std::string& address,
                                                       absl::Duration timeout) {
  const auto channels = MakeChannels(address, absl::GetFlag(FLAGS_channels));
  if (name == "echo") {
    return std::make_unique<EchoScenario>(channels, absl::GetFlag(FLAGS_health_service), timeout);
  }
  if (name == "add_participant") {
    const std::string event_id = absl::GetFlag(FLAGS_event_id);
    if (event_id.empty()) return absl::InvalidArgumentError("--event_id is required");
    if (CallCredential().empty()) {
      return absl::FailedPreconditionError(
          "add_participant needs an organiser's credential: set CONVENE_TOKEN_FILE or "
          "CONVENE_TOKEN");
    }
    // The run's own id keeps emails and request ids apart from earlier runs on the same event.
    return std::make_unique<AddParticipantScenario>(channels, event_id, CallCredential(),
                                                    NewId("run"), timeout);
  }
  if (name == "submit_response") {
    const std::string survey_id = absl::GetFlag(FLAGS_survey_id);
    if (survey_id.empty()) return absl::InvalidArgumentError("--survey_id is required");
    if (absl::GetFlag(FLAGS_tokens_file).empty()) {
      return absl::InvalidArgumentError("--tokens_file is required");
    }
    CONVENE_ASSIGN_OR_RETURN(std::vector<std::string> tokens,
                             ReadTokens(absl::GetFlag(FLAGS_tokens_file)));
    CONVENE_ASSIGN_OR_RETURN(sv::Survey survey,
                             FetchSurvey(channels[0], survey_id, tokens[0], timeout));
    return std::make_unique<SubmitResponseScenario>(channels, std::move(survey), std::move(tokens),
                                                    timeout);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--scenario: \"", name, "\" is not one of echo, add_participant, submit_response"));
}

void PrintText(const std::string& scenario, const std::string& address, const Options& options,
               const Result& result) {
  std::cout << absl::StrFormat(
      "%s at %s: %d channels, %d in flight, %d threads\n"
      "calls      %d in %.2f s after %d warm-up calls%s\n"
      "throughput %.0f calls/s\n"
      "latency ms p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  mean %.3f\n",
      scenario, address, absl::GetFlag(FLAGS_channels), options.in_flight, options.threads,
      result.calls, result.seconds, result.warmup_calls,
      result.exhausted ? " (stopped: tokens used up)" : "", result.Throughput(),
      result.PercentileMs(0.5), result.PercentileMs(0.9), result.PercentileMs(0.99),
      result.PercentileMs(0.999), result.PercentileMs(1.0), result.MeanMs());
  if (result.errors.empty()) {
    std::cout << "errors     none\n";
    return;
  }
  std::vector<std::string> parts;
  for (const auto& [code, n] : result.errors) parts.push_back(absl::StrCat(CodeName(code), " ", n));
  std::cout << "errors     " << absl::StrJoin(parts, ", ") << "\n";
}

std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrFormat("\\u%04x", static_cast<int>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

void PrintJson(const std::string& scenario, const std::string& address, const Options& options,
               const Result& result) {
  std::vector<std::string> errors;
  for (const auto& [code, n] : result.errors) {
    errors.push_back(absl::StrCat(JsonString(CodeName(code)), ": ", n));
  }
  std::cout << absl::StrFormat(
                   "{\"scenario\": %s, \"address\": %s, \"channels\": %d, \"in_flight\": %d, "
                   "\"threads\": %d, \"calls\": %d, \"seconds\": %.3f, \"warmup_calls\": %d, "
                   "\"throughput\": %.1f, \"latency_ms\": {\"p50\": %.3f, \"p90\": %.3f, "
                   "\"p99\": %.3f, \"p999\": %.3f, \"max\": %.3f, \"mean\": %.3f}, "
                   "\"error_count\": %d, \"errors\": {%s}, \"exhausted\": %s}",
                   JsonString(scenario), JsonString(address), absl::GetFlag(FLAGS_channels),
                   options.in_flight, options.threads, result.calls, result.seconds,
                   result.warmup_calls, result.Throughput(), result.PercentileMs(0.5),
                   result.PercentileMs(0.9), result.PercentileMs(0.99), result.PercentileMs(0.999),
                   result.PercentileMs(1.0), result.MeanMs(), result.ErrorCount(),
                   absl::StrJoin(errors, ", "), result.exhausted ? "true" : "false")
            << std::endl;
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "convene-load --scenario=echo|add_participant|submit_response [--address=H:P] "
      "[--channels=8] [--in_flight=64] [--duration_seconds=10 | --count=N] [--json]; see "
      "bench/README.md");
  absl::ParseCommandLine(argc, argv);
  const std::string scenario_name = absl::GetFlag(FLAGS_scenario);
  Options options;
  options.in_flight = absl::GetFlag(FLAGS_in_flight);
  options.threads = absl::GetFlag(FLAGS_threads);
  options.warmup = absl::Seconds(absl::GetFlag(FLAGS_warmup_seconds));
  options.duration = absl::Seconds(absl::GetFlag(FLAGS_duration_seconds));
  options.count = absl::GetFlag(FLAGS_count);
  const absl::Duration timeout = absl::Seconds(absl::GetFlag(FLAGS_timeout_seconds));
  if (options.in_flight < 1 || options.threads < 1 || absl::GetFlag(FLAGS_channels) < 1 ||
      options.count < 0 || options.warmup < absl::ZeroDuration() ||
      (options.count == 0 && options.duration <= absl::ZeroDuration())) {
    std::cerr << "convene-load: --in_flight, --threads and --channels must be at least 1, "
                 "--count and --warmup_seconds not negative, --duration_seconds positive\n";
    return 2;
  }

  if (absl::Status loaded = cli::LoadCredentials(); !loaded.ok()) {
    std::cerr << "convene-load: " << loaded.message() << "\n";
    return 1;
  }
  std::string address = absl::GetFlag(FLAGS_address);
  if (address.empty()) {
    address = cli::ServiceAddress(scenario_name == "submit_response" ? "survey" : "registration");
  }
  absl::StatusOr<std::unique_ptr<Scenario>> scenario =
      MakeScenario(scenario_name, address, timeout);
  if (!scenario.ok()) {
    std::cerr << "convene-load: " << scenario.status().message() << "\n";
    return absl::IsInvalidArgument(scenario.status()) ? 2 : 1;
  }

  const Result result = Run(**scenario, options);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(scenario_name, address, options, result);
  } else {
    PrintText(scenario_name, address, options, result);
  }
  // The first message of each failed code, to say why without rerunning.
  for (const auto& [code, message] : result.first_messages) {
    std::cerr << "convene-load: " << CodeName(code) << ": " << message << "\n";
  }
  if (result.exhausted) {
    std::cerr << "convene-load: the survey tokens were used up before the run would have ended\n";
  }
  if (result.ErrorCount() > 0) return 1;
  if (result.calls == 0) {
    std::cerr << "convene-load: no call was measured (warm-up too long, or too few tokens)\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace convene::load

int main(int argc, char** argv) { return convene::load::Main(argc, argv); }
