// The survey service as operators run it: real convene-registration and convene-survey processes on
// loopback ports, each with its SQLite file, called through gRPC. Covers the lifecycle, validation
// of every question kind, single use of a token under 32 concurrent submissions, anonymity as
// stored on disk, pre/post pairing, CSV import, coding, the response stream, and registration or
// the survey service itself going down.
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "convene/registration/v1/registration_service.grpc.pb.h"
#include "convene/survey/v1/survey_service.grpc.pb.h"
#include "services/common/client.h"
#include "services/common/testing/process.h"
#include "services/common/testing/status_matchers.h"

namespace convene {
namespace {

namespace reg = ::convene::registration::v1;
namespace sv = ::convene::survey::v1;
using ::convene::testing::GrpcStatusIs;
using ::convene::testing::ServiceProcess;
using ::testing::AllOf;
using ::testing::HasSubstr;

// The issue's example definition, every question kind, in protobuf JSON.
constexpr char kEvaluation[] = R"json({
  "title": "Workshop evaluation", "kind": "SURVEY_KIND_EVALUATION", "anonymous": true,
  "questions": [
    {"key": "overall", "text": "Overall satisfaction", "required": true,
     "likert": {"points": 5, "labels": ["Very dissatisfied", "Dissatisfied", "Neutral",
                                        "Satisfied", "Very satisfied"]}},
    {"key": "recommend", "text": "How likely are you to recommend it?",
     "rating": {"min": 0, "max": 10}},
    {"key": "format", "text": "Preferred format", "singleChoice": {"options": [
      {"key": "in_person", "label": "In person"}, {"key": "online", "label": "Online"}]}},
    {"key": "topics", "text": "Most relevant topics", "multipleChoice": {"maxSelections": 2,
     "options": [{"key": "whistleblowers", "label": "Whistle-blower protection"},
                 {"key": "procurement", "label": "Procurement"},
                 {"key": "asset_recovery", "label": "Asset recovery"}]}},
    {"key": "hours", "text": "Hours per week on anti-corruption work",
     "number": {"min": 0, "max": 80, "hasMin": true, "hasMax": true}},
    {"key": "most_useful", "text": "What was the most useful aspect?",
     "freeText": {"maxLength": 200}},
    {"key": "uncac_ch2", "text": "Which UNCAC chapter covers preventive measures?",
     "quiz": {"correct": "ii", "points": 1, "options": [{"key": "ii", "label": "Chapter II"},
                                                        {"key": "v", "label": "Chapter V"}]}}]})json";

sv::Answer Scale(const std::string& key, int value) {
  sv::Answer a;
  a.set_question_key(key);
  a.set_scale(value);
  return a;
}
sv::Answer Number(const std::string& key, double value) {
  sv::Answer a;
  a.set_question_key(key);
  a.set_number(value);
  return a;
}
sv::Answer Choice(const std::string& key, const std::string& value) {
  sv::Answer a;
  a.set_question_key(key);
  a.set_choice(value);
  return a;
}
sv::Answer Text(const std::string& key, const std::string& value) {
  sv::Answer a;
  a.set_question_key(key);
  a.set_text(value);
  return a;
}
sv::Answer Selections(const std::string& key, std::vector<std::string> values) {
  sv::Answer a;
  a.set_question_key(key);
  for (auto& v : values) a.mutable_selections()->add_option_keys(v);
  return a;
}

class SurveyServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = testing::MakeTempDir("survey");
    StartRegistration(0);
    StartSurvey(0);
    event_id_ = CreateEvent();
    const char* countries[] = {"MY", "ID", "TH", "VN", "PH", "KH", "LA", "MM"};
    for (int i = 0; i < 8; ++i) people_.push_back(AddParticipant(i, countries[i]));
  }

  void StartRegistration(int port) {
    auto process =
        ServiceProcess::Start("convene-registration", data_dir_ + "/registration", {}, port);
    ASSERT_TRUE(process.ok()) << process.status();
    registration_.emplace(std::move(process).value());
    registration_stub_ = reg::RegistrationService::NewStub(MakeChannel(registration_->address()));
  }

  void StartSurvey(int port) {
    auto process = ServiceProcess::Start("convene-survey", data_dir_ + "/survey",
                                         {"--registration_addr=" + registration_->address()}, port);
    ASSERT_TRUE(process.ok()) << process.status();
    survey_.emplace(std::move(process).value());
    stub_ = sv::SurveyService::NewStub(MakeChannel(survey_->address()));
  }

  std::string CreateEvent() {
    reg::CreateEventRequest request;
    request.mutable_event()->set_title("Regional dialogue on anti-corruption and human rights");
    request.mutable_event()->set_time_zone("Asia/Kuala_Lumpur");
    request.mutable_event()->set_start_date("2024-10-01");
    request.mutable_event()->set_end_date("2024-10-02");
    request.mutable_event()->set_capacity(7);  // the eighth participant is waitlisted
    reg::CreateEventResponse response;
    auto context = NewCallContext();
    EXPECT_TRUE(registration_stub_->CreateEvent(context.get(), request, &response).ok());
    return response.event().id();
  }

  std::string AddParticipant(int n, const std::string& country) {
    reg::AddParticipantRequest request;
    reg::Participant* p = request.mutable_participant();
    p->set_event_id(event_id_);
    p->set_name(absl::StrCat("Delegate ", n));
    p->set_email(absl::StrCat("delegate", n, "@example.org"));
    p->set_country(country);
    p->set_sector(n % 2 == 0 ? reg::SECTOR_GOVERNMENT : reg::SECTOR_CIVIL_SOCIETY);
    p->set_gender(n % 3 == 0 ? reg::GENDER_FEMALE : reg::GENDER_MALE);
    reg::AddParticipantResponse response;
    auto context = NewCallContext();
    EXPECT_TRUE(registration_stub_->AddParticipant(context.get(), request, &response).ok());
    return response.participant().id();
  }

  static sv::Survey Definition(const char* json) {
    sv::Survey survey;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &survey).ok());
    return survey;
  }

  grpc::Status Create(sv::Survey survey, sv::Survey* created) {
    sv::CreateSurveyRequest request;
    survey.set_event_id(event_id_);
    *request.mutable_survey() = std::move(survey);
    sv::CreateSurveyResponse response;
    auto context = NewCallContext();
    grpc::Status status = stub_->CreateSurvey(context.get(), request, &response);
    if (created != nullptr) *created = response.survey();
    return status;
  }

  std::string CreateAndOpen(const char* json) {
    sv::Survey created;
    EXPECT_TRUE(Create(Definition(json), &created).ok());
    EXPECT_TRUE(Open(created.id()).ok());
    return created.id();
  }

  grpc::Status Open(const std::string& survey_id) {
    sv::OpenSurveyRequest request;
    request.set_survey_id(survey_id);
    sv::OpenSurveyResponse response;
    auto context = NewCallContext();
    return stub_->OpenSurvey(context.get(), request, &response);
  }

  grpc::Status Close(const std::string& survey_id) {
    sv::CloseSurveyRequest request;
    request.set_survey_id(survey_id);
    sv::CloseSurveyResponse response;
    auto context = NewCallContext();
    return stub_->CloseSurvey(context.get(), request, &response);
  }

  // participant id -> token
  std::map<std::string, std::string> Issue(const std::string& survey_id, bool reissue = false) {
    sv::IssueTokensRequest request;
    request.set_survey_id(survey_id);
    request.set_reissue_unused(reissue);
    sv::IssueTokensResponse response;
    auto context = NewCallContext();
    grpc::Status status = stub_->IssueTokens(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::map<std::string, std::string> tokens;
    for (const sv::Token& t : response.tokens()) tokens[t.participant_id()] = t.token();
    return tokens;
  }

  grpc::Status Submit(const std::string& survey_id, const std::string& token,
                      std::vector<sv::Answer> answers, sv::Response* stored = nullptr) {
    sv::SubmitResponseRequest request;
    request.set_survey_id(survey_id);
    request.set_token(token);
    for (auto& a : answers) *request.add_answers() = std::move(a);
    sv::SubmitResponseResponse response;
    auto context = NewCallContext();
    grpc::Status status = stub_->SubmitResponse(context.get(), request, &response);
    if (stored != nullptr) *stored = response.response();
    return status;
  }

  static std::vector<sv::Answer> GoodAnswers() {
    return {Scale("overall", 4),
            Scale("recommend", 9),
            Choice("format", "in_person"),
            Selections("topics", {"procurement", "whistleblowers"}),
            Number("hours", 12),
            Text("most_useful", "Hearing peers describe their whistle-blower laws"),
            Choice("uncac_ch2", "ii")};
  }

  sv::GetSurveyResponse Get(const std::string& survey_id) {
    sv::GetSurveyRequest request;
    request.set_survey_id(survey_id);
    sv::GetSurveyResponse response;
    auto context = NewCallContext();
    EXPECT_TRUE(stub_->GetSurvey(context.get(), request, &response).ok());
    return response;
  }

  std::vector<sv::Response> StreamAll(const std::string& survey_id, int page_size,
                                      int* messages = nullptr) {
    sv::StreamResponsesRequest request;
    request.set_survey_id(survey_id);
    request.set_page_size(page_size);
    auto context = NewCallContext();
    auto reader = stub_->StreamResponses(context.get(), request);
    std::vector<sv::Response> all;
    sv::StreamResponsesResponse page;
    int count = 0;
    while (reader->Read(&page)) {
      ++count;
      for (const auto& r : page.responses()) all.push_back(r);
    }
    grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (messages != nullptr) *messages = count;
    return all;
  }

  std::string data_dir_;
  std::optional<ServiceProcess> registration_;
  std::optional<ServiceProcess> survey_;
  std::unique_ptr<reg::RegistrationService::Stub> registration_stub_;
  std::unique_ptr<sv::SurveyService::Stub> stub_;
  std::string event_id_;
  std::vector<std::string> people_;
};

