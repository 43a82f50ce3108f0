// The survey service's operations (services/survey/surveyor.h) on a fresh in-memory SQLite store
// per input: a SurveyCalls message (fuzz_inputs.proto) is a sequence of requests run in order.
// The store holds the demo's evaluation ("srv_eval", open, anonymous, three responses), pre-test
// ("srv_pre", open) and a draft of the evaluation ("srv_draft"); the clock stands at 2024-10-02
// 15:00 UTC. Update, open, close, import, coding, get, list and the response stream are the real
// Surveyor's. Create and submit ask registration first (the event; the respondent), so for them
// the rules those operations apply run instead (NormalizeSurvey; ValidateAnswers and QuizScore on
// an open survey) and what they accept is stored as the Surveyor would store it (new surveys get
// the ids "srv_new_0", ...).
//
// Properties: errors are the documented kinds, never INTERNAL, DATA_LOSS or UNKNOWN; the response
// stream reads back as StreamResponsesResponse messages; and at the end every stored response of
// every survey, read through the stream, holds answers its survey accepts unchanged (codes
// aside), with 0 <= score <= max_score as QuizScore counts them.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "fuzz/fuzz_inputs.pb.h"
#include "fuzz/fuzz_support.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/common/dates.h"
#include "services/common/requests.h"
#include "services/common/status.h"
#include "services/survey/survey_rules.h"
#include "services/survey/survey_store.h"
#include "services/survey/surveyor.h"

