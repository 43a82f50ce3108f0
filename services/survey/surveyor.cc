#include "services/survey/surveyor.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/wire_format_lite.h"
#include "services/common/dates.h"
#include "services/common/enum_names.h"
#include "services/common/ids.h"
#include "services/common/limits.h"
#include "services/common/requests.h"
#include "services/common/status.h"
#include "services/common/unary.h"
#include "services/survey/survey_rules.h"
#include "services/survey/tokens.h"

namespace convene::survey {
namespace {

namespace reg = ::convene::registration::v1;

// Responses per StreamResponses message unless asked otherwise.
constexpr int kDefaultStreamPage = 500;

const std::set<std::string>& WritableSurveyFields() {
  static const auto* fields =
      new std::set<std::string>{"title",     "session_id", "kind",     "anonymous",
                                "open_time", "close_time", "sections", "questions"};
  return *fields;
}

std::string StateName(v1::SurveyState state) {
  return EnumDisplay(v1::SurveyState_descriptor(), state);
}

bool IsPrePost(v1::SurveyKind a, v1::SurveyKind b) {
  return (a == v1::SURVEY_KIND_PRE_TEST && b == v1::SURVEY_KIND_POST_TEST) ||
         (a == v1::SURVEY_KIND_POST_TEST && b == v1::SURVEY_KIND_PRE_TEST);
}

// Clears what a caller may not set on a new survey.
void ClearOutputOnly(v1::Survey& survey) {
  survey.clear_id();
  survey.clear_state();
  survey.clear_create_time();
  survey.clear_update_time();
}

// Anonymous responses keep their submission time only to the hour, so that the time cannot single
// out who answered (for instance the one person seen leaving the room early).
absl::Time SubmitTime(absl::Time now, bool anonymous) {
  if (!anonymous) return now;
  return absl::FromUnixSeconds(absl::ToUnixSeconds(now) / 3600 * 3600);
}

}  // namespace

std::string Surveyor::PairScope(const v1::Survey& survey) {
  if (survey.linked_survey_id().empty()) return "";
  std::string a = survey.id(), b = survey.linked_survey_id();
  if (b < a) std::swap(a, b);
  return absl::StrCat(a, "+", b);
}

absl::StatusOr<v1::Survey> Surveyor::LoadSurvey(absl::string_view survey_id) {
  CONVENE_ASSIGN_OR_RETURN(v1::Survey survey, store_->GetSurvey(survey_id));
  survey.set_state(EffectiveState(survey, options_.now()));
  return survey;
}

absl::Status Surveyor::CreateSurvey(const v1::CreateSurveyRequest& request,
                                    v1::CreateSurveyResponse* response) {
  v1::Survey survey = request.survey();
  CONVENE_RETURN_IF_ERROR(Required("survey.event_id", survey.event_id()));
  CONVENE_RETURN_IF_ERROR(registration_->GetEvent(survey.event_id()).status());
  ClearOutputOnly(survey);
  CONVENE_RETURN_IF_ERROR(NormalizeSurvey(survey));

  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(bool replayed,
                           ReplayLoggedResponse(store_->db(), "CreateSurvey", request, response));
  if (replayed) return txn->Commit();  // answered once what it read is on disk

  const absl::Time now = options_.now();
  survey.set_id(NewId("srv"));
  survey.set_state(v1::SURVEY_STATE_DRAFT);
  ToTimestamp(now, survey.mutable_create_time());
  ToTimestamp(now, survey.mutable_update_time());

  if (!survey.linked_survey_id().empty()) {
    absl::StatusOr<v1::Survey> other = store_->GetSurvey(survey.linked_survey_id());
    if (absl::IsNotFound(other.status())) {
      return absl::InvalidArgumentError(
          absl::StrCat("linked_survey_id: survey ", survey.linked_survey_id(), " does not exist"));
    }
    CONVENE_RETURN_IF_ERROR(other.status());
    if (other->event_id() != survey.event_id()) {
      return absl::InvalidArgumentError(
          absl::StrCat("linked_survey_id: survey ", other->id(), " belongs to another event"));
    }
    if (!IsPrePost(survey.kind(), other->kind())) {
      return absl::InvalidArgumentError(
          absl::StrCat("linked_survey_id: only a pre-test and a post-test can be linked, and ",
                       other->id(), " is ", EnumDisplay(v1::SurveyKind_descriptor(), other->kind()),
                       " while this is ", EnumDisplay(v1::SurveyKind_descriptor(), survey.kind())));
    }
    if (!other->linked_survey_id().empty()) {
      return absl::FailedPreconditionError(absl::StrCat("linked_survey_id: survey ", other->id(),
                                                        " is already linked to ",
                                                        other->linked_survey_id()));
    }
    CONVENE_ASSIGN_OR_RETURN(int issued, store_->CountTokens(other->id()));
    if (issued > 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "linked_survey_id: survey ", other->id(), " has already issued ", issued,
          " tokens; link the two tests before issuing tokens, so that one token serves both"));
    }
    other->set_linked_survey_id(survey.id());
    ToTimestamp(now, other->mutable_update_time());
    CONVENE_RETURN_IF_ERROR(store_->UpdateSurvey(*other));
  }
  CONVENE_RETURN_IF_ERROR(store_->InsertSurvey(survey));
  *response->mutable_survey() = survey;
  CONVENE_RETURN_IF_ERROR(LogResponseFor(store_->db(), "CreateSurvey", request, *response));
  return txn->Commit();
}

