// The aggregation service as operators run it: real convene-registration, convene-agenda,
// convene-survey and convene-aggregation processes on loopback ports, called through gRPC.
//  - Every figure of SummarizeSurvey, for generated data sets imported through the survey service
//    (no responses, one, all identical, ties for the median, a question nobody answers, a few
//    hundred), against Python's statistics module and SciPy (aggregation_reference.py), to 1e-9.
//  - Breakdowns of an anonymous survey: which cells are suppressed, complements included; the
//    minimum cell size only upward; an identified survey is not suppressed. The figures of a
//    question answered by fewer than the minimum, overall and per cell (with complements), and
//    the quiz score of too few responses, withheld.
//  - A linked pre/post test answered with tokens, paired by person; anonymous tests withhold every
//    figure when fewer than the minimum took both, or only one of them.
//  - The participation report (statuses, attendance per day, speakers by gender), with and
//    without the agenda service.
//  - A question followed across events.
//  - Registration or the survey service down: UNAVAILABLE naming it, and back without a restart.
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "convene/agenda/v1/agenda_service.grpc.pb.h"
#include "convene/aggregation/v1/aggregation_service.grpc.pb.h"
#include "convene/registration/v1/registration_service.grpc.pb.h"
#include "convene/survey/v1/survey_service.grpc.pb.h"
#include "services/common/client.h"
#include "services/common/testing/process.h"
#include "services/common/testing/status_matchers.h"

