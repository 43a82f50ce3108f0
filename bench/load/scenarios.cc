#include "bench/load/scenarios.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "services/common/auth.h"
#include "services/common/client.h"

namespace convene::load {

namespace {

namespace reg = ::convene::registration::v1;
namespace sv = ::convene::survey::v1;
namespace health = ::grpc::health::v1;

// Countries of the region the workshops serve, given as ISO codes.
constexpr const char* kCountries[] = {"MY", "ID", "TH", "VN", "PH", "KH", "LA",
                                      "MM", "KZ", "KG", "UZ", "TJ", "MN", "TL"};

void SetDeadline(grpc::ClientContext& context, absl::Duration timeout) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

template <typename Stub>
std::vector<std::unique_ptr<Stub>> MakeStubs(
    const std::vector<std::shared_ptr<grpc::Channel>>& channels) {
  std::vector<std::unique_ptr<Stub>> stubs;
  for (const auto& channel : channels) stubs.push_back(std::make_unique<Stub>(channel));
  return stubs;
}

// SplitMix64: a small, well-mixed hash of a counter, for answers that vary from call to call.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& address, int count) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("convene.load.channel", i);
    channels.push_back(MakeChannel(address, args));
  }
  return channels;
}

EchoScenario::EchoScenario(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                           std::string service, absl::Duration timeout)
    : stubs_(MakeStubs<health::Health::Stub>(channels)),
      service_(std::move(service)),
      timeout_(timeout) {}

std::unique_ptr<Call> EchoScenario::Start(int slot, grpc::CompletionQueue* cq, void* tag) {
  auto call =
      std::make_unique<UnaryCall<health::HealthCheckRequest, health::HealthCheckResponse>>();
  call->request.set_service(service_);
  SetDeadline(call->context(), timeout_);
  health::Health::Stub& stub = *stubs_[slot % stubs_.size()];
  call->Begin(
      [&stub](grpc::ClientContext* context, const health::HealthCheckRequest& request,
              grpc::CompletionQueue* queue) {
        return stub.PrepareAsyncCheck(context, request, queue);
      },
      cq, tag);
  return call;
}

AddParticipantScenario::AddParticipantScenario(
    const std::vector<std::shared_ptr<grpc::Channel>>& channels, std::string event_id,
    std::string credential, std::string run_id, absl::Duration timeout)
    : stubs_(MakeStubs<reg::RegistrationService::Stub>(channels)),
      event_id_(std::move(event_id)),
      credential_(std::move(credential)),
      run_id_(std::move(run_id)),
      timeout_(timeout) {}

std::unique_ptr<Call> AddParticipantScenario::Start(int slot, grpc::CompletionQueue* cq,
                                                    void* tag) {
  const int64_t n = next_.fetch_add(1);
  auto call =
      std::make_unique<UnaryCall<reg::AddParticipantRequest, reg::AddParticipantResponse>>();
  reg::Participant& p = *call->request.mutable_participant();
  p.set_event_id(event_id_);
  p.set_name(absl::StrCat("Load Participant ", run_id_, " ", n));
  p.set_email(absl::StrCat("load.", run_id_, ".", n, "@example.org"));
  p.set_country(kCountries[n % std::size(kCountries)]);
  p.set_organization(absl::StrCat("Agency ", n % 97));
  p.set_sector(static_cast<reg::Sector>(1 + n % 9));
  p.set_gender(static_cast<reg::Gender>(1 + n % 4));
  p.set_role(reg::ROLE_PARTICIPANT);
  call->request.set_request_id(absl::StrCat("load-", run_id_, "-", n));
  SetDeadline(call->context(), timeout_);
  AddCredential(call->context(), credential_);
  reg::RegistrationService::Stub& stub = *stubs_[slot % stubs_.size()];
  call->Begin(
      [&stub](grpc::ClientContext* context, const reg::AddParticipantRequest& request,
              grpc::CompletionQueue* queue) {
        return stub.PrepareAsyncAddParticipant(context, request, queue);
      },
      cq, tag);
  return call;
}