absl::StatusOr<std::string> Surveyor::EventOfSurvey(absl::string_view survey_id) {
  CONVENE_RETURN_IF_ERROR(Required("survey_id", survey_id));
  auto lock = store_->LockForRead();
  CONVENE_ASSIGN_OR_RETURN(v1::Survey survey, store_->GetSurvey(survey_id));
  return survey.event_id();
}

absl::StatusOr<bool> Surveyor::IsTokenOf(absl::string_view survey_id, absl::string_view token) {
  auto lock = store_->LockForRead();
  CONVENE_ASSIGN_OR_RETURN(std::optional<TokenRecord> found,
                           store_->FindToken(survey_id, TokenHash(token)));
  return found.has_value();
}

absl::Status Surveyor::GetSurvey(const v1::GetSurveyRequest& request,
                                 v1::GetSurveyResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("survey_id", request.survey_id()));
  auto lock = store_->LockForRead();
  CONVENE_ASSIGN_OR_RETURN(*response->mutable_survey(), LoadSurvey(request.survey_id()));
  CONVENE_ASSIGN_OR_RETURN(int responses, store_->CountResponses(request.survey_id()));
  CONVENE_ASSIGN_OR_RETURN(int tokens, store_->CountTokens(request.survey_id()));
  response->set_response_count(responses);
  response->set_token_count(tokens);
  CONVENE_ASSIGN_OR_RETURN(int64_t revision, store_->ResponsesRevision(request.survey_id()));
  response->set_responses_revision(revision);
  return absl::OkStatus();
}

absl::Status Surveyor::ListSurveys(const v1::ListSurveysRequest& request,
                                   v1::ListSurveysResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("event_id", request.event_id()));
  auto lock = store_->LockForRead();
  CONVENE_ASSIGN_OR_RETURN(std::vector<v1::Survey> surveys,
                           store_->SurveysOfEvent(request.event_id()));
  const absl::Time now = options_.now();
  for (v1::Survey& survey : surveys) {
    survey.set_state(EffectiveState(survey, now));
    *response->add_surveys() = std::move(survey);
  }
  return absl::OkStatus();
}