namespace convene {
namespace {

namespace ag = ::convene::agenda::v1;
namespace agg = ::convene::aggregation::v1;
namespace reg = ::convene::registration::v1;
namespace sv = ::convene::survey::v1;
using ::convene::testing::GrpcStatusIs;
using ::convene::testing::ServiceProcess;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr double kRelativeTolerance = 1e-9;
constexpr double kAbsoluteTolerance = 1e-12;

// t quantile of order 0.975 with 5 degrees of freedom (scipy.stats.t.ppf polished by Newton steps
// on t.sf, as services/aggregation/testdata/statistics_reference.py computes it).
constexpr double kT975Df5 = 2.5705818356363137;

// --- Deterministic data (SplitMix64, the same numbers on every platform)

class Generator {
 public:
  explicit Generator(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(int percent) { return Between(0, 99) < percent; }
  int Weighted(const std::vector<int>& weights) {
    int total = 0;
    for (int w : weights) total += w;
    int64_t pick = Between(0, total - 1);
    for (size_t i = 0; i < weights.size(); ++i) {
      if (pick < weights[i]) return static_cast<int>(i);
      pick -= weights[i];
    }
    return 0;
  }

 private:
  uint64_t state_;
};

// Every question kind, a whole number with a declared range and one without, a fractional number,
// two quiz items (1 and 2 points) and a question nobody answers ("pace"). Not anonymous: the data
// sets of one answer must show their figures, which an anonymous survey withholds (below 5
// answers; AnonymousSurveysWithholdTheFiguresOfFewAnswers).
constexpr char kReferenceSurvey[] = R"json({
  "title": "Reference evaluation", "kind": "SURVEY_KIND_EVALUATION", "anonymous": false,
  "questions": [
    {"key": "satisfaction", "text": "Overall satisfaction",
     "likert": {"points": 5, "labels": ["Very dissatisfied", "Dissatisfied", "Neutral",
                                        "Satisfied", "Very satisfied"]}},
    {"key": "recommend", "text": "How likely are you to recommend it?",
     "rating": {"min": 0, "max": 10}},
    {"key": "sessions", "text": "How many sessions did you attend?",
     "number": {"min": 0, "max": 12, "hasMin": true, "hasMax": true, "integer": true}},
    {"key": "colleagues", "text": "How many colleagues will you brief?",
     "number": {"min": 0, "hasMin": true, "integer": true}},
    {"key": "hours", "text": "Hours per week on anti-corruption work",
     "number": {"min": 0, "max": 80, "hasMin": true, "hasMax": true}},
    {"key": "format", "text": "Preferred format", "singleChoice": {"options": [
      {"key": "in_person", "label": "In person"}, {"key": "online", "label": "Online"},
      {"key": "hybrid", "label": "Hybrid"}]}},
    {"key": "topics", "text": "Most relevant topics", "multipleChoice": {"options": [
      {"key": "whistleblowers", "label": "Whistle-blower protection"},
      {"key": "procurement", "label": "Procurement"},
      {"key": "asset_recovery", "label": "Asset recovery"},
      {"key": "beneficial_ownership", "label": "Beneficial ownership"}]}},
    {"key": "uncac_ch2", "text": "Which UNCAC chapter covers preventive measures?",
     "quiz": {"correct": "ii", "points": 1, "options": [{"key": "ii", "label": "Chapter II"},
       {"key": "iii", "label": "Chapter III"}, {"key": "v", "label": "Chapter V"}]}},
    {"key": "uncac_ch5", "text": "Which UNCAC chapter covers asset recovery?",
     "quiz": {"correct": "v", "points": 2, "options": [{"key": "ii", "label": "Chapter II"},
       {"key": "v", "label": "Chapter V"}]}},
    {"key": "pace", "text": "How was the pace?", "rating": {"min": 1, "max": 7}},
    {"key": "most_useful", "text": "What was the most useful aspect?", "freeText": {}}]})json";

// One response: a cell per question key ("" or absent: no answer).
using Row = std::map<std::string, std::string>;

std::string Real(double value) { return absl::StrFormat("%.17g", value); }

Row RandomRow(Generator& g) {
  static const char* kFormats[] = {"in_person", "online", "hybrid"};
  static const char* kTopics[] = {"whistleblowers", "procurement", "asset_recovery",
                                  "beneficial_ownership"};
  static const char* kTexts[] = {"Peer experience sharing", "The case studies",
                                 "Meeting colleagues from the region", "Practical tools"};
  Row row;
  if (!g.Chance(10)) row["satisfaction"] = absl::StrCat(1 + g.Weighted({1, 2, 3, 6, 4}));
  if (!g.Chance(8)) row["recommend"] = absl::StrCat(g.Between(0, 10));
  if (!g.Chance(15)) row["sessions"] = absl::StrCat(g.Between(0, 12));
  if (!g.Chance(20)) {
    row["colleagues"] = absl::StrCat(g.Chance(5) ? g.Between(100, 400) : g.Between(0, 25));
  }
  if (!g.Chance(10)) row["hours"] = Real(80 * g.Unit());
  if (!g.Chance(10)) row["format"] = kFormats[g.Weighted({5, 3, 2})];
  std::vector<std::string> topics;
  for (const char* topic : kTopics) {
    if (g.Chance(40)) topics.push_back(topic);
  }
  row["topics"] = absl::StrJoin(topics, ";");
  if (!g.Chance(10))
    row["uncac_ch2"] = std::vector<std::string>{"ii", "iii", "v"}[g.Weighted({3, 1, 1})];
  if (!g.Chance(12)) row["uncac_ch5"] = g.Chance(60) ? "v" : "ii";
  if (!g.Chance(30)) row["most_useful"] = kTexts[g.Between(0, 3)];
  return row;
}

Row FullRow() {
  return {{"satisfaction", "4"},
          {"recommend", "9"},
          {"sessions", "7"},
          {"colleagues", "3"},
          {"hours", "12.5"},
          {"format", "hybrid"},
          {"topics", "procurement;whistleblowers"},
          {"uncac_ch2", "ii"},
          {"uncac_ch5", "ii"},
          {"most_useful", "Peer experience sharing"}};
}

// Ties for the median in every numeric question (even counts with equal middle values, and middle
// values that differ).
std::vector<Row> TiedRows() {
  const int satisfaction[] = {2, 2, 3, 3, 4, 4, 5, 5};
  const int recommend[] = {7, 7, 7, 7, 8, 8, 8, 8};
  const int sessions[] = {1, 1, 2, 2, 2, 2, 3, 3};
  const int colleagues[] = {5, 5, 5, 5, 6, 6, 6, 6};
  const char* hours[] = {"1.5", "1.5", "2.5", "2.5", "2.5", "2.5", "4.25", "4.25"};
  std::vector<Row> rows;
  for (int i = 0; i < 8; ++i) {
    rows.push_back({{"satisfaction", absl::StrCat(satisfaction[i])},
                    {"recommend", absl::StrCat(recommend[i])},
                    {"sessions", absl::StrCat(sessions[i])},
                    {"colleagues", absl::StrCat(colleagues[i])},
                    {"hours", hours[i]},
                    {"format", i % 2 == 0 ? "online" : "in_person"},
                    {"topics", i % 4 == 0 ? "asset_recovery" : "procurement;asset_recovery"},
                    {"uncac_ch2", i < 4 ? "ii" : "v"},
                    {"uncac_ch5", i % 2 == 0 ? "v" : "ii"}});
  }
  return rows;
}

// --- The figures SummarizeSurvey reports, in the reference's vocabulary

using Figures = std::map<std::pair<std::string, std::string>, std::optional<double>>;

std::optional<double> If(bool has, double value) {
  return has ? std::optional<double>(value) : std::nullopt;
}

void AddScale(const std::string& key, const agg::ScaleStatistics& s, Figures& f) {
  f[{key, "n"}] = s.answered();
  f[{key, "mean"}] = If(s.has_mean(), s.mean());
  f[{key, "sd"}] = If(s.has_standard_deviation(), s.standard_deviation());
  f[{key, "median"}] = If(s.has_median(), s.median());
  f[{key, "q1"}] = If(s.has_first_quartile(), s.first_quartile());
  f[{key, "q3"}] = If(s.has_third_quartile(), s.third_quartile());
  f[{key, "min"}] = If(s.has_min(), s.min());
  f[{key, "max"}] = If(s.has_max(), s.max());
  f[{key, "ci_low"}] = If(s.has_mean_ci_low(), s.mean_ci_low());
  f[{key, "ci_high"}] = If(s.has_mean_ci_high(), s.mean_ci_high());
  for (const agg::ValueCount& v : s.distribution()) {
    const std::string value = absl::StrCat(static_cast<int64_t>(v.value()));
    f[{key, "count:" + value}] = v.count();
    f[{key, "percent:" + value}] = v.percent();
  }
}

void AddOptions(const std::string& key,
                const google::protobuf::RepeatedPtrField<agg::OptionCount>& options, Figures& f) {
  for (const agg::OptionCount& o : options) {
    f[{key, "count:" + o.key()}] = o.count();
    f[{key, "percent:" + o.key()}] = o.percent();
  }
}

Figures FiguresOf(const sv::Survey& survey, const agg::SummarizeSurveyResponse& summary) {
  Figures f;
  f[{"_survey", "responses"}] = summary.response_count();
  f[{"_survey", "max_score"}] = summary.max_score();
  EXPECT_EQ(summary.questions_size(), survey.questions_size());
  for (int i = 0; i < summary.questions_size() && i < survey.questions_size(); ++i) {
    const agg::QuestionSummary& q = summary.questions(i);
    const sv::Question& definition = survey.questions(i);
    const std::string& key = q.key();
    EXPECT_EQ(key, definition.key());
    f[{key, "missing"}] = q.missing();
    if (q.has_scale()) {
      AddScale(key, q.scale(), f);
      if (definition.has_likert()) {
        f[{key, "top_two_box"}] =
            If(q.scale().has_top_two_box_percent(), q.scale().top_two_box_percent());
      } else {
        EXPECT_FALSE(q.scale().has_top_two_box_percent()) << key;
      }
      if (definition.has_rating() && definition.rating().min() == 0 &&
          definition.rating().max() == 10) {
        f[{key, "nps"}] = If(q.scale().has_net_promoter_score(), q.scale().net_promoter_score());
      } else {
        EXPECT_FALSE(q.scale().has_net_promoter_score()) << key;
      }
    } else if (q.has_choice()) {
      f[{key, "respondents"}] = q.choice().respondents();
      f[{key, "selections"}] = q.choice().selections();
      AddOptions(key, q.choice().options(), f);
    } else if (q.has_quiz()) {
      f[{key, "answered"}] = q.quiz().answered();
      f[{key, "correct"}] = q.quiz().correct();
      f[{key, "percent_correct"}] = If(q.quiz().has_percent_correct(), q.quiz().percent_correct());
      AddOptions(key, q.quiz().options(), f);
    } else if (q.has_free_text()) {
      f[{key, "answered"}] = q.free_text().answered();
      f[{key, "uncoded"}] = q.free_text().uncoded_count();
      EXPECT_EQ(q.free_text().uncoded_answers_size(), q.free_text().uncoded_count());
    } else {
      ADD_FAILURE() << key << " has no statistics";
    }
  }
  if (summary.max_score() > 0) AddScale("_score", summary.score(), f);
  return f;
}

// --- Running the reference

std::string SourceDir() {
  if (const char* dir = std::getenv("CONVENE_SOURCE_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  absl::string_view file = __FILE__;
  absl::ConsumeSuffix(&file, "tests/integration/aggregation_server_test.cc");
  return file.empty() ? "." : std::string(file);
}

// Debian's python3, which sees python3-scipy (or $CONVENE_PYTHON3).
std::string Python() {
  const char* env = std::getenv("CONVENE_PYTHON3");
  return env != nullptr && *env != '\0' ? env : "/usr/bin/python3";
}

std::string CsvCell(const std::string& cell) {
  return absl::StrCat("\"", absl::StrReplaceAll(cell, {{"\"", "\"\""}}), "\"");
}

bool Close(double a, double b) {
  if (a == b) return true;
  const double difference = std::abs(a - b);
  return difference <= kAbsoluteTolerance ||
         difference <= kRelativeTolerance * std::max(std::abs(a), std::abs(b));
}

std::string Show(const std::optional<double>& value) {
  return value ? absl::StrFormat("%.17g", *value) : std::string("none");
}

// --- The stack

class AggregationServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = testing::MakeTempDir("aggregation");
    StartRegistration(0);
    StartAgenda(0);
    StartSurvey(0);
    StartAggregation(0);
    event_id_ = CreateEvent("Regional dialogue on anti-corruption", "2024-10-01", "2024-10-02", 50);
  }

  void StartRegistration(int port) {
    auto process =
        ServiceProcess::Start("convene-registration", data_dir_ + "/registration", {}, port);
    ASSERT_TRUE(process.ok()) << process.status();
    registration_.emplace(std::move(process).value());
    registration_stub_ = reg::RegistrationService::NewStub(MakeChannel(registration_->address()));
  }

  void StartAgenda(int port) {
    auto process = ServiceProcess::Start("convene-agenda", data_dir_ + "/agenda",
                                         {"--registration_addr=" + registration_->address()}, port);
    ASSERT_TRUE(process.ok()) << process.status();
    agenda_.emplace(std::move(process).value());
    agenda_stub_ = ag::AgendaService::NewStub(MakeChannel(agenda_->address()));
  }

  void StartSurvey(int port) {
    auto process = ServiceProcess::Start("convene-survey", data_dir_ + "/survey",
                                         {"--registration_addr=" + registration_->address()}, port);
    ASSERT_TRUE(process.ok()) << process.status();
    survey_.emplace(std::move(process).value());
    survey_stub_ = sv::SurveyService::NewStub(MakeChannel(survey_->address()));
  }

  void StartAggregation(int port) {
    auto process = ServiceProcess::Start(
        "convene-aggregation", data_dir_ + "/aggregation",
        {"--registration_addr=" + registration_->address(), "--survey_addr=" + survey_->address(),
         "--agenda_addr=" + agenda_->address()},
        port);
    ASSERT_TRUE(process.ok()) << process.status();
    aggregation_.emplace(std::move(process).value());
    stub_ = agg::AggregationService::NewStub(MakeChannel(aggregation_->address()));
  }

  std::string CreateEvent(const std::string& title, const std::string& start,
                          const std::string& end, int capacity) {
    reg::CreateEventRequest request;
    request.mutable_event()->set_title(title);
    request.mutable_event()->set_time_zone("Asia/Kuala_Lumpur");
    request.mutable_event()->set_start_date(start);
    request.mutable_event()->set_end_date(end);
    request.mutable_event()->set_capacity(capacity);
    reg::CreateEventResponse response;
    auto context = NewCallContext();
    grpc::Status status = registration_stub_->CreateEvent(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.event().id();
  }

  reg::Participant AddParticipant(const std::string& event_id, int n, const std::string& country,
                                  reg::Sector sector, reg::Gender gender,
                                  reg::Role role = reg::ROLE_PARTICIPANT) {
    reg::AddParticipantRequest request;
    reg::Participant* p = request.mutable_participant();
    p->set_event_id(event_id);
    p->set_name(absl::StrCat("Delegate ", n));
    p->set_email(absl::StrCat("delegate", n, "@example.org"));
    p->set_country(country);
    p->set_organization(absl::StrCat("Agency ", n));
    p->set_sector(sector);
    p->set_gender(gender);
    p->set_role(role);
    reg::AddParticipantResponse response;
    auto context = NewCallContext();
    grpc::Status status = registration_stub_->AddParticipant(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.participant();
  }

  // Creates and opens a survey of `event_id` from a definition; returns it as stored.
  sv::Survey CreateSurvey(const std::string& event_id, const std::string& json,
                          const std::string& linked_survey_id = "") {
    sv::CreateSurveyRequest request;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, request.mutable_survey()).ok());
    request.mutable_survey()->set_event_id(event_id);
    request.mutable_survey()->set_linked_survey_id(linked_survey_id);
    sv::CreateSurveyResponse created;
    {
      auto context = NewCallContext();
      grpc::Status status = survey_stub_->CreateSurvey(context.get(), request, &created);
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    sv::OpenSurveyRequest open;
    open.set_survey_id(created.survey().id());
    sv::OpenSurveyResponse opened;
    auto context = NewCallContext();
    grpc::Status status = survey_stub_->OpenSurvey(context.get(), open, &opened);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created.survey();
  }

  // Imports the rows (every one must be accepted), with `header` as the columns.
  void Import(const std::string& survey_id, const std::vector<std::string>& header,
              const std::vector<Row>& rows) {
    sv::ImportResponsesRequest request;
    request.set_survey_id(survey_id);
    for (const std::string& column : header) request.add_header(column);
    for (size_t i = 0; i < rows.size(); ++i) {
      sv::ImportRow* row = request.add_rows();
      row->set_line(static_cast<int>(i) + 2);
      for (const std::string& column : header) {
        auto it = rows[i].find(column);
        row->add_cells(it == rows[i].end() ? "" : it->second);
      }
    }
    sv::ImportResponsesResponse response;
    auto context = NewCallContext();
    grpc::Status status = survey_stub_->ImportResponses(context.get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_THAT(response.errors(), IsEmpty()) << response.errors(0).DebugString();
    ASSERT_EQ(response.imported_count(), static_cast<int>(rows.size()));
  }

  std::map<std::string, std::string> IssueTokens(const std::string& survey_id) {
    sv::IssueTokensRequest request;
    request.set_survey_id(survey_id);
    sv::IssueTokensResponse response;
    auto context = NewCallContext();
    grpc::Status status = survey_stub_->IssueTokens(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::map<std::string, std::string> tokens;
    for (const sv::Token& t : response.tokens()) tokens[t.participant_id()] = t.token();
    return tokens;
  }

  void Submit(const std::string& survey_id, const std::string& token,
              const std::map<std::string, std::string>& choices) {
    sv::SubmitResponseRequest request;
    request.set_survey_id(survey_id);
    request.set_token(token);
    for (const auto& [key, choice] : choices) {
      sv::Answer* a = request.add_answers();
      a->set_question_key(key);
      a->set_choice(choice);
    }
    sv::SubmitResponseResponse response;
    auto context = NewCallContext();
    grpc::Status status = survey_stub_->SubmitResponse(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status Summarize(const std::string& survey_id, std::vector<std::string> by,
                         int min_cell_size, agg::SummarizeSurveyResponse* response) {
    agg::SummarizeSurveyRequest request;
    request.set_survey_id(survey_id);
    for (std::string& b : by) request.add_by(std::move(b));
    request.set_min_cell_size(min_cell_size);
    auto context = NewCallContext();
    return stub_->SummarizeSurvey(context.get(), request, response);
  }

  grpc::Status Participation(const std::string& event_id,
                             agg::SummarizeParticipationResponse* response) {
    agg::SummarizeParticipationRequest request;
    request.set_event_id(event_id);
    auto context = NewCallContext();
    return stub_->SummarizeParticipation(context.get(), request, response);
  }

  grpc::Status ComparePrePost(const std::string& pre, const std::string& post,
                              agg::ComparePrePostResponse* response, int min_cell_size = 0) {
    agg::ComparePrePostRequest request;
    request.set_pre_survey_id(pre);
    request.set_post_survey_id(post);
    request.set_min_cell_size(min_cell_size);
    auto context = NewCallContext();
    return stub_->ComparePrePost(context.get(), request, response);
  }

  std::string data_dir_;
  std::optional<ServiceProcess> registration_, agenda_, survey_, aggregation_;
  std::unique_ptr<reg::RegistrationService::Stub> registration_stub_;
  std::unique_ptr<ag::AgendaService::Stub> agenda_stub_;
  std::unique_ptr<sv::SurveyService::Stub> survey_stub_;
  std::unique_ptr<agg::AggregationService::Stub> stub_;
  std::string event_id_;
};

// --- a. Every figure against Python

TEST_F(AggregationServerTest, EveryFigureAgreesWithPythonThroughTheWholeStack) {
  std::vector<std::pair<std::string, std::vector<Row>>> datasets;
  datasets.emplace_back("empty", std::vector<Row>{});
  datasets.emplace_back("one", std::vector<Row>{FullRow()});
  datasets.emplace_back("identical", std::vector<Row>(9, FullRow()));
  datasets.emplace_back("ties", TiedRows());
  Generator g(20241001);
  for (int n : {57, 400}) {
    std::vector<Row> rows;
    for (int i = 0; i < n; ++i) rows.push_back(RandomRow(g));
    datasets.emplace_back(absl::StrCat("random", n), std::move(rows));
  }

  sv::Survey definition;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(kReferenceSurvey, &definition).ok());
  std::vector<std::string> header;
  for (const sv::Question& q : definition.questions()) header.push_back(q.key());

  const std::string dir = testing::MakeTempDir("aggregation-reference");
  const std::string json_path = dir + "/survey.json";
  std::ofstream(json_path) << kReferenceSurvey;
  std::vector<std::string> argv = {
      Python(), SourceDir() + "/tests/integration/aggregation_reference.py", json_path};
  std::map<std::string, Figures> reported;
  std::map<std::string, sv::Survey> surveys;
  for (const auto& [name, rows] : datasets) {
    const sv::Survey survey = CreateSurvey(event_id_, kReferenceSurvey);
    surveys[name] = survey;
    Import(survey.id(), header, rows);
    if (HasFatalFailure()) return;
    const std::string csv_path = absl::StrCat(dir, "/", name, ".csv");
    std::ofstream csv(csv_path);
    std::vector<std::string> cells;
    for (const std::string& column : header) cells.push_back(CsvCell(column));
    csv << absl::StrJoin(cells, ",") << "\n";
    for (const Row& row : rows) {
      cells.clear();
      for (const std::string& column : header) {
        auto it = row.find(column);
        cells.push_back(CsvCell(it == row.end() ? "" : it->second));
      }
      csv << absl::StrJoin(cells, ",") << "\n";
    }
    argv.push_back(absl::StrCat(name, "=", csv_path));

    agg::SummarizeSurveyResponse summary;
    grpc::Status status = Summarize(survey.id(), {}, 0, &summary);
    ASSERT_TRUE(status.ok()) << name << ": " << status.error_message();
    EXPECT_EQ(summary.survey_id(), survey.id());
    EXPECT_EQ(summary.event_id(), event_id_);
    EXPECT_EQ(summary.title(), "Reference evaluation");
    EXPECT_FALSE(summary.anonymous());
    EXPECT_EQ(summary.token_count(), 0);
    EXPECT_FALSE(summary.has_response_rate_tokens());  // no tokens issued: no rate
    EXPECT_FALSE(summary.has_response_rate_checked_in());
    EXPECT_THAT(summary.cells(), IsEmpty());
    // The Likert labels, in scale order.
    const agg::ScaleStatistics& likert = summary.questions(0).scale();
    ASSERT_EQ(likert.distribution_size(), 5) << name;
    for (int i = 0; i < 5; ++i) {
      EXPECT_EQ(likert.distribution(i).label(), definition.questions(0).likert().labels(i));
    }
    reported[name] = FiguresOf(definition, summary);
  }

  const testing::CommandResult python = testing::RunCommand(argv);
  ASSERT_EQ(python.exit_code, 0) << "the reference failed (Debian's python3-scipy is needed):\n"
                                 << python.err;
  std::map<std::string, Figures> reference;
  for (absl::string_view line : absl::StrSplit(python.out, '\n', absl::SkipEmpty())) {
    std::vector<std::string> fields = absl::StrSplit(line, ' ');
    ASSERT_EQ(fields.size(), 4u) << line;
    std::optional<double> value;
    if (fields[3] != "none") {
      double parsed = 0;
      ASSERT_TRUE(absl::SimpleAtod(fields[3], &parsed)) << line;
      value = parsed;
    }
    reference[fields[0]][{fields[1], fields[2]}] = value;
  }

  int compared = 0;
  double worst = 0;
  std::string worst_at = "none";
  for (const auto& [name, figures] : reported) {
    SCOPED_TRACE(name);
    const Figures& expected = reference[name];
    ASSERT_FALSE(expected.empty()) << "no reference figures";
    for (const auto& [key, value] : expected) {
      EXPECT_TRUE(figures.count(key))
          << "the service reports no " << key.first << " " << key.second;
    }
    for (const auto& [key, value] : figures) {
      auto want = expected.find(key);
      if (want == expected.end()) {
        ADD_FAILURE() << "the reference has no " << key.first << " " << key.second;
        continue;
      }
      ++compared;
      EXPECT_EQ(value.has_value(), want->second.has_value())
          << key.first << " " << key.second << ": " << Show(value) << ", reference "
          << Show(want->second);
      if (value && want->second) {
        EXPECT_TRUE(Close(*value, *want->second))
            << key.first << " " << key.second << ": " << Show(value) << ", reference "
            << Show(want->second);
        const double difference = std::abs(*value - *want->second);
        const double scale = std::max(std::abs(*value), std::abs(*want->second));
        if (difference > kAbsoluteTolerance && difference / scale > worst) {
          worst = difference / scale;
          worst_at = absl::StrCat(name, " ", key.first, " ", key.second);
        }
      }
    }
  }
  std::cout << "compared " << compared << " figures of " << reported.size()
            << " data sets with the reference; largest relative difference " << worst << " ("
            << worst_at << ")\n";
  // Six data sets, eleven questions: well over a thousand figures.
  EXPECT_GT(compared, 1000);
  // A few figures that the data sets were built to have, so that the comparison cannot pass on
  // two wrong answers that agree.
  EXPECT_EQ(reference["ties"][std::make_pair(std::string("satisfaction"), std::string("median"))],
            3.5);
  EXPECT_EQ(reference["ties"][std::make_pair(std::string("hours"), std::string("median"))], 2.5);
  EXPECT_EQ(reference["identical"][std::make_pair(std::string("recommend"), std::string("sd"))],
            0.0);
  EXPECT_EQ(reference["random400"][std::make_pair(std::string("pace"), std::string("missing"))],
            400.0);
  EXPECT_FALSE(
      reference["empty"][std::make_pair(std::string("satisfaction"), std::string("mean"))]);
  if (!HasFailure()) std::filesystem::remove_all(dir);  // kept for a look when something failed
}

// --- b. Breakdowns and small cells

constexpr char kBreakdownSurvey[] = R"json({
  "title": "Breakdown", "kind": "SURVEY_KIND_EVALUATION", "anonymous": true, "questions": [
    {"key": "overall", "text": "Overall satisfaction", "likert": {"points": 5}},
    {"key": "q1", "text": "Which chapter covers asset recovery?", "quiz": {"correct": "a",
     "options": [{"key": "a", "label": "Chapter V"}, {"key": "b", "label": "Chapter II"}]}}]})json";

struct CellSpec {
  std::string country, sector;
  int respondents;
};

// 60 respondents. By country: ID 6, LA 2, MY 17, PH 9, TH 11, VN 15. By sector: civil-society 27,
// government 33.
const std::vector<CellSpec>& BreakdownCells() {
  static const auto* cells = new std::vector<CellSpec>{
      {"ID", "government", 6},    {"LA", "government", 2},    {"MY", "civil-society", 9},
      {"MY", "government", 8},    {"PH", "civil-society", 2}, {"PH", "government", 7},
      {"TH", "civil-society", 6}, {"TH", "government", 5},    {"VN", "civil-society", 10},
      {"VN", "government", 5}};
  return *cells;
}

std::vector<Row> BreakdownRows() {
  std::vector<Row> rows;
  int c = 0;
  for (const CellSpec& cell : BreakdownCells()) {
    for (int j = 0; j < cell.respondents; ++j) {
      rows.push_back({{"overall", absl::StrCat(1 + (3 * j + c) % 5)},
                      {"q1", j % 3 == 0 ? "b" : "a"},
                      {"_country", cell.country},
                      {"_sector", cell.sector}});
    }
    ++c;
  }
  return rows;
}

// "MY|government" -> suppressed, for every cell.
std::map<std::string, bool> Suppression(const agg::SummarizeSurveyResponse& summary) {
  std::map<std::string, bool> out;
  for (const agg::BreakdownCell& cell : summary.cells()) {
    out[absl::StrJoin(cell.values(), "|")] = cell.suppressed();
  }
  return out;
}

// Each shown cell's figures are those of its own rows; a suppressed cell has none.
void CheckCellFigures(const agg::SummarizeSurveyResponse& summary, const std::vector<Row>& rows,
                      const std::vector<std::string>& columns) {
  for (const agg::BreakdownCell& cell : summary.cells()) {
    const std::string name = absl::StrJoin(cell.values(), "|");
    int n = 0, sum = 0, correct = 0;
    for (const Row& row : rows) {
      bool in = true;
      for (size_t d = 0; d < columns.size(); ++d) in = in && row.at(columns[d]) == cell.values(d);
      if (!in) continue;
      ++n;
      sum += std::stoi(row.at("overall"));
      correct += row.at("q1") == "a" ? 1 : 0;
    }
    EXPECT_EQ(cell.respondents(), n) << name;
    if (cell.suppressed()) {
      EXPECT_THAT(cell.questions(), IsEmpty()) << name;
      EXPECT_FALSE(cell.has_score()) << name;
      continue;
    }
    ASSERT_EQ(cell.questions_size(), 2) << name;
    EXPECT_NEAR(cell.questions(0).scale().mean(), static_cast<double>(sum) / n, 1e-12) << name;
    EXPECT_NEAR(cell.questions(1).quiz().percent_correct(), 100.0 * correct / n, 1e-12) << name;
    EXPECT_NEAR(cell.score().mean(), static_cast<double>(correct) / n, 1e-12) << name;
  }
}

TEST_F(AggregationServerTest, AnonymousBreakdownsSuppressSmallCellsAndTheirComplements) {
  const sv::Survey survey = CreateSurvey(event_id_, kBreakdownSurvey);
  const std::vector<Row> rows = BreakdownRows();
  Import(survey.id(), {"overall", "q1", "_country", "_sector"}, rows);

  // By country (default minimum 5): LA (2) is small, and ID (6), the smallest other, goes with it.
  agg::SummarizeSurveyResponse by_country;
  ASSERT_TRUE(Summarize(survey.id(), {"country"}, 0, &by_country).ok());
  EXPECT_THAT(by_country.by(), ElementsAre("country"));
  EXPECT_EQ(by_country.min_cell_size(), 5);
  EXPECT_EQ(by_country.response_count(), 60);
  EXPECT_EQ(
      Suppression(by_country),
      (std::map<std::string, bool>{
          {"ID", true}, {"LA", true}, {"MY", false}, {"PH", false}, {"TH", false}, {"VN", false}}));
  CheckCellFigures(by_country, rows, {"_country"});

  // By country and sector: LA government and PH civil-society are small; ID government is ID's
  // whole row, which the breakdown by country hid as LA's complement (shown here, it would give
  // LA's figures from the two breakdowns). Row PH then takes PH government, column civil-society
  // its smallest shown cell TH (6), and row TH then TH government.
  agg::SummarizeSurveyResponse two;
  ASSERT_TRUE(Summarize(survey.id(), {"country", "sector"}, 0, &two).ok());
  EXPECT_THAT(two.by(), ElementsAre("country", "sector"));
  EXPECT_EQ(Suppression(two), (std::map<std::string, bool>{{"ID|government", true},
                                                           {"LA|government", true},
                                                           {"MY|civil-society", false},
                                                           {"MY|government", false},
                                                           {"PH|civil-society", true},
                                                           {"PH|government", true},
                                                           {"TH|civil-society", true},
                                                           {"TH|government", true},
                                                           {"VN|civil-society", false},
                                                           {"VN|government", false}}));
  CheckCellFigures(two, rows, {"_country", "_sector"});

  // No small cell by sector.
  agg::SummarizeSurveyResponse by_sector;
  ASSERT_TRUE(Summarize(survey.id(), {"Sector"}, 0, &by_sector).ok());
  EXPECT_EQ(Suppression(by_sector),
            (std::map<std::string, bool>{{"civil-society", false}, {"government", false}}));

  // The minimum can be raised, never lowered. With 10: ID 6, LA 2 and PH 9 hide one another.
  agg::SummarizeSurveyResponse refused;
  EXPECT_THAT(Summarize(survey.id(), {"country"}, 3, &refused),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("min_cell_size")));
  agg::SummarizeSurveyResponse ten;
  ASSERT_TRUE(Summarize(survey.id(), {"country"}, 10, &ten).ok());
  EXPECT_EQ(ten.min_cell_size(), 10);
  EXPECT_EQ(
      Suppression(ten),
      (std::map<std::string, bool>{
          {"ID", true}, {"LA", true}, {"MY", false}, {"PH", true}, {"TH", false}, {"VN", false}}));
  CheckCellFigures(ten, rows, {"_country"});

  agg::SummarizeSurveyResponse bad;
  EXPECT_THAT(Summarize(survey.id(), {"region"}, 0, &bad),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                           AllOf(HasSubstr("by"), HasSubstr("region"))));
  EXPECT_THAT(Summarize(survey.id(), {"country", "sector", "gender"}, 0, &bad),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("by")));
  EXPECT_THAT(Summarize("srv_000000000000", {}, 0, &bad),
              GrpcStatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("srv_000000000000")));
}