TEST_F(SurveyServerTest, LifecycleFromDraftToClosed) {
  sv::Survey survey;
  ASSERT_TRUE(Create(Definition(kEvaluation), &survey).ok());
  EXPECT_EQ(survey.state(), sv::SURVEY_STATE_DRAFT);
  EXPECT_EQ(survey.questions(5).free_text().max_length(), 200);
  // Tokens can go out before opening; only confirmed participants get one (the eighth is
  // waitlisted).
  auto tokens = Issue(survey.id());
  ASSERT_EQ(tokens.size(), 7u);
  EXPECT_EQ(tokens.count(people_[7]), 0u);
  EXPECT_EQ(tokens.at(people_[0]).size(), 26u);
  EXPECT_TRUE(Issue(survey.id()).empty());  // nobody gets a second token

  EXPECT_THAT(Submit(survey.id(), tokens.at(people_[0]), GoodAnswers()),
              GrpcStatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("draft")));
  ASSERT_TRUE(Open(survey.id()).ok());
  sv::Response stored;
  ASSERT_TRUE(Submit(survey.id(), tokens.at(people_[0]), GoodAnswers(), &stored).ok());
  EXPECT_EQ(stored.participant_id(), "");  // anonymous
  EXPECT_EQ(stored.attributes().country(), "MY");
  EXPECT_EQ(stored.attributes().sector(), "government");
  EXPECT_EQ(stored.attributes().gender(), "female");
  EXPECT_EQ(stored.attributes().role(), "participant");
  EXPECT_EQ(stored.score(), 1);
  EXPECT_EQ(stored.max_score(), 1);
  EXPECT_EQ(stored.source(), sv::RESPONSE_SOURCE_TOKEN);

  // An open survey's questions no longer change.
  sv::UpdateSurveyRequest update;
  update.mutable_survey()->set_id(survey.id());
  update.mutable_survey()->set_title("Renamed");
  update.mutable_update_mask()->add_paths("title");
  sv::UpdateSurveyResponse updated;
  {
    auto context = NewCallContext();
    EXPECT_THAT(stub_->UpdateSurvey(context.get(), update, &updated),
                GrpcStatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("only a draft")));
  }
  ASSERT_TRUE(Close(survey.id()).ok());
  EXPECT_THAT(Submit(survey.id(), tokens.at(people_[1]), GoodAnswers()),
              GrpcStatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("closed")));
  EXPECT_THAT(Open(survey.id()), GrpcStatusIs(grpc::StatusCode::FAILED_PRECONDITION, ::testing::_));
  auto got = Get(survey.id());
  EXPECT_EQ(got.response_count(), 1);
  EXPECT_EQ(got.token_count(), 7);
  EXPECT_EQ(got.survey().state(), sv::SURVEY_STATE_CLOSED);

  // The same definition for the next workshop.
  sv::CopySurveyRequest copy;
  copy.set_survey_id(survey.id());
  sv::CopySurveyResponse copied;
  auto context = NewCallContext();
  ASSERT_TRUE(stub_->CopySurvey(context.get(), copy, &copied).ok());
  EXPECT_NE(copied.survey().id(), survey.id());
  EXPECT_EQ(copied.survey().state(), sv::SURVEY_STATE_DRAFT);
  EXPECT_EQ(copied.survey().questions_size(), 7);

  // With a request id, a retry (its answer lost) gets the first copy back, not a second one.
  copy.set_request_id("copy-for-next-workshop");
  sv::CopySurveyResponse first, retried;
  context = NewCallContext();
  ASSERT_TRUE(stub_->CopySurvey(context.get(), copy, &first).ok());
  context = NewCallContext();
  ASSERT_TRUE(stub_->CopySurvey(context.get(), copy, &retried).ok());
  EXPECT_EQ(retried.survey().id(), first.survey().id());
  EXPECT_NE(first.survey().id(), copied.survey().id());
  sv::ListSurveysRequest list;
  list.set_event_id(survey.event_id());
  sv::ListSurveysResponse listed;
  context = NewCallContext();
  ASSERT_TRUE(stub_->ListSurveys(context.get(), list, &listed).ok());
  EXPECT_EQ(listed.surveys_size(), 3);  // the survey, its plain copy, one copy with the request id
}