absl::Status Surveyor::UpdateSurvey(const v1::UpdateSurveyRequest& request,
                                    v1::UpdateSurveyResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("survey.id", request.survey().id()));
  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(v1::Survey stored, store_->GetSurvey(request.survey().id()));
  const v1::SurveyState state = EffectiveState(stored, options_.now());
  if (state != v1::SURVEY_STATE_DRAFT) {
    return absl::FailedPreconditionError(absl::StrCat("survey ", stored.id(), " is ",
                                                      StateName(state),
                                                      "; only a draft can be changed (copy it "
                                                      "to make a new draft)"));
  }
  v1::Survey updated = stored;
  CONVENE_RETURN_IF_ERROR(
      ApplyMask(request.survey(), request.update_mask(), WritableSurveyFields(), &updated));
  CONVENE_RETURN_IF_ERROR(NormalizeSurvey(updated));
  if (!updated.linked_survey_id().empty() && updated.kind() != stored.kind()) {
    return absl::InvalidArgumentError(
        absl::StrCat("kind: survey ", stored.id(), " is linked to ", stored.linked_survey_id(),
                     " as a pre/post pair, so its kind cannot change"));
  }
  ToTimestamp(options_.now(), updated.mutable_update_time());
  CONVENE_RETURN_IF_ERROR(store_->UpdateSurvey(updated));
  CONVENE_RETURN_IF_ERROR(txn->Commit());
  *response->mutable_survey() = std::move(updated);
  response->mutable_survey()->set_state(state);
  return absl::OkStatus();
}

absl::Status Surveyor::OpenSurvey(const v1::OpenSurveyRequest& request,
                                  v1::OpenSurveyResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("survey_id", request.survey_id()));
  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(v1::Survey survey, store_->GetSurvey(request.survey_id()));
  const absl::Time now = options_.now();
  const v1::SurveyState state = EffectiveState(survey, now);
  if (state == v1::SURVEY_STATE_CLOSED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "survey ", survey.id(), " is closed; a closed survey does not reopen (copy it instead)"));
  }
  if (IsSet(survey.close_time()) && FromTimestamp(survey.close_time()) <= now) {
    return absl::FailedPreconditionError(absl::StrCat("close_time: survey ", survey.id(),
                                                      " would close at once; its close_time "
                                                      "has passed"));
  }
  if (survey.state() != v1::SURVEY_STATE_OPEN) {
    survey.set_state(v1::SURVEY_STATE_OPEN);
    ToTimestamp(now, survey.mutable_update_time());
    CONVENE_RETURN_IF_ERROR(store_->UpdateSurvey(survey));
    CONVENE_RETURN_IF_ERROR(txn->Commit());
  }
  *response->mutable_survey() = std::move(survey);
  return absl::OkStatus();
}

absl::Status Surveyor::CloseSurvey(const v1::CloseSurveyRequest& request,
                                   v1::CloseSurveyResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("survey_id", request.survey_id()));
  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(v1::Survey survey, store_->GetSurvey(request.survey_id()));
  const absl::Time now = options_.now();
  if (EffectiveState(survey, now) == v1::SURVEY_STATE_DRAFT) {
    return absl::FailedPreconditionError(
        absl::StrCat("survey ", survey.id(), " is a draft; open it before closing it"));
  }
  if (survey.state() != v1::SURVEY_STATE_CLOSED) {
    survey.set_state(v1::SURVEY_STATE_CLOSED);
    ToTimestamp(now, survey.mutable_update_time());
    CONVENE_RETURN_IF_ERROR(store_->UpdateSurvey(survey));
    CONVENE_RETURN_IF_ERROR(txn->Commit());
  }
  *response->mutable_survey() = std::move(survey);
  return absl::OkStatus();
}

absl::Status Surveyor::CopySurvey(const v1::CopySurveyRequest& request,
                                  v1::CopySurveyResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("survey_id", request.survey_id()));
  v1::Survey copy;
  {
    auto lock = store_->LockForRead();
    CONVENE_ASSIGN_OR_RETURN(copy, store_->GetSurvey(request.survey_id()));
  }
  if (!request.event_id().empty() && request.event_id() != copy.event_id()) {
    CONVENE_RETURN_IF_ERROR(registration_->GetEvent(request.event_id()).status());
    copy.set_event_id(request.event_id());
  }
  ClearOutputOnly(copy);
  copy.clear_linked_survey_id();
  copy.clear_open_time();
  copy.clear_close_time();
  const absl::Time now = options_.now();
  copy.set_id(NewId("srv"));
  copy.set_state(v1::SURVEY_STATE_DRAFT);
  ToTimestamp(now, copy.mutable_create_time());
  ToTimestamp(now, copy.mutable_update_time());

  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(bool replayed,
                           ReplayLoggedResponse(store_->db(), "CopySurvey", request, response));
  if (replayed) return txn->Commit();  // answered once what it read is on disk
  CONVENE_RETURN_IF_ERROR(store_->InsertSurvey(copy));
  *response->mutable_survey() = std::move(copy);
  CONVENE_RETURN_IF_ERROR(LogResponseFor(store_->db(), "CopySurvey", request, *response));
  return txn->Commit();
}

