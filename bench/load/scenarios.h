// The calls convene-load makes (driver.h runs them):
//  - echo: grpc.health.v1.Health/Check, the server stack with an empty handler (no credential, no
//    storage): the ceiling every other figure is compared with;
//  - add_participant: RegistrationService.AddParticipant, a new participant each call (unique name,
//    email and request_id), with the caller's credential;
//  - submit_response: SurveyService.SubmitResponse, one survey token each (used once, sent as the
//    call's credential as a respondent's phone does), answering every question of the survey.
// Each scenario spreads its calls over its channels by slot; every call carries a deadline.
#ifndef CONVENE_BENCH_LOAD_SCENARIOS_H_
#define CONVENE_BENCH_LOAD_SCENARIOS_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "bench/load/driver.h"
#include "convene/registration/v1/registration_service.grpc.pb.h"
#include "convene/survey/v1/survey_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace convene::load {

// `count` channels to `address`, each its own connection: a distinct channel argument keeps gRPC
// from sharing one subchannel between them.
std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& address, int count);

class EchoScenario : public Scenario {
 public:
  // Checks `service` ("" = the server as a whole).
  EchoScenario(const std::vector<std::shared_ptr<grpc::Channel>>& channels, std::string service,
               absl::Duration timeout);
  std::unique_ptr<Call> Start(int slot, grpc::CompletionQueue* cq, void* tag) override;

 private:
  std::vector<std::unique_ptr<grpc::health::v1::Health::Stub>> stubs_;
  std::string service_;
  absl::Duration timeout_;
};

class AddParticipantScenario : public Scenario {
 public:
  // Adds to `event_id` with `credential`; `run_id` makes emails and request ids unique across runs.
  AddParticipantScenario(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                         std::string event_id, std::string credential, std::string run_id,
                         absl::Duration timeout);
  std::unique_ptr<Call> Start(int slot, grpc::CompletionQueue* cq, void* tag) override;

 private:
  std::vector<std::unique_ptr<registration::v1::RegistrationService::Stub>> stubs_;
  std::string event_id_;
  std::string credential_;
  std::string run_id_;
  absl::Duration timeout_;
  std::atomic<int64_t> next_{0};
};

class SubmitResponseScenario : public Scenario {
 public:
  // Answers every question of `survey` once per token of `tokens`, in order.
  SubmitResponseScenario(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                         survey::v1::Survey survey, std::vector<std::string> tokens,
                         absl::Duration timeout);
  std::unique_ptr<Call> Start(int slot, grpc::CompletionQueue* cq, void* tag) override;

 private:
  std::vector<std::unique_ptr<survey::v1::SurveyService::Stub>> stubs_;
  survey::v1::Survey survey_;
  std::vector<std::string> tokens_;
  absl::Duration timeout_;
  std::atomic<size_t> next_{0};
};

// Valid answers to every question of `survey`, varied by `seed` (deterministic): a scale within the
// Likert points or rating range, an option of a choice or quiz (one to max_selections of a
// multiple choice), a number within its bounds, a short text.
std::vector<survey::v1::Answer> AnswersFor(const survey::v1::Survey& survey, uint64_t seed);

}  // namespace convene::load

#endif  // CONVENE_BENCH_LOAD_SCENARIOS_H_
