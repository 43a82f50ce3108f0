#include "services/aggregation/reporter.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/aggregation/summary.h"
#include "services/common/dates.h"
#include "services/common/enum_names.h"
#include "services/common/limits.h"
#include "services/common/requests.h"
#include "services/common/status.h"

namespace convene::aggregation {
namespace {

namespace reg = ::convene::registration::v1;

// Counts by value, most frequent first (then by value), with % of `whole`.
void FillCounts(const std::map<std::string, int>& counts, int whole,
                google::protobuf::RepeatedPtrField<v1::AttributeCount>* out) {
  std::vector<std::pair<std::string, int>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [value, count] : sorted) {
    v1::AttributeCount* c = out->Add();
    c->set_value(value);
    c->set_count(count);
    c->set_percent(whole == 0 ? 0.0 : 100.0 * count / whole);
  }
}

std::string GenderOf(const reg::Participant& p) {
  std::string gender = EnumDisplay(reg::Gender_descriptor(), p.gender());
  return gender.empty() ? "not given" : gender;
}

int MaxScore(const sv::Survey& survey) {
  int points = 0;
  for (const sv::Question& q : survey.questions()) {
    if (q.has_quiz()) points += q.quiz().points();
  }
  return points;
}

}  // namespace

absl::Status Reporter::SummarizeSurvey(const v1::SummarizeSurveyRequest& request,
                                       v1::SummarizeSurveyResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("survey_id", request.survey_id()));
  CONVENE_ASSIGN_OR_RETURN(std::vector<Dimension> dimensions, ParseDimensions(request.by()));
  CONVENE_ASSIGN_OR_RETURN(int min_cell_size, MinCellSize(request.min_cell_size()));
  CONVENE_ASSIGN_OR_RETURN(sv::GetSurveyResponse got, surveys_->GetSurvey(request.survey_id()));
  const sv::Survey& survey = got.survey();
  CONVENE_ASSIGN_OR_RETURN(std::vector<reg::Participant> people,
                           registration_->ListParticipants(survey.event_id()));

  const int checked_in =
      static_cast<int>(std::count_if(people.begin(), people.end(), [](const reg::Participant& p) {
        return p.check_in_days_size() > 0 && p.status() != reg::PARTICIPANT_STATUS_CANCELLED;
      }));
  const SurveySummaryInput input{.survey = &survey,
                                 .dimensions = dimensions,
                                 .min_cell_size = min_cell_size,
                                 .token_count = got.token_count(),
                                 .checked_in = checked_in};
  if (dimensions.empty()) {
    // The survey service's counts of answers give every figure of a summary without a breakdown,
    // in a time that does not grow with the responses.
    CONVENE_ASSIGN_OR_RETURN(sv::CountAnswersResponse counts, surveys_->CountAnswers(survey.id()));
    SurveyAggregator overall(survey);
    overall.AddCounts(counts);
    FillSurveySummary(input, overall, nullptr, response);
    return absl::OkStatus();
  }

  // A breakdown needs each response's attributes: the figures of the last summary along these
  // dimensions, when they still apply, plus the responses submitted since; else every response.
  std::string key = survey.id();
  for (Dimension d : dimensions) absl::StrAppend(&key, "/", DimensionName(d));
  std::shared_ptr<SummaryCache::Entry> entry = cache_.Get(key);
  std::lock_guard<std::mutex> lock(entry->mu);
  if (!entry->Matches(survey, got.responses_revision())) {
    entry->Reset(survey, got.responses_revision(), dimensions);
  }
  const absl::Status read =
      surveys_->ForEachResponseAfter(survey.id(), &entry->resume_token, [&](const sv::Response& r) {
        entry->overall->Add(r);
        if (entry->breakdown) entry->breakdown->Add(r);
      });
  if (!read.ok()) {
    entry->overall.reset();  // part of a stream was added: start again next time
    return read;
  }
  FillSurveySummary(input, *entry->overall, entry->breakdown.get(), response);
  return absl::OkStatus();
}