absl::Status Surveyor::IssueTokens(const v1::IssueTokensRequest& request,
                                   v1::IssueTokensResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("survey_id", request.survey_id()));
  if (!request.checked_in_day().empty()) {
    CONVENE_RETURN_IF_ERROR(ParseDay(request.checked_in_day(), "checked_in_day").status());
  }
  v1::Survey survey;
  {
    auto lock = store_->LockForRead();
    CONVENE_ASSIGN_OR_RETURN(survey, LoadSurvey(request.survey_id()));
  }
  CONVENE_ASSIGN_OR_RETURN(std::vector<reg::Participant> people,
                           registration_->ListParticipants(survey.event_id()));

  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(survey, LoadSurvey(request.survey_id()));
  if (survey.state() == v1::SURVEY_STATE_CLOSED) {
    return absl::FailedPreconditionError(
        absl::StrCat("survey ", survey.id(), " is closed; it takes no more responses"));
  }
  // Who holds a token for the survey (or its linked one: one token serves both); with
  // reissue_unused only those who used it, the unused ones being replaced below.
  absl::flat_hash_set<std::string> holders;
  for (const std::string& id : {survey.id(), survey.linked_survey_id()}) {
    if (id.empty()) continue;
    CONVENE_ASSIGN_OR_RETURN(std::vector<std::string> held,
                             store_->TokenHolders(id, /*used_only=*/request.reissue_unused()));
    holders.insert(held.begin(), held.end());
  }
  for (const reg::Participant& person : people) {
    if (person.status() == reg::PARTICIPANT_STATUS_CANCELLED) continue;
    const auto& days = person.check_in_days();
    const bool eligible =
        request.checked_in_day().empty()
            ? person.status() == reg::PARTICIPANT_STATUS_CONFIRMED || !days.empty()
            : std::find(days.begin(), days.end(), request.checked_in_day()) != days.end();
    if (!eligible || holders.contains(person.id())) continue;
    if (request.reissue_unused()) {
      for (const std::string& id : {survey.id(), survey.linked_survey_id()}) {
        if (!id.empty()) CONVENE_RETURN_IF_ERROR(store_->DeleteUnusedToken(id, person.id()));
      }
    }
    CONVENE_ASSIGN_OR_RETURN(std::string token, NewToken());
    const std::string hash = TokenHash(token);
    const v1::RespondentAttributes attributes = AttributesOf(person);
    CONVENE_RETURN_IF_ERROR(store_->InsertToken(survey.id(), person.id(), hash, attributes));
    if (!survey.linked_survey_id().empty()) {
      CONVENE_RETURN_IF_ERROR(
          store_->InsertToken(survey.linked_survey_id(), person.id(), hash, attributes));
    }
    v1::Token* issued = response->add_tokens();
    issued->set_participant_id(person.id());
    issued->set_name(person.name());
    issued->set_email(person.email());
    issued->set_token(std::move(token));
  }
  CONVENE_ASSIGN_OR_RETURN(int total, store_->CountTokens(survey.id()));
  response->set_total_issued(total);
  return txn->Commit();
}