TEST_F(SurveyServerTest, EveryKindOfBadAnswerIsRefusedNamingTheQuestion) {
  const std::string id = CreateAndOpen(kEvaluation);
  const std::string token = Issue(id).at(people_[1]);
  struct Case {
    std::vector<sv::Answer> change;  // replaces the good answer to the same key
    std::string key;
  };
  const std::vector<Case> cases = {
      {{Scale("overall", 6)}, "overall"},
      {{Scale("overall", 0)}, "overall"},
      {{Choice("overall", "5")}, "overall"},  // wrong kind of value
      {{Scale("recommend", 11)}, "recommend"},
      {{Scale("recommend", -1)}, "recommend"},
      {{Choice("format", "hybrid")}, "format"},
      {{Selections("topics", {"procurement", "bribery"})}, "topics"},
      {{Selections("topics", {"procurement", "whistleblowers", "asset_recovery"})}, "topics"},
      {{Selections("topics", {"procurement", "procurement"})}, "topics"},
      {{Number("hours", 81)}, "hours"},
      {{Number("hours", -0.5)}, "hours"},
      {{Text("most_useful", std::string(201, 'x'))}, "most_useful"},
      {{Choice("uncac_ch2", "iii")}, "uncac_ch2"},
      {{Scale("not_a_question", 3)}, "not_a_question"},
  };
  for (const Case& c : cases) {
    std::vector<sv::Answer> answers;
    for (const sv::Answer& good : GoodAnswers()) {
      if (good.question_key() != c.change[0].question_key()) answers.push_back(good);
    }
    answers.push_back(c.change[0]);
    EXPECT_THAT(Submit(id, token, answers),
                GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr(c.key)))
        << c.change[0].DebugString();
  }
  // A required question left out.
  std::vector<sv::Answer> missing = GoodAnswers();
  missing.erase(missing.begin());
  EXPECT_THAT(Submit(id, token, missing),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("overall")));
  // None of those used the token: the good answers still go in, once.
  ASSERT_TRUE(Submit(id, token, GoodAnswers()).ok());
  EXPECT_THAT(Submit(id, token, GoodAnswers()),
              GrpcStatusIs(grpc::StatusCode::ALREADY_EXISTS, HasSubstr("already been used")));
  // A token that was never issued, or one for another survey.
  EXPECT_THAT(Submit(id, "AAAAAAAAAAAAAAAAAAAAAAAAAA", GoodAnswers()),
              GrpcStatusIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("token")));
  const std::string other = CreateAndOpen(kEvaluation);
  EXPECT_THAT(Submit(other, token, GoodAnswers()),
              GrpcStatusIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("token")));
  EXPECT_EQ(Get(id).response_count(), 1);
}

TEST_F(SurveyServerTest, OneTokenAnswersOnceUnderThirtyTwoConcurrentSubmissions) {
  const std::string id = CreateAndOpen(kEvaluation);
  const std::string token = Issue(id).at(people_[2]);
  std::atomic<int> ok{0}, already{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 32; ++i) {
    threads.emplace_back([&] {
      // Each thread its own channel, as 32 phones would be.
      auto stub = sv::SurveyService::NewStub(MakeChannel(survey_->address()));
      sv::SubmitResponseRequest request;
      request.set_survey_id(id);
      request.set_token(token);
      for (auto& a : GoodAnswers()) *request.add_answers() = a;
      sv::SubmitResponseResponse response;
      auto context = NewCallContext();
      grpc::Status status = stub->SubmitResponse(context.get(), request, &response);
      if (status.ok()) {
        ++ok;
      } else if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
        ++already;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(already.load(), 31);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(Get(id).response_count(), 1);
}

// Every byte the service stored for the survey's responses, read with SQLite itself.
std::vector<std::string> StoredResponseRows(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT * FROM responses", -1, &stmt, nullptr), SQLITE_OK);
  std::vector<std::string> rows;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::string row;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const void* bytes = sqlite3_column_blob(stmt, c);
      row.append(static_cast<const char*>(bytes), sqlite3_column_bytes(stmt, c));
      row.push_back('\x1f');
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

std::string FileBytes(const std::string& path) {
  std::string bytes;
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return bytes;
  char buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), f)) > 0) bytes.append(buffer, n);
  fclose(f);
  return bytes;
}