constexpr char kCommentSurvey[] = R"json({"title": "Evaluation", "kind": "SURVEY_KIND_EVALUATION",
  "anonymous": true, "questions": [
    {"key": "overall", "text": "Overall satisfaction", "likert": {"points": 5}},
    {"key": "comment", "text": "Anything else?", "freeText": {}}]})json";

TEST_F(AggregationServerTest, AnonymousSurveysWithholdTheFiguresOfFewAnswers) {
  // By country: ID 6 respondents (2 comments), MY 9 (7), TH 8 (6). Every cell is shown; ID's
  // comment figures are withheld, and TH's as their complement (the overall comment figures less
  // MY's and TH's would give ID's); MY's are shown, without the answers' text.
  const sv::Survey survey = CreateSurvey(event_id_, kCommentSurvey);
  std::vector<Row> rows;
  for (const auto& [country, respondents, comments] :
       std::vector<std::tuple<std::string, int, int>>{{"ID", 6, 2}, {"MY", 9, 7}, {"TH", 8, 6}}) {
    for (int i = 0; i < respondents; ++i) {
      rows.push_back({{"overall", absl::StrCat(1 + i % 5)},
                      {"comment", i < comments ? absl::StrCat("comment ", country, " ", i) : ""},
                      {"_country", country}});
    }
  }
  Import(survey.id(), {"overall", "comment", "_country"}, rows);
  agg::SummarizeSurveyResponse summary;
  ASSERT_TRUE(Summarize(survey.id(), {"country"}, 0, &summary).ok());
  EXPECT_EQ(summary.min_cell_size(), 5);
  // Overall, 15 comments: shown, with their text.
  ASSERT_EQ(summary.questions_size(), 2);
  EXPECT_FALSE(summary.questions(1).suppressed());
  EXPECT_EQ(summary.questions(1).free_text().answered(), 15);
  EXPECT_EQ(summary.questions(1).free_text().uncoded_answers_size(), 15);
  std::map<std::string, std::string> comment;  // country -> reason, or the count shown
  for (const agg::BreakdownCell& cell : summary.cells()) {
    EXPECT_FALSE(cell.suppressed());
    ASSERT_EQ(cell.questions_size(), 2);
    EXPECT_FALSE(cell.questions(0).suppressed());
    const agg::QuestionSummary& q = cell.questions(1);
    comment[cell.values(0)] =
        q.suppressed() ? q.suppressed_reason() : absl::StrCat(q.free_text().answered(), " shown");
    EXPECT_THAT(q.free_text().uncoded_answers(), IsEmpty());
    if (q.suppressed()) {
      EXPECT_FALSE(q.has_free_text());
      EXPECT_EQ(q.missing(), 0);
    }
  }
  EXPECT_EQ(comment,
            (std::map<std::string, std::string>{
                {"ID", "fewer than 5 answers"}, {"MY", "7 shown"}, {"TH", "complementary"}}));

  // Three responses to an anonymous quiz: every question's figures and the score are withheld,
  // and no sentence gives them.
  const sv::Survey few = CreateSurvey(event_id_, kBreakdownSurvey);
  Import(few.id(), {"overall", "q1"},
         {{{"overall", "4"}, {"q1", "a"}},
          {{"overall", "2"}, {"q1", "b"}},
          {{"overall", "5"}, {"q1", "a"}}});
  agg::SummarizeSurveyResponse small;
  ASSERT_TRUE(Summarize(few.id(), {}, 0, &small).ok());
  EXPECT_EQ(small.response_count(), 3);
  ASSERT_EQ(small.questions_size(), 2);
  for (const agg::QuestionSummary& q : small.questions()) {
    EXPECT_TRUE(q.suppressed()) << q.key();
    EXPECT_EQ(q.suppressed_reason(), "fewer than 5 answers");
    EXPECT_EQ(q.statistics_case(), agg::QuestionSummary::STATISTICS_NOT_SET);
  }
  EXPECT_EQ(small.max_score(), 1);
  EXPECT_TRUE(small.score_suppressed());
  EXPECT_FALSE(small.has_score());
  EXPECT_THAT(small.highlights(), IsEmpty());
  // A higher minimum withholds more: MY's 7 comments too, and then ID's, MY's and TH's are all
  // withheld.
  agg::SummarizeSurveyResponse eight;
  ASSERT_TRUE(Summarize(survey.id(), {"country"}, 8, &eight).ok());
  for (const agg::BreakdownCell& cell : eight.cells()) {
    if (!cell.suppressed()) {
      EXPECT_TRUE(cell.questions(1).suppressed()) << cell.values(0);
    }
  }
}