absl::Status Surveyor::SubmitResponse(const v1::SubmitResponseRequest& request,
                                      v1::SubmitResponseResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("survey_id", request.survey_id()));
  CONVENE_RETURN_IF_ERROR(Required("token", request.token()));
  const std::string hash = TokenHash(request.token());
  auto check_state = [](const v1::Survey& survey) -> absl::Status {
    if (survey.state() == v1::SURVEY_STATE_OPEN) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat("survey ", survey.id(), " is ",
                                                      StateName(survey.state()),
                                                      "; it takes responses only while open"));
  };
  std::vector<v1::Answer> answers(request.answers().begin(), request.answers().end());
  // Registration's attributes for a token issued before tokens kept them.
  std::optional<v1::RespondentAttributes> asked;
  // One write reads the survey and the token, checks and stores: the token's single use is decided
  // there. A token without attributes takes a second turn, after asking registration without
  // holding the store.
  for (int turn = 0; turn < 2; ++turn) {
    auto txn = store_->BeginWrite();
    CONVENE_RETURN_IF_ERROR(txn->status());
    CONVENE_ASSIGN_OR_RETURN(v1::Survey survey, LoadSurvey(request.survey_id()));
    CONVENE_RETURN_IF_ERROR(check_state(survey));
    CONVENE_ASSIGN_OR_RETURN(std::optional<TokenRecord> token,
                             store_->FindToken(survey.id(), hash));
    if (!token) {
      return absl::PermissionDeniedError(absl::StrCat("token: not valid for survey ", survey.id()));
    }
    if (token->used) return TokenUsedError();
    CONVENE_RETURN_IF_ERROR(ValidateAnswers(survey, answers));
    if (!token->attributes && !asked) {
      txn.reset();
      // Nothing is written yet; the call to registration waits, which a worker may do.
      if (OnSerialThread()) return NeedsWorker();
      absl::StatusOr<reg::Participant> participant =
          registration_->GetParticipant(token->participant_id);
      if (!participant.ok() && !absl::IsNotFound(participant.status())) {
        return participant.status();
      }
      asked = participant.ok() ? AttributesOf(*participant) : v1::RespondentAttributes();
      continue;
    }

    v1::Response stored;
    stored.set_survey_id(survey.id());
    if (!survey.anonymous()) stored.set_participant_id(token->participant_id);
    // As registration had them when the token was issued: no call to registration per answer.
    *stored.mutable_attributes() = token->attributes ? *std::move(token->attributes) : *asked;
    const auto [score, max_score] = QuizScore(survey, answers);
    stored.set_score(score);
    stored.set_max_score(max_score);
    for (v1::Answer& answer : answers) *stored.add_answers() = std::move(answer);
    stored.set_source(v1::RESPONSE_SOURCE_TOKEN);
    CONVENE_RETURN_IF_ERROR(store_->UseToken(survey.id(), hash));
    if (!survey.linked_survey_id().empty()) {
      CONVENE_ASSIGN_OR_RETURN(std::string secret, store_->Secret());
      stored.set_pair_key(PairKey(secret, PairScope(survey), request.token()));
    }
    stored.set_id(NewId("rsp"));
    ToTimestamp(SubmitTime(options_.now(), survey.anonymous()), stored.mutable_submit_time());
    CONVENE_RETURN_IF_ERROR(store_->InsertResponse(stored, survey.anonymous()));
    CONVENE_RETURN_IF_ERROR(txn->Commit());
    *response->mutable_response() = std::move(stored);
    return absl::OkStatus();
  }
  return absl::InternalError("survey: the token's attributes could not be read");
}

absl::Status Surveyor::ImportResponses(const v1::ImportResponsesRequest& request,
                                       v1::ImportResponsesResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("survey_id", request.survey_id()));
  CONVENE_RETURN_IF_ERROR(CheckImportRows(request.rows_size()));
  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(
      bool replayed, ReplayLoggedResponse(store_->db(), "ImportResponses", request, response));
  if (replayed) return txn->Commit();  // answered once what it read is on disk
  CONVENE_ASSIGN_OR_RETURN(v1::Survey survey, LoadSurvey(request.survey_id()));
  if (survey.state() == v1::SURVEY_STATE_DRAFT) {
    return absl::FailedPreconditionError(
        absl::StrCat("survey ", survey.id(), " is a draft; open it before importing responses"));
  }
  std::vector<std::string> header(request.header().begin(), request.header().end());
  CONVENE_ASSIGN_OR_RETURN(ResponseLayout layout, ResponseLayout::FromHeader(survey, header));

  const absl::Time submit_time = SubmitTime(options_.now(), survey.anonymous());
  std::vector<v1::Response> good;
  for (const v1::ImportRow& row : request.rows()) {
    std::vector<v1::Answer> answers;
    v1::RespondentAttributes attributes;
    std::vector<v1::RowError> errors = layout.ParseRow(row, answers, attributes);
    if (!errors.empty()) {
      for (v1::RowError& error : errors) *response->add_errors() = std::move(error);
      continue;
    }
    v1::Response& imported = good.emplace_back();
    imported.set_id(NewId("rsp"));
    imported.set_survey_id(survey.id());
    *imported.mutable_attributes() = std::move(attributes);
    const auto [score, max_score] = QuizScore(survey, answers);
    imported.set_score(score);
    imported.set_max_score(max_score);
    for (v1::Answer& answer : answers) *imported.add_answers() = std::move(answer);
    ToTimestamp(submit_time, imported.mutable_submit_time());
    imported.set_source(v1::RESPONSE_SOURCE_IMPORT);
  }
  if (response->errors_size() == 0 || request.skip_invalid()) {
    CONVENE_RETURN_IF_ERROR(store_->InsertResponses(survey.id(), good, survey.anonymous()));
    response->set_imported_count(static_cast<int>(good.size()));
  }
  // Row errors may quote their cells; an answer that could not be sent must not be stored either.
  CONVENE_RETURN_IF_ERROR(CheckResponseSize(*response, "import the file in parts"));
  CONVENE_RETURN_IF_ERROR(LogResponseFor(store_->db(), "ImportResponses", request, *response));
  return txn->Commit();
}