TEST_F(SurveyServerTest, AnonymousResponsesAreStoredWithoutParticipantOrToken) {
  const std::string id = CreateAndOpen(kEvaluation);
  auto tokens = Issue(id);
  for (const auto& [participant, token] : tokens) {
    ASSERT_TRUE(Submit(id, token, GoodAnswers()).ok());
  }
  // Stop the service so that everything is in the database file (checkpointed WAL).
  survey_->Stop(SIGTERM);
  const std::string path = data_dir_ + "/survey/survey.db";
  std::vector<std::string> rows = StoredResponseRows(path);
  ASSERT_EQ(rows.size(), tokens.size());
  for (const std::string& row : rows) {
    EXPECT_THAT(row, HasSubstr("whistle-blower"));  // the answers are there ...
    for (const auto& [participant, token] : tokens) {
      EXPECT_THAT(row, ::testing::Not(HasSubstr(participant)));  // ... but nobody's id
      EXPECT_THAT(row, ::testing::Not(HasSubstr(token)));
    }
  }
  // No token is anywhere on disk, in any table or the WAL.
  const std::string file = FileBytes(path) + FileBytes(path + "-wal");
  ASSERT_FALSE(file.empty());
  for (const auto& [participant, token] : tokens) {
    EXPECT_FALSE(absl::StrContains(file, token)) << "token stored in clear";
  }
  // Read back through the service, the responses name nobody either.
  StartSurvey(0);
  for (const sv::Response& r : StreamAll(id, 3)) EXPECT_EQ(r.participant_id(), "");
}

TEST_F(SurveyServerTest, IdentifiedResponsesKeepTheParticipant) {
  std::string json = kEvaluation;
  json.replace(json.find("\"anonymous\": true"), 17, "\"anonymous\": false");
  const std::string id = CreateAndOpen(json.c_str());
  sv::Response stored;
  ASSERT_TRUE(Submit(id, Issue(id).at(people_[3]), GoodAnswers(), &stored).ok());
  EXPECT_EQ(stored.participant_id(), people_[3]);
  EXPECT_EQ(stored.attributes().country(), "VN");
}

constexpr char kPreTest[] = R"json({"title": "UNCAC pre-test", "kind": "SURVEY_KIND_PRE_TEST",
  "anonymous": true, "questions": [
    {"key": "q1", "text": "Preventive measures?", "quiz": {"correct": "ii", "options": [
      {"key": "ii", "label": "Chapter II"}, {"key": "v", "label": "Chapter V"}]}},
    {"key": "q2", "text": "Asset recovery?", "quiz": {"correct": "v", "points": 2, "options": [
      {"key": "ii", "label": "Chapter II"}, {"key": "v", "label": "Chapter V"}]}}]})json";

TEST_F(SurveyServerTest, PreAndPostTestPairByAPseudonymFromTheToken) {
  sv::Survey pre, post;
  ASSERT_TRUE(Create(Definition(kPreTest), &pre).ok());
  sv::Survey post_definition = Definition(kPreTest);
  post_definition.set_kind(sv::SURVEY_KIND_POST_TEST);
  post_definition.set_linked_survey_id(pre.id());
  // Two pre-tests cannot be linked.
  sv::Survey wrong = Definition(kPreTest);
  wrong.set_linked_survey_id(pre.id());
  EXPECT_THAT(Create(wrong, nullptr),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("linked_survey_id")));
  ASSERT_TRUE(Create(post_definition, &post).ok());
  EXPECT_EQ(Get(pre.id()).survey().linked_survey_id(), post.id());
  ASSERT_TRUE(Open(pre.id()).ok());
  ASSERT_TRUE(Open(post.id()).ok());

  // One token per person serves both tests.
  auto tokens = Issue(pre.id());
  ASSERT_EQ(tokens.size(), 7u);
  EXPECT_TRUE(Issue(post.id()).empty());
  sv::Response pre0, post0, pre1, post1;
  ASSERT_TRUE(
      Submit(pre.id(), tokens.at(people_[0]), {Choice("q1", "v"), Choice("q2", "ii")}, &pre0).ok());
  ASSERT_TRUE(
      Submit(post.id(), tokens.at(people_[0]), {Choice("q1", "ii"), Choice("q2", "v")}, &post0)
          .ok());
  ASSERT_TRUE(
      Submit(pre.id(), tokens.at(people_[1]), {Choice("q1", "ii"), Choice("q2", "ii")}, &pre1)
          .ok());
  ASSERT_TRUE(
      Submit(post.id(), tokens.at(people_[1]), {Choice("q1", "ii"), Choice("q2", "v")}, &post1)
          .ok());
  EXPECT_THAT(Submit(post.id(), tokens.at(people_[1]), {Choice("q1", "ii")}),
              GrpcStatusIs(grpc::StatusCode::ALREADY_EXISTS, ::testing::_));
  EXPECT_EQ(pre0.pair_key().size(), 64u);
  EXPECT_EQ(pre0.pair_key(), post0.pair_key());
  EXPECT_EQ(pre1.pair_key(), post1.pair_key());
  EXPECT_NE(pre0.pair_key(), pre1.pair_key());
  EXPECT_EQ(pre0.participant_id(), "");
  EXPECT_EQ(pre0.score(), 0);
  EXPECT_EQ(post0.score(), 3);
  EXPECT_EQ(post0.max_score(), 3);

  // A third survey cannot join the pair, and an evaluation with tokens out cannot be linked.
  sv::Survey late = Definition(kPreTest);
  late.set_kind(sv::SURVEY_KIND_POST_TEST);
  late.set_linked_survey_id(pre.id());
  EXPECT_THAT(Create(late, nullptr),
              GrpcStatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("already linked")));
  sv::Survey lone_pre;
  ASSERT_TRUE(Create(Definition(kPreTest), &lone_pre).ok());
  Issue(lone_pre.id());
  late.set_linked_survey_id(lone_pre.id());
  EXPECT_THAT(Create(late, nullptr),
              GrpcStatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("tokens")));
}