namespace {

namespace sv = ::convene::survey::v1;
using ::convene::survey::SurveyStore;
using ::convene::survey::Surveyor;

const absl::Time kNow = absl::FromUnixSeconds(1727881200);  // 2024-10-02T15:00:00Z

struct World {
  std::unique_ptr<SurveyStore> store;
  std::unique_ptr<Surveyor> surveyor;
  std::vector<std::string> surveys;
  int next_survey = 0;
  int next_response = 0;
};

void CheckStatus(const absl::Status& status, absl::string_view call) {
  const bool expected =
      status.ok() || absl::IsInvalidArgument(status) || absl::IsNotFound(status) ||
      absl::IsAlreadyExists(status) || absl::IsFailedPrecondition(status) ||
      absl::IsResourceExhausted(status) || absl::IsPermissionDenied(status);
  CONVENE_FUZZ_CHECK(expected, absl::StrCat(call, ": ", status.ToString()));
}

void Must(const absl::Status& status, absl::string_view what) {
  if (!status.ok()) convene::fuzz::Fail(__FILE__, __LINE__, absl::StrCat(what, ": ", status.ToString()));
}

void Insert(World& world, const sv::Survey& survey) {
  auto txn = world.store->BeginWrite();
  Must(txn->status(), "begin");
  Must(world.store->InsertSurvey(survey), "insert survey");
  Must(txn->Commit(), "commit");
  world.surveys.push_back(survey.id());
}

// Stores answers the rules accepted, as SubmitResponse does once the token and respondent are
// known.
void StoreResponse(World& world, const sv::Survey& survey, std::vector<sv::Answer> answers) {
  sv::Response stored;
  stored.set_id(absl::StrCat("rsp_", world.next_response++));
  stored.set_survey_id(survey.id());
  if (!survey.anonymous()) stored.set_participant_id("par_1");
  stored.mutable_attributes()->set_country("MY");
  const auto [score, max_score] = convene::survey::QuizScore(survey, answers);
  stored.set_score(score);
  stored.set_max_score(max_score);
  for (sv::Answer& a : answers) *stored.add_answers() = std::move(a);
  stored.set_source(sv::RESPONSE_SOURCE_TOKEN);
  convene::ToTimestamp(kNow, stored.mutable_submit_time());
  auto txn = world.store->BeginWrite();
  Must(txn->status(), "begin");
  Must(world.store->InsertResponse(stored, survey.anonymous()), "insert response");
  Must(txn->Commit(), "commit");
}

World NewWorld() {
  World world;
  auto store = SurveyStore::Open(":memory:");
  Must(store.status(), "open");
  world.store = std::move(*store);
  world.surveyor = std::make_unique<Surveyor>(world.store.get(), /*registration=*/nullptr,
                                              Surveyor::Options{.now = [] { return kNow; }});
  sv::Survey eval = convene::fuzz::DemoEvaluation();
  eval.set_state(sv::SURVEY_STATE_OPEN);
  Insert(world, eval);
  sv::Survey pre = convene::fuzz::DemoPretest();
  pre.set_state(sv::SURVEY_STATE_OPEN);
  Insert(world, pre);
  sv::Survey draft = convene::fuzz::DemoEvaluation();
  draft.set_id("srv_draft");
  draft.set_state(sv::SURVEY_STATE_DRAFT);
  Insert(world, draft);
  for (int i = 0; i < 3; ++i) {
    std::vector<sv::Answer> answers(3);
    answers[0].set_question_key("overall");
    answers[0].set_scale(3 + i);
    answers[1].set_question_key("objectives_met");
    answers[1].set_scale(5 - i);
    answers[2].set_question_key("most_useful");
    answers[2].set_text(i == 0 ? "Peers' experience sharing on whistle-blower protection."
                               : "The country roundtable on UNCAC review recommendations.");
    Must(convene::survey::ValidateAnswers(eval, answers), "demo answers");
    StoreResponse(world, eval, std::move(answers));
  }
  return world;
}

absl::Status Create(World& world, const sv::CreateSurveyRequest& request) {
  sv::Survey survey = request.survey();
  CONVENE_RETURN_IF_ERROR(convene::Required("survey.event_id", survey.event_id()));
  survey.clear_id();
  survey.clear_state();
  survey.clear_create_time();
  survey.clear_update_time();
  survey.clear_linked_survey_id();  // linking reads the other survey and its tokens: not here
  CONVENE_RETURN_IF_ERROR(convene::survey::NormalizeSurvey(survey));
  survey.set_id(absl::StrCat("srv_new_", world.next_survey++));
  survey.set_state(sv::SURVEY_STATE_DRAFT);
  Insert(world, survey);
  return absl::OkStatus();
}

absl::Status Submit(World& world, const sv::SubmitResponseRequest& request) {
  sv::GetSurveyRequest get;
  get.set_survey_id(request.survey_id());
  sv::GetSurveyResponse got;
  CONVENE_RETURN_IF_ERROR(world.surveyor->GetSurvey(get, &got));
  if (got.survey().state() != sv::SURVEY_STATE_OPEN) {
    return absl::FailedPreconditionError("not open");
  }
  std::vector<sv::Answer> answers(request.answers().begin(), request.answers().end());
  CONVENE_RETURN_IF_ERROR(convene::survey::ValidateAnswers(got.survey(), answers));
  StoreResponse(world, got.survey(), std::move(answers));
  return absl::OkStatus();
}

// Every response of `survey_id` through the stream, page by page (`page_size` as asked).
std::vector<sv::Response> Stream(World& world, const sv::StreamResponsesRequest& first,
                                 absl::Status* status) {
  std::vector<sv::Response> all;
  sv::StreamResponsesRequest request = first;
  for (int pages = 0;; ++pages) {
    CONVENE_FUZZ_CHECK(pages < 100000, "the stream never ends");
    std::string page, next;
    *status = world.surveyor->ResponsesPage(request, &page, &next);
    if (!status->ok()) return all;
    sv::StreamResponsesResponse message;
    CONVENE_FUZZ_CHECK(message.ParseFromString(page), "a stream page is not a message");
    CONVENE_FUZZ_CHECK(message.next_page_token() == next, "the page's token differs");
    for (const sv::Response& r : message.responses()) all.push_back(r);
    if (next.empty()) return all;
    request.set_page_token(next);
  }
}

void CheckStored(World& world) {
  for (const std::string& id : world.surveys) {
    sv::GetSurveyRequest get;
    get.set_survey_id(id);
    sv::GetSurveyResponse got;
    Must(world.surveyor->GetSurvey(get, &got), "get " + id);
    sv::StreamResponsesRequest request;
    request.set_survey_id(id);
    absl::Status status;
    for (const sv::Response& r : Stream(world, request, &status)) {
      std::vector<sv::Answer> answers(r.answers().begin(), r.answers().end());
      for (sv::Answer& a : answers) a.clear_codes();
      std::vector<sv::Answer> again = answers;
      const absl::Status valid = convene::survey::ValidateAnswers(got.survey(), again);
      CONVENE_FUZZ_CHECK(valid.ok(), absl::StrCat("stored response ", r.id(), " of ", id,
                                                  " is refused by its survey: ", valid.ToString()));
      CONVENE_FUZZ_CHECK(again.size() == answers.size(), "a stored response has empty answers");
      for (size_t i = 0; i < again.size(); ++i) {
        CONVENE_FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(again[i], answers[i]),
                           "a stored answer is not in its normal form: " +
                               answers[i].ShortDebugString());
      }
      const auto [score, max_score] = convene::survey::QuizScore(got.survey(), answers);
      CONVENE_FUZZ_CHECK(r.score() == score && r.max_score() == max_score,
                         absl::StrCat("stored score ", r.score(), "/", r.max_score(), ", counted ",
                                      score, "/", max_score));
    }
    Must(status, "stream " + id);
  }
}