TEST_F(AggregationServerTest, IdentifiedSurveysAreNotSuppressed) {
  std::string json = kBreakdownSurvey;
  json.replace(json.find("\"anonymous\": true"), 17, "\"anonymous\": false");
  const sv::Survey survey = CreateSurvey(event_id_, json);
  ASSERT_FALSE(survey.anonymous());
  const std::vector<Row> rows = BreakdownRows();
  Import(survey.id(), {"overall", "q1", "_country", "_sector"}, rows);
  agg::SummarizeSurveyResponse two;
  ASSERT_TRUE(Summarize(survey.id(), {"country", "sector"}, 0, &two).ok());
  EXPECT_FALSE(two.anonymous());
  EXPECT_EQ(two.min_cell_size(), 0);  // none applied
  ASSERT_EQ(two.cells_size(), 10);
  for (const agg::BreakdownCell& cell : two.cells()) EXPECT_FALSE(cell.suppressed());
  CheckCellFigures(two, rows, {"_country", "_sector"});
}

// --- c. Pre/post

constexpr char kPreTest[] = R"json({"title": "UNCAC pre-test", "kind": "SURVEY_KIND_PRE_TEST",
  "anonymous": true, "questions": [
    {"key": "q1", "text": "Preventive measures?", "quiz": {"correct": "ii", "points": 1,
     "options": [{"key": "ii", "label": "Chapter II"}, {"key": "v", "label": "Chapter V"}]}},
    {"key": "q2", "text": "Asset recovery?", "quiz": {"correct": "v", "points": 2,
     "options": [{"key": "ii", "label": "Chapter II"}, {"key": "v", "label": "Chapter V"}]}},
    {"key": "q3", "text": "Criminalization?", "quiz": {"correct": "iii", "points": 1,
     "options": [{"key": "iii", "label": "Chapter III"}, {"key": "iv", "label": "Chapter IV"}]}}]})json";