// The answer of IssueTokens was lost (its secrets exist nowhere else): a retry with reissue_unused
// gives new secrets to everyone whose token is unused, in both tests of a pair, and the old ones
// stop working; a token used to answer (in either test) is kept, so that its pairs still match.
TEST_F(SurveyServerTest, LostTokensAreReissuedWhereUnused) {
  sv::Survey pre, post;
  ASSERT_TRUE(Create(Definition(kPreTest), &pre).ok());
  sv::Survey post_definition = Definition(kPreTest);
  post_definition.set_kind(sv::SURVEY_KIND_POST_TEST);
  post_definition.set_linked_survey_id(pre.id());
  ASSERT_TRUE(Create(post_definition, &post).ok());
  ASSERT_TRUE(Open(pre.id()).ok());
  ASSERT_TRUE(Open(post.id()).ok());
  const auto first = Issue(pre.id());
  ASSERT_EQ(first.size(), 7u);
  sv::Response answered;
  ASSERT_TRUE(Submit(pre.id(), first.at(people_[0]), {Choice("q1", "v")}, &answered).ok());

  // A plain retry issues nothing; a reissue covers the six who have not answered.
  EXPECT_TRUE(Issue(pre.id()).empty());
  const auto second = Issue(post.id(), /*reissue=*/true);
  EXPECT_EQ(second.size(), 6u);
  EXPECT_FALSE(second.contains(people_[0]));
  // Old secrets are refused, new ones answer both tests, the kept one still pairs.
  EXPECT_THAT(Submit(pre.id(), first.at(people_[1]), {Choice("q1", "v")}),
              GrpcStatusIs(grpc::StatusCode::PERMISSION_DENIED, ::testing::_));
  sv::Response pre1, post1, post0;
  ASSERT_TRUE(Submit(pre.id(), second.at(people_[1]), {Choice("q1", "v")}, &pre1).ok());
  ASSERT_TRUE(Submit(post.id(), second.at(people_[1]), {Choice("q1", "ii")}, &post1).ok());
  EXPECT_EQ(pre1.pair_key(), post1.pair_key());
  ASSERT_TRUE(Submit(post.id(), first.at(people_[0]), {Choice("q1", "ii")}, &post0).ok());
  EXPECT_EQ(post0.pair_key(), answered.pair_key());
  EXPECT_EQ(Get(pre.id()).token_count(), 7);
}

sv::ImportRow Row(int line, std::vector<std::string> cells) {
  sv::ImportRow row;
  row.set_line(line);
  for (auto& c : cells) row.add_cells(c);
  return row;
}