absl::Status Surveyor::CodeAnswers(const v1::CodeAnswersRequest& request,
                                   v1::CodeAnswersResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("survey_id", request.survey_id()));
  CONVENE_RETURN_IF_ERROR(Required("question_key", request.question_key()));
  const bool by_codebook = request.codebook().rules_size() > 0;
  if (by_codebook == (request.answer_codes_size() > 0)) {
    return absl::InvalidArgumentError(
        "codebook: give either a codebook or answer_codes (codes for single answers), not both "
        "or neither");
  }
  if (by_codebook) CONVENE_RETURN_IF_ERROR(ValidateCodebook(request.codebook()));
  CONVENE_RETURN_IF_ERROR(
      CheckCount("answer_codes", request.answer_codes_size(), kMaxImportRows, "answers"));
  // The corrections by response id.
  std::map<std::string, google::protobuf::RepeatedPtrField<std::string>> corrections;
  for (const v1::AnswerCodes& single : request.answer_codes()) {
    CONVENE_RETURN_IF_ERROR(Required("answer_codes.response_id", single.response_id()));
    auto [it, inserted] = corrections.emplace(single.response_id(), single.codes());
    if (!inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat("answer_codes: response ", single.response_id(), " is given twice"));
    }
    CONVENE_RETURN_IF_ERROR(NormalizeCodes("answer_codes.codes", it->second));
  }

  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(v1::Survey survey, LoadSurvey(request.survey_id()));
  const auto question =
      std::find_if(survey.questions().begin(), survey.questions().end(),
                   [&](const v1::Question& q) { return q.key() == request.question_key(); });
  if (question == survey.questions().end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "question_key: survey ", survey.id(), " has no question \"", request.question_key(), "\""));
  }
  if (!question->has_free_text()) {
    return absl::InvalidArgumentError(
        absl::StrCat("question_key: \"", request.question_key(), "\" is not a free-text question"));
  }

  int coded = 0, uncoded = 0;
  absl::flat_hash_set<std::string> corrected;  // response ids of `corrections` met
  bool changed = false;                        // any stored response
  int64_t cursor = 0;
  do {
    CONVENE_ASSIGN_OR_RETURN(Page<v1::Response> page,
                             store_->ResponsesOf(survey.id(), cursor, kDefaultStreamPage));
    for (v1::Response& stored : page.items) {
      v1::Answer* answer = nullptr;
      for (v1::Answer& a : *stored.mutable_answers()) {
        if (a.question_key() == request.question_key()) answer = &a;
      }
      auto correction = corrections.find(stored.id());
      if (correction != corrections.end()) {
        if (answer == nullptr) {
          return absl::InvalidArgumentError(absl::StrCat("answer_codes: response ", stored.id(),
                                                         " has no answer to \"",
                                                         request.question_key(), "\""));
        }
        corrected.insert(stored.id());
      }
      if (answer == nullptr) continue;
      google::protobuf::RepeatedPtrField<std::string> codes = answer->codes();
      if (by_codebook) {
        codes.Clear();
        for (std::string& code : ApplyCodebook(request.codebook(), answer->text())) {
          *codes.Add() = std::move(code);
        }
      } else if (correction != corrections.end()) {
        codes = correction->second;
      }
      (codes.empty() ? uncoded : coded) += 1;
      if (std::equal(codes.begin(), codes.end(), answer->codes().begin(), answer->codes().end())) {
        continue;
      }
      *answer->mutable_codes() = std::move(codes);
      CONVENE_RETURN_IF_ERROR(store_->UpdateResponse(stored));
      changed = true;
    }
    cursor = page.next_cursor;
  } while (cursor != 0);
  for (const auto& [id, codes] : corrections) {
    if (!corrected.contains(id)) {
      return absl::NotFoundError(absl::StrCat("answer_codes: response ", id,
                                              " is not a response of survey ", survey.id()));
    }
  }
  if (changed) CONVENE_RETURN_IF_ERROR(store_->BumpResponsesRevision(survey.id()));
  response->set_coded_count(coded);
  response->set_uncoded_count(uncoded);
  return txn->Commit();
}