// Which of q1..q3 person i answers correctly before and after the training.
std::vector<bool> PreCorrect(int i) { return {i % 2 == 0, i % 3 == 0, i < 3}; }
std::vector<bool> PostCorrect(int i) { return {i != 4, i % 2 == 0 || i == 8, i < 5}; }

std::map<std::string, std::string> QuizAnswers(const std::vector<bool>& correct) {
  return {{"q1", correct[0] ? "ii" : "v"},
          {"q2", correct[1] ? "v" : "ii"},
          {"q3", correct[2] ? "iii" : "iv"}};
}

int QuizScore(const std::vector<bool>& correct) {
  return (correct[0] ? 1 : 0) + (correct[1] ? 2 : 0) + (correct[2] ? 1 : 0);
}

TEST_F(AggregationServerTest, PrePostPairsThePeopleWhoTookBothWithOneToken) {
  std::vector<std::string> people;
  for (int i = 0; i < 10; ++i) {
    people.push_back(AddParticipant(event_id_, i, i % 2 == 0 ? "MY" : "TH", reg::SECTOR_GOVERNMENT,
                                    reg::GENDER_FEMALE)
                         .id());
  }
  // A pre-test and its post-test from `pre_json`.
  auto create = [&](const std::string& pre_json) {
    const sv::Survey pre = CreateSurvey(event_id_, pre_json);
    std::string post_json = pre_json;
    absl::StrReplaceAll(
        {{"SURVEY_KIND_PRE_TEST", "SURVEY_KIND_POST_TEST"}, {"UNCAC pre-test", "UNCAC post-test"}},
        &post_json);
    return std::make_pair(pre, CreateSurvey(event_id_, post_json, pre.id()));
  };
  // Person i's answers to both tests, with the pre-test's tokens (which serve the post-test too):
  // 0..5 take both, 6 and 7 only the pre-test, 8 only the post-test, 9 neither; or, with
  // `everyone`, all ten take both.
  auto take = [&](const sv::Survey& pre, const sv::Survey& post, bool everyone) {
    const std::map<std::string, std::string> tokens = IssueTokens(pre.id());
    ASSERT_EQ(tokens.size(), 10u);
    for (int i = 0; i < 10; ++i) {
      if (everyone || i <= 7) Submit(pre.id(), tokens.at(people[i]), QuizAnswers(PreCorrect(i)));
      if (everyone || i <= 5 || i == 8) {
        Submit(post.id(), tokens.at(people[i]), QuizAnswers(PostCorrect(i)));
      }
    }
  };
  // Identified tests: every figure.
  std::string identified_json = kPreTest;
  identified_json.replace(identified_json.find("\"anonymous\": true"), 17, "\"anonymous\": false");
  const auto [pre, post] = create(identified_json);
  ASSERT_FALSE(pre.anonymous());
  take(pre, post, /*everyone=*/false);
  std::vector<double> pre_scores, post_scores;
  int pre_correct[3] = {0, 0, 0}, post_correct[3] = {0, 0, 0};
  int pre_count = 0, post_count = 0;
  for (int i = 0; i <= 8; ++i) {
    if (i <= 7) {
      ++pre_count;
      for (int q = 0; q < 3; ++q) pre_correct[q] += PreCorrect(i)[q] ? 1 : 0;
    }
    if (i <= 5 || i == 8) {
      ++post_count;
      for (int q = 0; q < 3; ++q) post_correct[q] += PostCorrect(i)[q] ? 1 : 0;
    }
    if (i <= 5) {
      pre_scores.push_back(QuizScore(PreCorrect(i)));
      post_scores.push_back(QuizScore(PostCorrect(i)));
    }
  }

  agg::ComparePrePostResponse c;
  grpc::Status status = ComparePrePost(pre.id(), post.id(), &c);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(c.pre_survey_id(), pre.id());
  EXPECT_EQ(c.post_survey_id(), post.id());
  EXPECT_EQ(c.pairs(), 6);
  EXPECT_EQ(c.unpaired_pre(), 2);
  EXPECT_EQ(c.unpaired_post(), 1);
  EXPECT_EQ(c.max_score(), 4);
  EXPECT_EQ(c.min_cell_size(), 0);  // none applied
  EXPECT_FALSE(c.suppressed());
  double mean_pre = 0, mean_post = 0;
  std::vector<double> gains;
  for (size_t i = 0; i < pre_scores.size(); ++i) {
    mean_pre += pre_scores[i] / 6;
    mean_post += post_scores[i] / 6;
    gains.push_back(post_scores[i] - pre_scores[i]);
  }
  const double mean_gain = mean_post - mean_pre;
  double squares = 0;
  for (double gain : gains) squares += (gain - mean_gain) * (gain - mean_gain);
  const double half = kT975Df5 * std::sqrt(squares / 5) / std::sqrt(6.0);
  EXPECT_NEAR(c.mean_pre(), mean_pre, 1e-12);
  EXPECT_NEAR(c.mean_post(), mean_post, 1e-12);
  EXPECT_NEAR(c.mean_gain(), mean_gain, 1e-12);
  EXPECT_NEAR(c.gain_ci_low(), mean_gain - half, 1e-9);
  EXPECT_NEAR(c.gain_ci_high(), mean_gain + half, 1e-9);
  EXPECT_NEAR(c.normalized_gain(), mean_gain / (4 - mean_pre), 1e-12);
  EXPECT_TRUE(c.has_wilcoxon_p_value());
  ASSERT_EQ(c.items_size(), 3);
  for (int q = 0; q < 3; ++q) {
    EXPECT_EQ(c.items(q).key(), absl::StrCat("q", q + 1));
    EXPECT_FALSE(c.items(q).suppressed());
    EXPECT_NEAR(c.items(q).percent_correct_pre(), 100.0 * pre_correct[q] / pre_count, 1e-12);
    EXPECT_NEAR(c.items(q).percent_correct_post(), 100.0 * post_correct[q] / post_count, 1e-12);
  }
  EXPECT_THAT(c.highlights(),
              ElementsAre(HasSubstr("6 participants took both tests"),
                          "3 responses could not be paired (2 pre-test only, 1 post-test only)."));

  // The same answers to anonymous tests: 2 took only the pre-test, whose own mean score (of 8)
  // less the paired mean (of 6) would give those 2's. Every figure is withheld, items included,
  // and no sentence gives one; the counts stay.
  const auto [anonymous_pre, anonymous_post] = create(kPreTest);
  ASSERT_TRUE(anonymous_pre.anonymous());
  take(anonymous_pre, anonymous_post, /*everyone=*/false);
  agg::ComparePrePostResponse withheld;
  status = ComparePrePost(anonymous_pre.id(), anonymous_post.id(), &withheld);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(withheld.pairs(), 6);
  EXPECT_EQ(withheld.unpaired_pre(), 2);
  EXPECT_EQ(withheld.unpaired_post(), 1);
  EXPECT_EQ(withheld.max_score(), 4);
  EXPECT_EQ(withheld.min_cell_size(), 5);
  EXPECT_TRUE(withheld.suppressed());
  EXPECT_EQ(withheld.suppressed_reason(), "fewer than 5 took only the pre-test");
  EXPECT_FALSE(withheld.has_mean_pre());
  EXPECT_FALSE(withheld.has_mean_post());
  EXPECT_FALSE(withheld.has_mean_gain());
  EXPECT_FALSE(withheld.has_gain_ci_low());
  EXPECT_FALSE(withheld.has_normalized_gain());
  EXPECT_FALSE(withheld.has_wilcoxon_p_value());
  ASSERT_EQ(withheld.items_size(), 3);
  for (const agg::PrePostItem& item : withheld.items()) {
    EXPECT_TRUE(item.suppressed()) << item.key();
    EXPECT_EQ(item.suppressed_reason(), "fewer than 5 took only the pre-test");
    EXPECT_FALSE(item.has_percent_correct_pre());
    EXPECT_FALSE(item.has_percent_correct_post());
  }
  EXPECT_THAT(withheld.highlights(),
              ElementsAre("3 responses could not be paired (2 pre-test only, 1 post-test only)."));

  // Anonymous tests that all ten took: figures, as for identified tests; unless the minimum is
  // raised above the pairs. It is never lowered.
  const auto [all_pre, all_post] = create(kPreTest);
  take(all_pre, all_post, /*everyone=*/true);
  agg::ComparePrePostResponse all;
  ASSERT_TRUE(ComparePrePost(all_pre.id(), all_post.id(), &all).ok());
  EXPECT_EQ(all.pairs(), 10);
  EXPECT_EQ(all.min_cell_size(), 5);
  EXPECT_FALSE(all.suppressed());
  EXPECT_TRUE(all.has_mean_gain());
  ASSERT_EQ(all.items_size(), 3);
  for (const agg::PrePostItem& item : all.items()) {
    EXPECT_FALSE(item.suppressed()) << item.key();
    EXPECT_TRUE(item.has_percent_correct_pre()) << item.key();
  }
  EXPECT_THAT(all.highlights(), ElementsAre(HasSubstr("10 participants took both tests")));
  agg::ComparePrePostResponse eleven;
  ASSERT_TRUE(ComparePrePost(all_pre.id(), all_post.id(), &eleven, 11).ok());
  EXPECT_EQ(eleven.min_cell_size(), 11);
  EXPECT_EQ(eleven.suppressed_reason(), "fewer than 11 pairs");
  EXPECT_FALSE(eleven.has_mean_gain());
  EXPECT_THAT(eleven.highlights(), IsEmpty());
  agg::ComparePrePostResponse refused;
  EXPECT_THAT(ComparePrePost(all_pre.id(), all_post.id(), &refused, 3),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("min_cell_size")));

  // The post-test as the pre-test, or an evaluation as the post-test: refused, naming the field.
  EXPECT_THAT(ComparePrePost(post.id(), pre.id(), &refused),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("pre_survey_id")));
  const sv::Survey evaluation = CreateSurvey(event_id_, kBreakdownSurvey);
  EXPECT_THAT(ComparePrePost(pre.id(), evaluation.id(), &refused),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("post_survey_id")));
}