TEST_F(SurveyServerTest, CsvImportIsAllOrNothingWithLineNumberedErrors) {
  const std::string id = CreateAndOpen(kEvaluation);
  sv::ImportResponsesRequest request;
  request.set_survey_id(id);
  for (const char* column : {"overall", "recommend", "format", "topics", "hours", "most_useful",
                             "uncac_ch2", "_country", "_sector", "_gender", "_role"}) {
    request.add_header(column);
  }
  *request.add_rows() = Row(2, {"5", "10", "online", "procurement;whistleblowers", "4",
                                "Peer experience sharing", "ii", "Viet Nam", "CSO", "F", ""});
  *request.add_rows() = Row(3, {"7", "10", "online", "", "", "", "", "MY", "", "", ""});
  *request.add_rows() = Row(4, {"3", "", "fax", "bribery", "", "", "", "Atlantis", "", "", ""});
  *request.add_rows() = Row(5, {"4", "", "", "", "", "", "v", "TH", "government", "male", ""});
  sv::ImportResponsesResponse response;
  {
    auto context = NewCallContext();
    ASSERT_TRUE(stub_->ImportResponses(context.get(), request, &response).ok());
  }
  EXPECT_EQ(response.imported_count(), 0);
  std::set<std::pair<int, std::string>> errors;
  for (const auto& e : response.errors()) errors.insert({e.line(), e.field()});
  EXPECT_EQ(errors, (std::set<std::pair<int, std::string>>{
                        {3, "overall"}, {4, "format"}, {4, "topics"}, {4, "_country"}}));
  EXPECT_EQ(Get(id).response_count(), 0);

  request.set_skip_invalid(true);
  request.set_request_id("import-1");
  {
    auto context = NewCallContext();
    ASSERT_TRUE(stub_->ImportResponses(context.get(), request, &response).ok());
  }
  EXPECT_EQ(response.imported_count(), 2);
  {  // A retry of the same request imports nothing more.
    auto context = NewCallContext();
    ASSERT_TRUE(stub_->ImportResponses(context.get(), request, &response).ok());
  }
  EXPECT_EQ(response.imported_count(), 2);
  auto stored = StreamAll(id, 0);
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].attributes().country(), "VN");
  EXPECT_EQ(stored[0].attributes().sector(), "civil-society");
  EXPECT_EQ(stored[0].attributes().gender(), "female");
  EXPECT_EQ(stored[0].answers_size(), 7);
  EXPECT_EQ(stored[0].source(), sv::RESPONSE_SOURCE_IMPORT);
  EXPECT_EQ(stored[1].score(), 0);
  EXPECT_EQ(stored[1].max_score(), 1);

  // An unknown column is refused as a whole.
  request.clear_request_id();
  request.add_header("favourite_colour");
  auto context = NewCallContext();
  EXPECT_THAT(stub_->ImportResponses(context.get(), request, &response),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("favourite_colour")));
}

TEST_F(SurveyServerTest, FreeTextIsCodedByCodebookAndCorrectedByHand) {
  const std::string id = CreateAndOpen(kEvaluation);
  sv::ImportResponsesRequest request;
  request.set_survey_id(id);
  request.add_header("overall");
  request.add_header("most_useful");
  const char* texts[] = {"Peer experience sharing", "Sharing experiences with peers",
                         "Collaboration across agencies", "The coffee", ""};
  for (int i = 0; i < 5; ++i) *request.add_rows() = Row(i + 2, {"4", texts[i]});
  sv::ImportResponsesResponse imported;
  {
    auto context = NewCallContext();
    ASSERT_TRUE(stub_->ImportResponses(context.get(), request, &imported).ok());
  }
  ASSERT_EQ(imported.imported_count(), 5);

  sv::CodeAnswersRequest code;
  code.set_survey_id(id);
  code.set_question_key("most_useful");
  auto* rule = code.mutable_codebook()->add_rules();
  rule->set_code("peer experience sharing");
  rule->add_keywords("peer");
  rule->add_keywords("peers");
  rule = code.mutable_codebook()->add_rules();
  rule->set_code("collaboration");
  rule->add_keywords("collaboration");
  sv::CodeAnswersResponse coded;
  {
    auto context = NewCallContext();
    ASSERT_TRUE(stub_->CodeAnswers(context.get(), code, &coded).ok());
  }
  EXPECT_EQ(coded.coded_count(), 3);
  EXPECT_EQ(coded.uncoded_count(), 1);  // "The coffee"; the empty answer is no answer

  auto stored = StreamAll(id, 0);
  const std::string coffee = stored[3].id();
  EXPECT_THAT(stored[1].answers(1).codes(), ::testing::ElementsAre("peer experience sharing"));
  sv::CodeAnswersRequest fix;
  fix.set_survey_id(id);
  fix.set_question_key("most_useful");
  auto* single = fix.add_answer_codes();
  single->set_response_id(coffee);
  single->add_codes("logistics");
  {
    auto context = NewCallContext();
    ASSERT_TRUE(stub_->CodeAnswers(context.get(), fix, &coded).ok());
  }
  EXPECT_EQ(coded.coded_count(), 4);
  EXPECT_EQ(coded.uncoded_count(), 0);
  EXPECT_THAT(StreamAll(id, 0)[3].answers(1).codes(), ::testing::ElementsAre("logistics"));

  fix.set_question_key("overall");
  auto context = NewCallContext();
  EXPECT_THAT(stub_->CodeAnswers(context.get(), fix, &coded),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("free-text")));
}