SubmitResponseScenario::SubmitResponseScenario(
    const std::vector<std::shared_ptr<grpc::Channel>>& channels, sv::Survey survey,
    std::vector<std::string> tokens, absl::Duration timeout)
    : stubs_(MakeStubs<sv::SurveyService::Stub>(channels)),
      survey_(std::move(survey)),
      tokens_(std::move(tokens)),
      timeout_(timeout) {}

std::unique_ptr<Call> SubmitResponseScenario::Start(int slot, grpc::CompletionQueue* cq,
                                                    void* tag) {
  const size_t n = next_.fetch_add(1);
  if (n >= tokens_.size()) return nullptr;
  auto call = std::make_unique<UnaryCall<sv::SubmitResponseRequest, sv::SubmitResponseResponse>>();
  call->request.set_survey_id(survey_.id());
  call->request.set_token(tokens_[n]);
  for (sv::Answer& answer : AnswersFor(survey_, n)) {
    *call->request.add_answers() = std::move(answer);
  }
  SetDeadline(call->context(), timeout_);
  // A respondent calls with its survey token as the credential.
  AddCredential(call->context(), tokens_[n]);
  sv::SurveyService::Stub& stub = *stubs_[slot % stubs_.size()];
  call->Begin(
      [&stub](grpc::ClientContext* context, const sv::SubmitResponseRequest& request,
              grpc::CompletionQueue* queue) {
        return stub.PrepareAsyncSubmitResponse(context, request, queue);
      },
      cq, tag);
  return call;
}

std::vector<sv::Answer> AnswersFor(const sv::Survey& survey, uint64_t seed) {
  std::vector<sv::Answer> answers;
  uint64_t state = Mix(seed);
  auto pick = [&state](uint64_t n) {
    state = Mix(state);
    return n == 0 ? 0 : state % n;
  };
  for (const sv::Question& q : survey.questions()) {
    sv::Answer answer;
    answer.set_question_key(q.key());
    switch (q.kind_case()) {
      case sv::Question::kLikert:
        answer.set_scale(1 + static_cast<int>(pick(q.likert().points())));
        break;
      case sv::Question::kRating: {
        int low = q.rating().min(), high = q.rating().max();
        if (low == 0 && high == 0) high = 10;
        answer.set_scale(low + static_cast<int>(pick(high - low + 1)));
        break;
      }
      case sv::Question::kSingleChoice:
        answer.set_choice(q.single_choice().options(pick(q.single_choice().options_size())).key());
        break;
      case sv::Question::kMultipleChoice: {
        const auto& mc = q.multiple_choice();
        const int options = mc.options_size();
        const int most = mc.max_selections() > 0 ? std::min(mc.max_selections(), options) : options;
        const int least = std::max(1, mc.min_selections());
        const int chosen = least + static_cast<int>(pick(std::max(0, most - least) + 1));
        const int first = static_cast<int>(pick(options));
        for (int i = 0; i < chosen; ++i) {
          answer.mutable_selections()->add_option_keys(mc.options((first + i) % options).key());
        }
        break;
      }
      case sv::Question::kNumber: {
        const auto& num = q.number();
        const double low = num.has_min() ? num.min() : 0;
        const double high = num.has_max() ? num.max() : low + 100;
        double value = low + (high - low) * (pick(1000) / 999.0);
        if (num.integer()) value = std::clamp(std::round(value), std::ceil(low), std::floor(high));
        answer.set_number(value);
        break;
      }
      case sv::Question::kFreeText:
        answer.set_text(absl::StrCat("Peer exchange on case ", seed % 1000, " was most useful."));
        break;
      case sv::Question::kQuiz:
        answer.set_choice(q.quiz().options(pick(q.quiz().options_size())).key());
        break;
      case sv::Question::KIND_NOT_SET:
        continue;
    }
    answers.push_back(std::move(answer));
  }
  return answers;
}

}  // namespace convene::load