// --- d. Participation

MATCHER_P3(CountIs, value, count, percent, "") {
  *result_listener << "{" << arg.value() << ", " << arg.count() << ", " << arg.percent() << "}";
  return arg.value() == value && arg.count() == count && std::abs(arg.percent() - percent) < 1e-12;
}

TEST_F(AggregationServerTest, ParticipationByStatusDayAndSpeakerGender) {
  const std::string event = CreateEvent("Webinar on asset recovery", "2024-10-01", "2024-10-02", 8);
  // Ten people for eight seats: country by i % 3 (MY, TH, VN), sector by i % 2 (government,
  // civil society), female when i % 3 == 0, gender not given for 7, speakers 0 and 1.
  const char* countries[] = {"MY", "TH", "VN"};
  std::vector<std::string> people;
  for (int i = 0; i < 10; ++i) {
    const reg::Participant p = AddParticipant(
        event, i, countries[i % 3], i % 2 == 0 ? reg::SECTOR_GOVERNMENT : reg::SECTOR_CIVIL_SOCIETY,
        i == 7 ? reg::GENDER_UNSPECIFIED : (i % 3 == 0 ? reg::GENDER_FEMALE : reg::GENDER_MALE),
        i < 2 ? reg::ROLE_SPEAKER : reg::ROLE_PARTICIPANT);
    EXPECT_EQ(p.status(),
              i < 8 ? reg::PARTICIPANT_STATUS_CONFIRMED : reg::PARTICIPANT_STATUS_WAITLISTED);
    people.push_back(p.id());
  }
  {  // 2 cancels; 8, the first waitlisted, takes the seat.
    reg::CancelParticipantRequest request;
    request.set_participant_id(people[2]);
    reg::CancelParticipantResponse response;
    auto context = NewCallContext();
    ASSERT_TRUE(registration_stub_->CancelParticipant(context.get(), request, &response).ok());
    EXPECT_EQ(response.promoted().id(), people[8]);
  }
  for (const auto& [day, who] : std::vector<std::pair<std::string, std::vector<int>>>{
           {"2024-10-01", {0, 1, 3, 4}}, {"2024-10-02", {0, 3, 5}}}) {
    for (int i : who) {
      reg::CheckInParticipantRequest request;
      request.set_participant_id(people[i]);
      request.set_day(day);
      reg::CheckInParticipantResponse response;
      auto context = NewCallContext();
      grpc::Status status =
          registration_stub_->CheckInParticipant(context.get(), request, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }
  // Speakers: 0 chairs a panel of 1 and 3; 4 and 1 present. Distinct: 0, 1, 3, 4.
  auto add_session = [&](const std::string& title, const std::string& start, const std::string& end,
                         ag::SessionKind kind, const std::string& chair,
                         std::vector<std::string> speakers) {
    ag::AddSessionRequest request;
    ag::Session* s = request.mutable_session();
    s->set_event_id(event);
    s->set_title(title);
    s->set_kind(kind);
    s->set_start(start);
    s->set_end(end);
    s->set_room("Main Hall");
    s->set_chair_id(chair);
    for (const std::string& id : speakers) s->add_speaker_ids(id);
    ag::AddSessionResponse response;
    auto context = NewCallContext();
    grpc::Status status = agenda_stub_->AddSession(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
  };
  add_session("Tracing assets", "2024-10-01T09:00", "2024-10-01T10:30", ag::SESSION_KIND_PANEL,
              people[0], {people[1], people[3]});
  add_session("Returning assets", "2024-10-02T09:00", "2024-10-02T10:00",
              ag::SESSION_KIND_PRESENTATION, "", {people[4], people[1]});

  agg::SummarizeParticipationResponse r;
  grpc::Status status = Participation(event, &r);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(r.event_id(), event);
  EXPECT_EQ(r.title(), "Webinar on asset recovery");
  EXPECT_EQ(r.registered(), 10);
  // Most frequent first, ties in alphabetical order.
  EXPECT_THAT(r.by_status(),
              ElementsAre(CountIs("confirmed", 8, 80.0), CountIs("cancelled", 1, 10.0),
                          CountIs("waitlisted", 1, 10.0)));
  // Confirmed: 0 1 3 4 5 6 7 8.
  EXPECT_THAT(r.by_country(),
              ElementsAre(CountIs("MY", 3, 37.5), CountIs("TH", 3, 37.5), CountIs("VN", 2, 25.0)));
  EXPECT_THAT(r.by_sector(),
              ElementsAre(CountIs("civil-society", 4, 50.0), CountIs("government", 4, 50.0)));
  EXPECT_THAT(r.by_gender(), ElementsAre(CountIs("male", 4, 50.0), CountIs("female", 3, 37.5),
                                         CountIs("not given", 1, 12.5)));
  EXPECT_THAT(r.by_role(),
              ElementsAre(CountIs("participant", 6, 75.0), CountIs("speaker", 2, 25.0)));
  ASSERT_EQ(r.attendance_size(), 2);
  EXPECT_EQ(r.attendance(0).day(), "2024-10-01");
  EXPECT_EQ(r.attendance(0).checked_in(), 4);
  EXPECT_THAT(r.attendance(0).by_gender(),
              ElementsAre(CountIs("female", 2, 50.0), CountIs("male", 2, 50.0)));
  EXPECT_EQ(r.attendance(1).day(), "2024-10-02");
  EXPECT_EQ(r.attendance(1).checked_in(), 3);
  EXPECT_THAT(r.attendance(1).by_gender(),
              ElementsAre(CountIs("female", 2, 200.0 / 3), CountIs("male", 1, 100.0 / 3)));
  EXPECT_EQ(r.speakers(), 4);
  EXPECT_THAT(r.speakers_by_gender(),
              ElementsAre(CountIs("female", 2, 50.0), CountIs("male", 2, 50.0)));
  EXPECT_THAT(r.warnings(), IsEmpty());

  // Without the agenda the rest of the report stands, and says what is missing.
  agenda_->Stop(SIGTERM);
  const absl::Time start = absl::Now();
  agg::SummarizeParticipationResponse without;
  status = Participation(event, &without);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_THAT(without.warnings(), ElementsAre(AllOf(HasSubstr("agenda"), HasSubstr("speakers"))));
  EXPECT_EQ(without.speakers(), 0);
  EXPECT_THAT(without.speakers_by_gender(), IsEmpty());
  EXPECT_EQ(without.registered(), 10);
  ASSERT_EQ(without.attendance_size(), 2);
  EXPECT_EQ(without.attendance(0).checked_in(), 4);

  agg::SummarizeParticipationResponse unknown;
  EXPECT_THAT(Participation("evt_000000000000", &unknown),
              GrpcStatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("evt_000000000000")));
}

// --- e. Across events

constexpr char kFollowUp[] = R"json({"title": "Follow-up", "kind": "SURVEY_KIND_EVALUATION",
  "questions": [
    {"key": "useful", "text": "Have you used what you learned?", "singleChoice": {"options": [
      {"key": "yes", "label": "Yes"}, {"key": "no", "label": "No"}]}},
    {"key": "overall", "text": "Overall satisfaction", "likert": {"points": 5}}]})json";