TEST_F(SurveyServerTest, StreamReturnsEveryResponseOnceInOrderInPages) {
  const std::string id = CreateAndOpen(kEvaluation);
  sv::ImportResponsesRequest request;
  request.set_survey_id(id);
  request.add_header("overall");
  request.add_header("hours");
  for (int i = 0; i < 1203; ++i) {
    *request.add_rows() = Row(i + 2, {absl::StrCat(1 + i % 5), absl::StrCat(i % 80)});
  }
  sv::ImportResponsesResponse imported;
  {
    auto context = NewCallContext();
    ASSERT_TRUE(stub_->ImportResponses(context.get(), request, &imported).ok());
  }
  ASSERT_EQ(imported.imported_count(), 1203);
  int messages = 0;
  auto all = StreamAll(id, 500, &messages);
  EXPECT_EQ(messages, 3);
  ASSERT_EQ(all.size(), 1203u);
  std::set<std::string> ids;
  for (size_t i = 0; i < all.size(); ++i) {
    ids.insert(all[i].id());
    EXPECT_EQ(all[i].answers(1).number(), static_cast<double>(i % 80)) << i;
  }
  EXPECT_EQ(ids.size(), 1203u);
  // An unknown survey is NOT_FOUND, on the stream too.
  sv::StreamResponsesRequest missing;
  missing.set_survey_id("srv_000000000000");
  auto context = NewCallContext();
  auto reader = stub_->StreamResponses(context.get(), missing);
  sv::StreamResponsesResponse page;
  EXPECT_FALSE(reader->Read(&page));
  EXPECT_THAT(reader->Finish(), GrpcStatusIs(grpc::StatusCode::NOT_FOUND, ::testing::_));
}

// Issuing tokens lists the event's participants from registration; answering does not: the token
// carries the respondent's attributes from when it was issued.
TEST_F(SurveyServerTest, RegistrationDownStopsIssuingNotAnsweringAndRecoversWithoutRestart) {
  const std::string id = CreateAndOpen(kEvaluation);
  auto tokens = Issue(id);
  const int port = registration_->port();
  registration_->Stop(SIGKILL);
  sv::Response stored;
  ASSERT_TRUE(Submit(id, tokens.at(people_[3]), GoodAnswers(), &stored).ok());
  EXPECT_EQ(stored.attributes().country(), "VN");  // people_[3]'s, kept with the token
  const absl::Time start = absl::Now();
  auto issue = [&] {
    sv::IssueTokensRequest request;
    request.set_survey_id(id);
    sv::IssueTokensResponse response;
    auto context = NewCallContext();
    return stub_->IssueTokens(context.get(), request, &response);
  };
  EXPECT_THAT(issue(), GrpcStatusIs(grpc::StatusCode::UNAVAILABLE, HasSubstr("registration")));
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  // Back without restarting the survey service (the channel reconnects within its backoff).
  StartRegistration(port);
  grpc::Status status;
  for (int attempt = 0; attempt < 50; ++attempt) {
    status = issue();
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(Submit(id, tokens.at(people_[0]), GoodAnswers()).ok());
}

// Tokens issued by an older version kept no attributes: answering with one asks registration for
// them (from a worker thread: the serial thread, where submissions run, never waits on another
// service), and is refused as unavailable while registration is down.
TEST_F(SurveyServerTest, ATokenWithoutAttributesAsksRegistrationForThem) {
  const std::string id = CreateAndOpen(kEvaluation);
  auto tokens = Issue(id);
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2((data_dir_ + "/survey/survey.db").c_str(), &db, SQLITE_OPEN_READWRITE,
                              nullptr),
              SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    EXPECT_EQ(sqlite3_exec(db, "UPDATE tokens SET attributes = NULL", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  sv::Response stored;
  grpc::Status status = Submit(id, tokens.at(people_[3]), GoodAnswers(), &stored);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(stored.attributes().country(), "VN");  // people_[3]'s, from registration
  registration_->Stop(SIGKILL);
  EXPECT_THAT(Submit(id, tokens.at(people_[0]), GoodAnswers()),
              GrpcStatusIs(grpc::StatusCode::UNAVAILABLE, HasSubstr("registration")));
}

TEST_F(SurveyServerTest, AcknowledgedResponsesSurviveKillMinusNine) {
  const std::string id = CreateAndOpen(kEvaluation);
  auto tokens = Issue(id);
  int submitted = 0;
  for (const auto& [participant, token] : tokens) {
    if (submitted == 4) break;
    ASSERT_TRUE(Submit(id, token, GoodAnswers()).ok());
    ++submitted;
  }
  const int port = survey_->port();
  survey_->Stop(SIGKILL);
  StartSurvey(port);
  EXPECT_EQ(Get(id).response_count(), 4);
  EXPECT_EQ(StreamAll(id, 0).size(), 4u);
  // Used tokens stay used; the others still work.
  EXPECT_THAT(Submit(id, tokens.begin()->second, GoodAnswers()),
              GrpcStatusIs(grpc::StatusCode::ALREADY_EXISTS, ::testing::_));
  EXPECT_TRUE(Submit(id, std::prev(tokens.end())->second, GoodAnswers()).ok());
}

}  // namespace
}  // namespace convene