absl::Status Reporter::ComparePrePost(const v1::ComparePrePostRequest& request,
                                      v1::ComparePrePostResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("pre_survey_id", request.pre_survey_id()));
  CONVENE_RETURN_IF_ERROR(Required("post_survey_id", request.post_survey_id()));
  CONVENE_ASSIGN_OR_RETURN(int min_cell_size, MinCellSize(request.min_cell_size()));
  CONVENE_ASSIGN_OR_RETURN(sv::GetSurveyResponse pre, surveys_->GetSurvey(request.pre_survey_id()));
  CONVENE_ASSIGN_OR_RETURN(sv::GetSurveyResponse post,
                           surveys_->GetSurvey(request.post_survey_id()));
  if (pre.survey().kind() != sv::SURVEY_KIND_PRE_TEST) {
    return absl::InvalidArgumentError(
        absl::StrCat("pre_survey_id: survey ", pre.survey().id(), " is not a pre-test (it is ",
                     EnumDisplay(sv::SurveyKind_descriptor(), pre.survey().kind()), ")"));
  }
  if (pre.survey().linked_survey_id() != post.survey().id()) {
    return absl::InvalidArgumentError(absl::StrCat("post_survey_id: survey ", post.survey().id(),
                                                   " is not the post-test linked to ",
                                                   pre.survey().id()));
  }
  const int max_score = MaxScore(post.survey());
  PrePostPairing pairing(max_score);
  SurveyAggregator pre_items(pre.survey()), post_items(post.survey());
  CONVENE_RETURN_IF_ERROR(surveys_->ForEachResponse(pre.survey().id(), [&](const sv::Response& r) {
    pairing.AddPre(r);
    pre_items.Add(r);
  }));
  CONVENE_RETURN_IF_ERROR(surveys_->ForEachResponse(post.survey().id(), [&](const sv::Response& r) {
    pairing.AddPost(r);
    post_items.Add(r);
  }));
  response->set_pre_survey_id(pre.survey().id());
  response->set_post_survey_id(post.survey().id());
  // Anonymous tests show no figure of fewer people than the minimum; either test being anonymous
  // is enough, as the pairs are the same people in both.
  const int applied = pre.survey().anonymous() || post.survey().anonymous() ? min_cell_size : 0;
  pairing.Fill(applied, response);
  FillPrePostItems(pre_items, post_items, applied, response);
  for (std::string& sentence : PrePostHighlights(*response)) {
    response->add_highlights(std::move(sentence));
  }
  return absl::OkStatus();
}

absl::Status Reporter::SummarizeParticipation(const v1::SummarizeParticipationRequest& request,
                                              v1::SummarizeParticipationResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("event_id", request.event_id()));
  CONVENE_ASSIGN_OR_RETURN(reg::Event event, registration_->GetEvent(request.event_id()));
  CONVENE_ASSIGN_OR_RETURN(std::vector<reg::Participant> people,
                           registration_->ListParticipants(event.id()));
  response->set_event_id(event.id());
  response->set_title(event.title());
  response->set_registered(static_cast<int>(people.size()));

  std::map<std::string, int> status, country, sector, gender, role;
  int confirmed = 0;
  for (const reg::Participant& p : people) {
    ++status[EnumDisplay(reg::ParticipantStatus_descriptor(), p.status())];
    if (p.status() != reg::PARTICIPANT_STATUS_CONFIRMED) continue;
    ++confirmed;
    ++country[p.country()];
    const std::string s = EnumDisplay(reg::Sector_descriptor(), p.sector());
    ++sector[s.empty() ? "not given" : s];
    ++gender[GenderOf(p)];
    const std::string r = EnumDisplay(reg::Role_descriptor(), p.role());
    ++role[r.empty() ? "not given" : r];
  }
  FillCounts(status, static_cast<int>(people.size()), response->mutable_by_status());
  FillCounts(country, confirmed, response->mutable_by_country());
  FillCounts(sector, confirmed, response->mutable_by_sector());
  FillCounts(gender, confirmed, response->mutable_by_gender());
  FillCounts(role, confirmed, response->mutable_by_role());

  CONVENE_ASSIGN_OR_RETURN(absl::CivilDay first, ParseDay(event.start_date(), "start_date"));
  CONVENE_ASSIGN_OR_RETURN(absl::CivilDay last, ParseDay(event.end_date(), "end_date"));
  for (absl::CivilDay day = first; day <= last; ++day) {
    const std::string name = FormatDay(day);
    std::map<std::string, int> by_gender;
    int present = 0;
    for (const reg::Participant& p : people) {
      const auto& days = p.check_in_days();
      if (std::find(days.begin(), days.end(), name) == days.end()) continue;
      ++present;
      ++by_gender[GenderOf(p)];
    }
    v1::DayAttendance* attendance = response->add_attendance();
    attendance->set_day(name);
    attendance->set_checked_in(present);
    FillCounts(by_gender, present, attendance->mutable_by_gender());
  }

  absl::StatusOr<std::vector<agenda::v1::Session>> sessions = agenda_->ListSessions(event.id());
  if (!sessions.ok()) {
    // The rest of the report stands without the agenda; say what is missing.
    response->add_warnings(absl::StrCat("speakers are not counted: ", sessions.status().message()));
    return absl::OkStatus();
  }
  std::map<std::string, const reg::Participant*> by_id;
  for (const reg::Participant& p : people) by_id[p.id()] = &p;
  std::set<std::string> speakers;
  for (const agenda::v1::Session& s : *sessions) {
    if (!s.chair_id().empty()) speakers.insert(s.chair_id());
    speakers.insert(s.speaker_ids().begin(), s.speaker_ids().end());
  }
  std::map<std::string, int> speaker_gender;
  for (const std::string& id : speakers) {
    auto it = by_id.find(id);
    ++speaker_gender[it == by_id.end() ? "not given" : GenderOf(*it->second)];
  }
  response->set_speakers(static_cast<int>(speakers.size()));
  FillCounts(speaker_gender, static_cast<int>(speakers.size()),
             response->mutable_speakers_by_gender());
  return absl::OkStatus();
}