TEST_F(AggregationServerTest, CompareEventsFollowsOneQuestionKey) {
  const std::string first = CreateEvent("Workshop 2023", "2023-05-30", "2023-05-31", 30);
  const std::string second = CreateEvent("Workshop 2024", "2024-10-01", "2024-10-02", 30);
  const std::string third = CreateEvent("Webinar 2024", "2024-11-05", "2024-11-05", 30);
  const sv::Survey a = CreateSurvey(first, kBreakdownSurvey);
  Import(a.id(), {"overall"}, {{{"overall", "4"}}, {{"overall", "5"}}, {{"overall", "3"}}});
  // The second event's latest survey asking "overall" is the one reported.
  const sv::Survey older = CreateSurvey(second, kBreakdownSurvey);
  Import(older.id(), {"overall"}, {{{"overall", "1"}}, {{"overall", "1"}}});
  const sv::Survey newer = CreateSurvey(second, kFollowUp);
  Import(newer.id(), {"useful", "overall"},
         {{{"useful", "yes"}, {"overall", "5"}},
          {{"useful", "no"}, {"overall", "4"}},
          {{"useful", "yes"}, {"overall", "4"}},
          {{"useful", "yes"}, {"overall", "5"}},
          {{"useful", "yes"}}});

  agg::CompareEventsRequest request;
  request.set_question_key("overall");
  for (const std::string& id : {second, third, first}) request.add_event_ids(id);
  agg::CompareEventsResponse response;
  {
    auto context = NewCallContext();
    grpc::Status status = stub_->CompareEvents(context.get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(response.question_key(), "overall");
  ASSERT_EQ(response.events_size(), 3);
  const agg::EventQuestion& b = response.events(0);
  EXPECT_EQ(b.event_id(), second);
  EXPECT_EQ(b.event_title(), "Workshop 2024");
  EXPECT_EQ(b.start_date(), "2024-10-01");
  EXPECT_EQ(b.survey_id(), newer.id());
  EXPECT_EQ(b.survey_kind(), sv::SURVEY_KIND_EVALUATION);
  EXPECT_EQ(b.response_count(), 5);
  EXPECT_EQ(b.question().key(), "overall");
  EXPECT_EQ(b.question().missing(), 1);
  EXPECT_DOUBLE_EQ(b.question().scale().mean(), 4.5);
  EXPECT_NEAR(b.question().scale().top_two_box_percent(), 100.0, 1e-12);
  const agg::EventQuestion& none = response.events(1);
  EXPECT_EQ(none.event_id(), third);
  EXPECT_EQ(none.survey_id(), "");
  EXPECT_EQ(none.response_count(), 0);
  EXPECT_FALSE(none.has_question());
  // The first event's survey is anonymous and only 3 answered: its figures are withheld, as in
  // its own summary.
  const agg::EventQuestion& c = response.events(2);
  EXPECT_EQ(c.event_id(), first);
  EXPECT_EQ(c.start_date(), "2023-05-30");
  EXPECT_EQ(c.survey_id(), a.id());
  EXPECT_EQ(c.response_count(), 3);
  EXPECT_EQ(c.question().key(), "overall");
  EXPECT_TRUE(c.question().suppressed());
  EXPECT_EQ(c.question().suppressed_reason(), "fewer than 5 answers");
  EXPECT_FALSE(c.question().has_scale());

  request.clear_event_ids();
  auto context = NewCallContext();
  EXPECT_THAT(stub_->CompareEvents(context.get(), request, &response),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("event_ids")));
}

// --- f. Services down

// Calls `call` until it stops answering UNAVAILABLE (the channels reconnect within their
// backoff), for at most 20 s.
grpc::Status UntilAvailable(const std::function<grpc::Status()>& call) {
  grpc::Status status;
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  do {
    status = call();
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    absl::SleepFor(absl::Milliseconds(100));
  } while (absl::Now() < give_up);
  return status;
}

TEST_F(AggregationServerTest, RegistrationOrSurveyDownIsUnavailableAndRecoversWithoutRestart) {
  // Identified, so that the figures of its two responses are shown (an anonymous survey would
  // withhold them).
  std::string json = kBreakdownSurvey;
  json.replace(json.find("\"anonymous\": true"), 17, "\"anonymous\": false");
  const sv::Survey survey = CreateSurvey(event_id_, json);
  Import(survey.id(), {"overall", "q1"}, {{{"overall", "4"}, {"q1", "a"}}, {{"overall", "2"}}});
  auto summarize = [&](agg::SummarizeSurveyResponse* response) {
    return Summarize(survey.id(), {}, 0, response);
  };
  agg::SummarizeSurveyResponse response;
  ASSERT_TRUE(summarize(&response).ok());

  const int registration_port = registration_->port();
  registration_->Stop(SIGKILL);
  absl::Time start = absl::Now();
  EXPECT_THAT(summarize(&response),
              GrpcStatusIs(grpc::StatusCode::UNAVAILABLE, HasSubstr("registration")));
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  StartRegistration(registration_port);
  grpc::Status status = UntilAvailable([&] { return summarize(&response); });
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.response_count(), 2);
  EXPECT_DOUBLE_EQ(response.questions(0).scale().mean(), 3.0);

  const int survey_port = survey_->port();
  survey_->Stop(SIGKILL);
  start = absl::Now();
  EXPECT_THAT(summarize(&response),
              GrpcStatusIs(grpc::StatusCode::UNAVAILABLE,
                           AllOf(HasSubstr("survey"), HasSubstr(absl::StrCat(survey_port)))));
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  StartSurvey(survey_port);
  response.Clear();
  status = UntilAvailable([&] { return summarize(&response); });
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.response_count(), 2);
}