absl::Status Surveyor::CountAnswers(const v1::CountAnswersRequest& request,
                                    v1::CountAnswersResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("survey_id", request.survey_id()));
  auto lock = store_->LockForRead();
  CONVENE_ASSIGN_OR_RETURN(v1::Survey survey, store_->GetSurvey(request.survey_id()));
  CONVENE_ASSIGN_OR_RETURN(*response, store_->AnswerCounts(survey));
  return absl::OkStatus();
}

absl::Status Surveyor::ResponsesPage(const v1::StreamResponsesRequest& request, std::string* page,
                                     std::string* next_page_token) {
  CONVENE_RETURN_IF_ERROR(Required("survey_id", request.survey_id()));
  int size = kDefaultStreamPage;
  if (request.page_size() != 0) {
    CONVENE_ASSIGN_OR_RETURN(size, PageSize(request.page_size()));
  }
  CONVENE_ASSIGN_OR_RETURN(int64_t cursor, PageCursor(request.page_token()));
  Page<std::string> responses;
  {
    auto lock = store_->LockForRead();
    CONVENE_RETURN_IF_ERROR(store_->GetSurvey(request.survey_id()).status());
    // Cut by bytes too, so that a page of long answers stays far below the message limit.
    CONVENE_ASSIGN_OR_RETURN(
        responses, store_->ResponseBytesOf(request.survey_id(), cursor, size, kMaxStreamPageBytes));
  }
  *next_page_token = responses.next_cursor == 0 ? "" : PageToken(responses.next_cursor);
  const std::string resume_token =
      PageToken(responses.items.empty() ? cursor : responses.last_cursor);
  page->clear();
  google::protobuf::io::StringOutputStream stream(page);
  google::protobuf::io::CodedOutputStream out(&stream);
  using Wire = google::protobuf::internal::WireFormatLite;
  const uint32_t responses_tag = Wire::MakeTag(v1::StreamResponsesResponse::kResponsesFieldNumber,
                                               Wire::WIRETYPE_LENGTH_DELIMITED);
  for (const std::string& bytes : responses.items) {
    out.WriteTag(responses_tag);
    out.WriteVarint32(static_cast<uint32_t>(bytes.size()));
    out.WriteRaw(bytes.data(), static_cast<int>(bytes.size()));
  }
  if (!next_page_token->empty()) {
    out.WriteTag(Wire::MakeTag(v1::StreamResponsesResponse::kNextPageTokenFieldNumber,
                               Wire::WIRETYPE_LENGTH_DELIMITED));
    out.WriteVarint32(static_cast<uint32_t>(next_page_token->size()));
    out.WriteRaw(next_page_token->data(), static_cast<int>(next_page_token->size()));
  }
  out.WriteTag(Wire::MakeTag(v1::StreamResponsesResponse::kResumeTokenFieldNumber,
                             Wire::WIRETYPE_LENGTH_DELIMITED));
  out.WriteVarint32(static_cast<uint32_t>(resume_token.size()));
  out.WriteRaw(resume_token.data(), static_cast<int>(resume_token.size()));
  return absl::OkStatus();
}

}  // namespace convene::survey