absl::Status Reporter::CompareEvents(const v1::CompareEventsRequest& request,
                                     v1::CompareEventsResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("question_key", request.question_key()));
  if (request.event_ids().empty()) {
    return absl::InvalidArgumentError("event_ids: give at least one event");
  }
  // Each event is read in full from survey: the list is bounded like any other.
  CONVENE_RETURN_IF_ERROR(
      CheckCount("event_ids", request.event_ids_size(), kMaxCompareEvents, "events"));
  response->set_question_key(request.question_key());
  for (const std::string& event_id : request.event_ids()) {
    CONVENE_ASSIGN_OR_RETURN(reg::Event event, registration_->GetEvent(event_id));
    v1::EventQuestion* row = response->add_events();
    row->set_event_id(event.id());
    row->set_event_title(event.title());
    row->set_start_date(event.start_date());
    CONVENE_ASSIGN_OR_RETURN(std::vector<sv::Survey> surveys, surveys_->ListSurveys(event.id()));
    const sv::Survey* chosen = nullptr;
    int position = -1;
    for (const sv::Survey& s : surveys) {  // creation order: the last that asks it wins
      for (int i = 0; i < s.questions_size(); ++i) {
        if (s.questions(i).key() == request.question_key()) {
          chosen = &s;
          position = i;
        }
      }
    }
    if (chosen == nullptr) continue;
    row->set_survey_id(chosen->id());
    row->set_survey_kind(chosen->kind());
    QuestionAccumulator question(chosen->questions(position));
    CONVENE_ASSIGN_OR_RETURN(sv::CountAnswersResponse counts, surveys_->CountAnswers(chosen->id()));
    sv::QuestionAnswerCounts answers;
    for (const sv::QuestionAnswerCounts& q : counts.questions()) {
      if (q.question_key() == request.question_key()) answers = q;
    }
    question.AddCounts(answers, counts.response_count() - answers.answered());
    row->set_response_count(static_cast<int>(counts.response_count()));
    *row->mutable_question() = question.Summarize(/*with_uncoded_text=*/false);
    // As in that survey's own summary: an anonymous survey shows no figures of fewer answers than
    // the default minimum.
    if (chosen->anonymous() && question.answered() > 0 &&
        question.answered() < kDefaultMinCellSize) {
      *row->mutable_question() =
          WithheldQuestion(row->question(), FewerAnswersReason(kDefaultMinCellSize));
    }
  }
  return absl::OkStatus();
}

}  // namespace convene::aggregation