constexpr char kCodedSurvey[] = R"json({"title": "Evaluation", "kind": "SURVEY_KIND_EVALUATION",
  "anonymous": true, "questions": [
    {"key": "overall", "text": "Overall satisfaction", "likert": {"points": 5}},
    {"key": "most_useful", "text": "What was the most useful aspect?", "freeText": {}}]})json";

// Summarising again reads only the responses submitted since (the aggregation service keeps the
// figures of its last summary); what it reports must be exactly what a fresh service computes from
// every response, also after new responses and after theme codes changed stored ones.
TEST_F(AggregationServerTest, RepeatedSummariesAgreeWithAFreshServiceAfterNewResponsesAndCodes) {
  const sv::Survey survey = CreateSurvey(event_id_, kCodedSurvey);
  const std::vector<std::string> header = {"overall", "most_useful", "_country"};
  const char* texts[] = {"Peer experience sharing", "The site visit", "Sharing with peers", ""};
  const char* countries[] = {"MY", "ID", "TH"};
  auto rows = [&](int first, int count) {
    std::vector<Row> out;
    for (int i = first; i < first + count; ++i) {
      out.push_back(Row{{"overall", absl::StrCat(1 + i % 5)},
                        {"most_useful", texts[i % 4]},
                        {"_country", countries[i % 3]}});
    }
    return out;
  };
  auto summarize = [&](std::vector<std::string> by) {
    agg::SummarizeSurveyResponse summary;
    grpc::Status status = Summarize(survey.id(), by, 0, &summary);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return summary;
  };
  auto fresh = [&](std::vector<std::string> by) {
    StartAggregation(0);  // a new process: nothing kept
    return summarize(by);
  };
  auto same = [](const agg::SummarizeSurveyResponse& a, const agg::SummarizeSurveyResponse& b) {
    std::string differences;
    google::protobuf::util::MessageDifferencer differencer;
    differencer.ReportDifferencesToString(&differences);
    return differencer.Compare(a, b) ? ::testing::AssertionSuccess()
                                     : ::testing::AssertionFailure() << differences;
  };

  Import(survey.id(), header, rows(0, 40));
  EXPECT_EQ(summarize({}).response_count(), 40);
  EXPECT_EQ(summarize({"country"}).cells_size(), 3);
  Import(survey.id(), header, rows(40, 23));
  const agg::SummarizeSurveyResponse warm = summarize({});
  const agg::SummarizeSurveyResponse warm_by_country = summarize({"country"});
  EXPECT_EQ(warm.response_count(), 63);
  EXPECT_TRUE(same(warm, fresh({})));
  EXPECT_TRUE(same(warm_by_country, summarize({"country"})));

  // Codes change responses already counted: the next summary must see them.
  sv::CodeAnswersRequest code;
  code.set_survey_id(survey.id());
  code.set_question_key("most_useful");
  auto* rule = code.mutable_codebook()->add_rules();
  rule->set_code("peer experience sharing");
  rule->add_keywords("peers");
  rule->add_keywords("peer");
  sv::CodeAnswersResponse coded;
  {
    auto context = NewCallContext();
    ASSERT_TRUE(survey_stub_->CodeAnswers(context.get(), code, &coded).ok());
  }
  ASSERT_GT(coded.coded_count(), 0);
  const agg::SummarizeSurveyResponse recoded = summarize({});
  ASSERT_EQ(recoded.questions(1).free_text().themes_size(), 1);
  EXPECT_EQ(recoded.questions(1).free_text().themes(0).count(), coded.coded_count());
  EXPECT_TRUE(same(recoded, fresh({})));
}

}  // namespace
}  // namespace convene