template <typename Request, typename Response>
void Run(World& world, absl::Status (Surveyor::*method)(const Request&, Response*),
         const Request& request, absl::string_view call) {
  Response response;
  const absl::Status status = (world.surveyor.get()->*method)(request, &response);
  CheckStatus(status, call);
  if (!status.ok()) return;
  std::string bytes;
  Response copy;
  CONVENE_FUZZ_CHECK(response.SerializeToString(&bytes) && copy.ParseFromString(bytes),
                     absl::StrCat(call, ": the response cannot be read back"));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  convene::fuzz::QuietProtobuf();
  convene::fuzz::DemoEvaluation();
  convene::fuzz::DemoPretest();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  convene::fuzz::SurveyCalls calls;
  if (!calls.ParseFromArray(data, static_cast<int>(size))) return 0;
  if (calls.calls_size() > 64) return 0;
  World world = NewWorld();
  for (const convene::fuzz::SurveyCall& call : calls.calls()) {
    switch (call.request_case()) {
      case convene::fuzz::SurveyCall::kCreateSurvey:
        CheckStatus(Create(world, call.create_survey()), "CreateSurvey");
        break;
      case convene::fuzz::SurveyCall::kGetSurvey:
        Run(world, &Surveyor::GetSurvey, call.get_survey(), "GetSurvey");
        break;
      case convene::fuzz::SurveyCall::kListSurveys:
        Run(world, &Surveyor::ListSurveys, call.list_surveys(), "ListSurveys");
        break;
      case convene::fuzz::SurveyCall::kUpdateSurvey:
        Run(world, &Surveyor::UpdateSurvey, call.update_survey(), "UpdateSurvey");
        break;
      case convene::fuzz::SurveyCall::kOpenSurvey:
        Run(world, &Surveyor::OpenSurvey, call.open_survey(), "OpenSurvey");
        break;
      case convene::fuzz::SurveyCall::kCloseSurvey:
        Run(world, &Surveyor::CloseSurvey, call.close_survey(), "CloseSurvey");
        break;
      case convene::fuzz::SurveyCall::kSubmitResponse:
        CheckStatus(Submit(world, call.submit_response()), "SubmitResponse");
        break;
      case convene::fuzz::SurveyCall::kImportResponses:
        Run(world, &Surveyor::ImportResponses, call.import_responses(), "ImportResponses");
        break;
      case convene::fuzz::SurveyCall::kCodeAnswers:
        Run(world, &Surveyor::CodeAnswers, call.code_answers(), "CodeAnswers");
        break;
      case convene::fuzz::SurveyCall::kStreamResponses: {
        absl::Status status;
        Stream(world, call.stream_responses(), &status);
        CheckStatus(status, "StreamResponses");
        break;
      }
      case convene::fuzz::SurveyCall::REQUEST_NOT_SET:
        break;
    }
  }
  CheckStored(world);
  return 0;
}
