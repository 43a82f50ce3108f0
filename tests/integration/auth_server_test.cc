// Who may do what, through the real stack: convene-registration, -agenda, -grouping, -survey and
// -aggregation as operators run them, each call made with a chosen credential in its metadata.
//  - The whole matrix: every RPC of every service x every role (an organiser, a facilitator and an
//    evaluator limited to event A; a participant calling with a survey token of event A; the
//    stack's service credential) x event A (own) / event B (other), and without a credential. The
//    expected answer of each cell comes from the table of roles written out below (SECURITY.md),
//    not from the services' code; a test fails when a service has an RPC the table does not list.
//  - Facilitators and evaluators see participants without contact details.
//  - A revoked credential is refused by every service within seconds, without a restart.
//  - Failed authentications are rate-limited per client address.
//  - Credentials are stored only as digests; the CLI refuses a token file others can read.
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "convene/agenda/v1/agenda_service.grpc.pb.h"
#include "convene/aggregation/v1/aggregation_service.grpc.pb.h"
#include "convene/auth/v1/auth_service.grpc.pb.h"
#include "convene/grouping/v1/grouping_service.grpc.pb.h"
#include "convene/registration/v1/registration_service.grpc.pb.h"
#include "convene/survey/v1/survey_service.grpc.pb.h"
#include "services/common/auth.h"
#include "services/common/client.h"
#include "services/common/testing/process.h"

namespace convene {
namespace {

namespace ag = ::convene::agenda::v1;
namespace agg = ::convene::aggregation::v1;
namespace gr = ::convene::grouping::v1;
namespace reg = ::convene::registration::v1;
namespace sv = ::convene::survey::v1;
using ::convene::testing::ServiceProcess;
using ::testing::HasSubstr;

constexpr char kDay[] = "2026-11-28";

constexpr char kSurveyJson[] = R"json({
  "title": "Evaluation", "kind": "SURVEY_KIND_EVALUATION", "anonymous": true,
  "questions": [
    {"key": "overall", "text": "Overall", "likert": {"points": 5}},
    {"key": "comments", "text": "Comments", "freeText": {}}]})json";

// The callers of the matrix.
enum class Who { kNone, kOrganiser, kFacilitator, kEvaluator, kParticipant, kService };

std::string WhoName(Who who) {
  switch (who) {
    case Who::kNone:
      return "no credential";
    case Who::kOrganiser:
      return "organiser of A";
    case Who::kFacilitator:
      return "facilitator of A";
    case Who::kEvaluator:
      return "evaluator of A";
    case Who::kParticipant:
      return "participant of A (survey token)";
    case Who::kService:
      return "service";
  }
  return "?";
}

// What each event holds for the calls to work on.
struct Fixture {
  std::string event_id;
  std::string participant_id;
  std::string session_id;
  std::string survey_id;       // open, anonymous, linked pre/post below
  std::string post_survey_id;  // linked to survey_id
  std::string plan_id;
  std::string member_id;  // in the plan's first group
};

class AuthServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_dir_ = new std::string(testing::MakeTempDir("auth"));
    // The matrix deliberately makes many failed authentications from this one address.
    const std::vector<std::string> lenient = {"--auth_failures_per_minute=100000"};
    registration_ = Start("convene-registration", lenient);
    const std::string reg_flag = "--registration_addr=" + registration_->address();
    agenda_ = Start("convene-agenda", {reg_flag, lenient[0]});
    grouping_ = Start("convene-grouping", {reg_flag, lenient[0]});
    survey_ = Start("convene-survey", {reg_flag, lenient[0]});
    aggregation_ =
        Start("convene-aggregation", {reg_flag, lenient[0], "--survey_addr=" + survey_->address(),
                                      "--agenda_addr=" + agenda_->address()});
    organiser_all_ = new std::string(CallCredential());
    ASSERT_FALSE(organiser_all_->empty()) << "the harness sets the bootstrap organiser";
  }

  static void TearDownTestSuite() {
    for (ServiceProcess** p : {&aggregation_, &survey_, &grouping_, &agenda_, &registration_}) {
      delete *p;
      *p = nullptr;
    }
  }

  static ServiceProcess* Start(const std::string& binary, const std::vector<std::string>& flags) {
    auto process = ServiceProcess::Start(binary, *data_dir_ + "/" + binary, flags);
    EXPECT_TRUE(process.ok()) << process.status();
    return process.ok() ? new ServiceProcess(std::move(process).value()) : nullptr;
  }

  // A context carrying `token` (none when empty), not the harness's organiser.
  static std::unique_ptr<grpc::ClientContext> ContextWith(const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(15)));
    AddCredential(*context, token);
    return context;
  }

  template <typename Stub>
  static std::unique_ptr<typename Stub::Stub> StubOf(ServiceProcess* process) {
    return Stub::NewStub(MakeChannel(process->address()));
  }

  // --- Set-up calls, as the bootstrap organiser (every event) ---------------------------------

  static void Check(const grpc::Status& status, const std::string& what) {
    ASSERT_TRUE(status.ok()) << what << ": " << status.error_code() << " "
                             << status.error_message();
  }

  static std::string CreateEvent(const std::string& title) {
    auto stub = StubOf<reg::RegistrationService>(registration_);
    reg::CreateEventRequest request;
    request.mutable_event()->set_title(title);
    request.mutable_event()->set_time_zone("Asia/Kuala_Lumpur");
    request.mutable_event()->set_start_date("2026-11-27");
    request.mutable_event()->set_end_date("2026-11-29");
    request.mutable_event()->set_capacity(1000);
    reg::CreateEventResponse response;
    Check(stub->CreateEvent(ContextWith(*organiser_all_).get(), request, &response), "CreateEvent");
    return response.event().id();
  }

  static reg::Participant NewParticipant(const std::string& event_id) {
    static int n = 0;
    ++n;
    auto stub = StubOf<reg::RegistrationService>(registration_);
    reg::AddParticipantRequest request;
    reg::Participant* p = request.mutable_participant();
    p->set_event_id(event_id);
    p->set_name(absl::StrCat("Delegate ", n));
    p->set_email(absl::StrCat("delegate", n, "@example.org"));
    p->set_country(n % 2 ? "KZ" : "MY");
    p->set_sector(reg::SECTOR_GOVERNMENT);
    p->set_gender(n % 2 ? reg::GENDER_FEMALE : reg::GENDER_MALE);
    reg::AddParticipantResponse response;
    Check(stub->AddParticipant(ContextWith(*organiser_all_).get(), request, &response),
          "AddParticipant");
    return response.participant();
  }

  static std::string NewSession(const std::string& event_id) {
    auto stub = StubOf<ag::AgendaService>(agenda_);
    ag::AddSessionRequest request;
    ag::Session* s = request.mutable_session();
    s->set_event_id(event_id);
    s->set_title("Opening");
    s->set_kind(ag::SESSION_KIND_PANEL);
    s->set_start(absl::StrCat(kDay, "T09:00"));
    s->set_end(absl::StrCat(kDay, "T10:00"));
    ag::AddSessionResponse response;
    Check(stub->AddSession(ContextWith(*organiser_all_).get(), request, &response), "AddSession");
    return response.session().id();
  }

  // A draft survey (opened when `open`), linked to `linked` when given.
  static std::string NewSurvey(const std::string& event_id, bool open,
                               const std::string& linked = "", bool test = false) {
    auto stub = StubOf<sv::SurveyService>(survey_);
    sv::CreateSurveyRequest request;
    EXPECT_TRUE(
        google::protobuf::util::JsonStringToMessage(kSurveyJson, request.mutable_survey()).ok());
    request.mutable_survey()->set_event_id(event_id);
    if (test) request.mutable_survey()->set_kind(sv::SURVEY_KIND_PRE_TEST);
    if (!linked.empty()) {
      request.mutable_survey()->set_kind(sv::SURVEY_KIND_POST_TEST);
      request.mutable_survey()->set_linked_survey_id(linked);
    }
    sv::CreateSurveyResponse created;
    Check(stub->CreateSurvey(ContextWith(*organiser_all_).get(), request, &created),
          "CreateSurvey");
    if (open) {
      sv::OpenSurveyRequest opening;
      opening.set_survey_id(created.survey().id());
      sv::OpenSurveyResponse opened;
      Check(stub->OpenSurvey(ContextWith(*organiser_all_).get(), opening, &opened), "OpenSurvey");
    }
    return created.survey().id();
  }

  // A new participant of the event and their unused token for `survey_id`.
  static std::string NewToken(const std::string& event_id, const std::string& survey_id) {
    const std::string participant_id = NewParticipant(event_id).id();
    auto stub = StubOf<sv::SurveyService>(survey_);
    sv::IssueTokensRequest request;
    request.set_survey_id(survey_id);
    sv::IssueTokensResponse response;
    Check(stub->IssueTokens(ContextWith(*organiser_all_).get(), request, &response), "IssueTokens");
    for (const sv::Token& token : response.tokens()) {
      if (token.participant_id() == participant_id) return token.token();
    }
    ADD_FAILURE() << "no token issued for " << participant_id;
    return "";
  }

  static std::string NewCredential(authv1::Role role, const std::string& event_id,
                                   std::string* id = nullptr) {
    auto stub = StubOf<authv1::AuthService>(registration_);
    authv1::CreateCredentialRequest request;
    request.mutable_credential()->set_name(absl::StrCat(RoleName(role), " of ", event_id));
    request.mutable_credential()->set_role(role);
    if (!event_id.empty()) request.mutable_credential()->add_event_ids(event_id);
    authv1::CreateCredentialResponse response;
    Check(stub->CreateCredential(ContextWith(*organiser_all_).get(), request, &response),
          "CreateCredential");
    if (id != nullptr) *id = response.credential().id();
    return response.token();
  }

  static Fixture MakeFixture(const std::string& title) {
    Fixture f;
    f.event_id = CreateEvent(title);
    f.participant_id = NewParticipant(f.event_id).id();
    for (int i = 0; i < 5; ++i) NewParticipant(f.event_id);
    f.session_id = NewSession(f.event_id);
    f.survey_id = NewSurvey(f.event_id, /*open=*/true, "", /*test=*/true);
    f.post_survey_id = NewSurvey(f.event_id, /*open=*/true, f.survey_id);
    auto stub = StubOf<gr::GroupingService>(grouping_);
    gr::MakePlanRequest request;
    request.mutable_spec()->set_event_id(f.event_id);
    request.mutable_spec()->set_group_count(2);
    request.mutable_spec()->set_strategy(gr::STRATEGY_DIVERSE);
    request.mutable_spec()->set_seed(1);
    gr::MakePlanResponse response;
    Check(stub->MakePlan(ContextWith(*organiser_all_).get(), request, &response), "MakePlan");
    f.plan_id = response.plan().id();
    f.member_id = response.plan().rounds(0).groups(0).members(0).participant_id();
    return f;
  }

  static std::string* data_dir_;
  static std::string* organiser_all_;
  static ServiceProcess* registration_;
  static ServiceProcess* agenda_;
  static ServiceProcess* grouping_;
  static ServiceProcess* survey_;
  static ServiceProcess* aggregation_;
};

std::string* AuthServerTest::data_dir_ = nullptr;
std::string* AuthServerTest::organiser_all_ = nullptr;
ServiceProcess* AuthServerTest::registration_ = nullptr;
ServiceProcess* AuthServerTest::agenda_ = nullptr;
ServiceProcess* AuthServerTest::grouping_ = nullptr;
ServiceProcess* AuthServerTest::survey_ = nullptr;
ServiceProcess* AuthServerTest::aggregation_ = nullptr;

// One row of the matrix: an RPC, who may call it, and how to call it on an event's fixture with
// a context. `token_for` (participants): the survey token the call must be made with.
struct Row {
  std::string method;  // "/convene.registration.v1.RegistrationService/GetEvent"
  std::set<Who> allowed;
  // Calls not about one event (CreateEvent, ListEvents, ListCredentials, ListVerifiers) answer
  // the same for both events.
  std::function<grpc::Status(grpc::ClientContext*, const Fixture&)> call;
  std::function<std::string(const Fixture&)> token_for;
};

// The table of roles (SECURITY.md), written out independently of the services' code.
const std::set<Who> kOrganiser = {Who::kOrganiser};
const std::set<Who> kStaffReaders = {Who::kOrganiser, Who::kFacilitator, Who::kEvaluator,
                                     Who::kService};
const std::set<Who> kReporters = {Who::kOrganiser, Who::kEvaluator, Who::kService};
const std::set<Who> kGroupers = {Who::kOrganiser, Who::kFacilitator};
const std::set<Who> kSurveyStaff = {Who::kOrganiser, Who::kEvaluator};
const std::set<Who> kSurveyReaders = {Who::kOrganiser, Who::kEvaluator, Who::kService};
const std::set<Who> kRespondents = {Who::kOrganiser, Who::kEvaluator, Who::kParticipant};
const std::set<Who> kSurveyReadersAndRespondents = {Who::kOrganiser, Who::kEvaluator, Who::kService,
                                                    Who::kParticipant};
const std::set<Who> kAggregationUsers = {Who::kOrganiser, Who::kEvaluator};

TEST_F(AuthServerTest, EveryRpcEveryRoleOwnAndOtherEventAndNoCredential) {
  const Fixture own = MakeFixture("Event A");
  const Fixture other = MakeFixture("Event B");
  std::map<Who, std::string> tokens;
  tokens[Who::kOrganiser] = NewCredential(authv1::ROLE_ORGANISER, own.event_id);
  tokens[Who::kFacilitator] = NewCredential(authv1::ROLE_FACILITATOR, own.event_id);
  tokens[Who::kEvaluator] = NewCredential(authv1::ROLE_EVALUATOR, own.event_id);
  {
    std::ifstream in(testing::ServiceCredentialFile());
    std::getline(in, tokens[Who::kService]);
  }
  // A participant's token of A's survey (fresh per call where the call uses it up).
  const std::string participant_token = NewToken(own.event_id, own.survey_id);

  auto registration = StubOf<reg::RegistrationService>(registration_);
  auto auth = StubOf<authv1::AuthService>(registration_);
  auto agenda = StubOf<ag::AgendaService>(agenda_);
  auto grouping = StubOf<gr::GroupingService>(grouping_);
  auto survey = StubOf<sv::SurveyService>(survey_);
  auto aggregation = StubOf<agg::AggregationService>(aggregation_);
  using C = grpc::ClientContext*;
  using F = const Fixture&;
  const std::string R = "/convene.registration.v1.RegistrationService/";
  const std::string A = "/convene.auth.v1.AuthService/";
  const std::string AG = "/convene.agenda.v1.AgendaService/";
  const std::string G = "/convene.grouping.v1.GroupingService/";
  const std::string S = "/convene.survey.v1.SurveyService/";
  const std::string AGG = "/convene.aggregation.v1.AggregationService/";
  int serial = 0;
  std::string submit_token;

  std::vector<Row> rows = {
      // --- registration
      {R + "CreateEvent",
       {},  // organisers for every event only: none of the callers here
       [&](C c, F) {
         reg::CreateEventRequest q;
         q.mutable_event()->set_title("New");
         q.mutable_event()->set_time_zone("Asia/Almaty");
         q.mutable_event()->set_start_date(kDay);
         q.mutable_event()->set_end_date(kDay);
         reg::CreateEventResponse r;
         return registration->CreateEvent(c, q, &r);
       }},
      {R + "GetEvent", kStaffReaders,
       [&](C c, F f) {
         reg::GetEventRequest q;
         q.set_event_id(f.event_id);
         reg::GetEventResponse r;
         return registration->GetEvent(c, q, &r);
       }},
      {R + "ListEvents", kStaffReaders,
       [&](C c, F) {
         reg::ListEventsRequest q;
         reg::ListEventsResponse r;
         return registration->ListEvents(c, q, &r);
       }},
      {R + "UpdateEvent", kOrganiser,
       [&](C c, F f) {
         reg::UpdateEventRequest q;
         q.mutable_event()->set_id(f.event_id);
         q.mutable_event()->set_venue("Hall");
         q.mutable_update_mask()->add_paths("venue");
         reg::UpdateEventResponse r;
         return registration->UpdateEvent(c, q, &r);
       }},
      {R + "AddParticipant", kOrganiser,
       [&](C c, F f) {
         reg::AddParticipantRequest q;
         q.mutable_participant()->set_event_id(f.event_id);
         q.mutable_participant()->set_name("Added");
         q.mutable_participant()->set_email(absl::StrCat("added", ++serial, "@example.org"));
         q.mutable_participant()->set_country("VN");
         reg::AddParticipantResponse r;
         return registration->AddParticipant(c, q, &r);
       }},
      {R + "ImportParticipants", kOrganiser,
       [&](C c, F f) {
         reg::ImportParticipantsRequest q;
         q.set_event_id(f.event_id);
         for (const char* h : {"name", "email", "country"}) q.add_header(h);
         reg::ImportRow* row = q.add_rows();
         row->set_line(2);
         row->add_cells("Imported");
         row->add_cells(absl::StrCat("imported", ++serial, "@example.org"));
         row->add_cells("Thailand");
         reg::ImportParticipantsResponse r;
         return registration->ImportParticipants(c, q, &r);
       }},
      {R + "GetParticipant", kStaffReaders,
       [&](C c, F f) {
         reg::GetParticipantRequest q;
         q.set_participant_id(f.participant_id);
         reg::GetParticipantResponse r;
         return registration->GetParticipant(c, q, &r);
       }},
      {R + "ListParticipants", kStaffReaders,
       [&](C c, F f) {
         reg::ListParticipantsRequest q;
         q.set_event_id(f.event_id);
         reg::ListParticipantsResponse r;
         return registration->ListParticipants(c, q, &r);
       }},
      {R + "UpdateParticipant", kOrganiser,
       [&](C c, F f) {
         reg::UpdateParticipantRequest q;
         q.mutable_participant()->set_id(f.participant_id);
         q.mutable_participant()->set_organization("Updated");
         q.mutable_update_mask()->add_paths("organization");
         reg::UpdateParticipantResponse r;
         return registration->UpdateParticipant(c, q, &r);
       }},
      {R + "CancelParticipant", kOrganiser,
       [&](C c, F f) {
         reg::CancelParticipantRequest q;
         q.set_participant_id(NewParticipant(f.event_id).id());
         reg::CancelParticipantResponse r;
         return registration->CancelParticipant(c, q, &r);
       }},
      {R + "CheckInParticipant", kOrganiser,
       [&](C c, F f) {
         reg::CheckInParticipantRequest q;
         q.set_participant_id(f.participant_id);
         q.set_day(kDay);
         reg::CheckInParticipantResponse r;
         return registration->CheckInParticipant(c, q, &r);
       }},
      {R + "GetParticipationSummary", kReporters,
       [&](C c, F f) {
         reg::GetParticipationSummaryRequest q;
         q.set_event_id(f.event_id);
         reg::GetParticipationSummaryResponse r;
         return registration->GetParticipationSummary(c, q, &r);
       }},
      // --- credentials
      {A + "CreateCredential", kOrganiser,
       [&](C c, F f) {
         authv1::CreateCredentialRequest q;
         q.mutable_credential()->set_name("New facilitator");
         q.mutable_credential()->set_role(authv1::ROLE_FACILITATOR);
         q.mutable_credential()->add_event_ids(f.event_id);
         authv1::CreateCredentialResponse r;
         return auth->CreateCredential(c, q, &r);
       }},
      {A + "ListCredentials", kOrganiser,
       [&](C c, F) {
         authv1::ListCredentialsRequest q;
         authv1::ListCredentialsResponse r;
         return auth->ListCredentials(c, q, &r);
       }},
      {A + "RevokeCredential", kOrganiser,
       [&](C c, F f) {
         authv1::RevokeCredentialRequest q;
         std::string id;
         NewCredential(authv1::ROLE_EVALUATOR, f.event_id, &id);
         q.set_credential_id(id);
         authv1::RevokeCredentialResponse r;
         return auth->RevokeCredential(c, q, &r);
       }},
      {A + "ListVerifiers",
       {Who::kService},
       [&](C c, F) {
         authv1::ListVerifiersRequest q;
         authv1::ListVerifiersResponse r;
         return auth->ListVerifiers(c, q, &r);
       }},
      // --- agenda
      {AG + "AddSession", kOrganiser,
       [&](C c, F f) {
         ag::AddSessionRequest q;
         q.mutable_session()->set_event_id(f.event_id);
         q.mutable_session()->set_title("Added");
         q.mutable_session()->set_kind(ag::SESSION_KIND_PANEL);
         q.mutable_session()->set_start(absl::StrCat(kDay, "T11:00"));
         q.mutable_session()->set_end(absl::StrCat(kDay, "T12:00"));
         ag::AddSessionResponse r;
         return agenda->AddSession(c, q, &r);
       }},
      {AG + "GetSession", kStaffReaders,
       [&](C c, F f) {
         ag::GetSessionRequest q;
         q.set_session_id(f.session_id);
         ag::GetSessionResponse r;
         return agenda->GetSession(c, q, &r);
       }},
      {AG + "ListSessions", kStaffReaders,
       [&](C c, F f) {
         ag::ListSessionsRequest q;
         q.set_event_id(f.event_id);
         ag::ListSessionsResponse r;
         return agenda->ListSessions(c, q, &r);
       }},
      {AG + "UpdateSession", kOrganiser,
       [&](C c, F f) {
         ag::UpdateSessionRequest q;
         q.mutable_session()->set_id(f.session_id);
         q.mutable_session()->set_title("Opening session");
         q.mutable_update_mask()->add_paths("title");
         ag::UpdateSessionResponse r;
         return agenda->UpdateSession(c, q, &r);
       }},
      {AG + "RemoveSession", kOrganiser,
       [&](C c, F f) {
         ag::RemoveSessionRequest q;
         q.set_session_id(NewSession(f.event_id));
         ag::RemoveSessionResponse r;
         return agenda->RemoveSession(c, q, &r);
       }},
      {AG + "GetSpeakerSchedule", kStaffReaders,
       [&](C c, F f) {
         ag::GetSpeakerScheduleRequest q;
         q.set_participant_id(f.participant_id);
         ag::GetSpeakerScheduleResponse r;
         return agenda->GetSpeakerSchedule(c, q, &r);
       }},
      {AG + "SetRoom", kOrganiser,
       [&](C c, F f) {
         ag::SetRoomRequest q;
         q.mutable_room()->set_event_id(f.event_id);
         q.mutable_room()->set_name("Hall A");
         q.mutable_room()->set_capacity(40);
         ag::SetRoomResponse r;
         return agenda->SetRoom(c, q, &r);
       }},
      {AG + "ListRooms", kStaffReaders,
       [&](C c, F f) {
         ag::ListRoomsRequest q;
         q.set_event_id(f.event_id);
         ag::ListRoomsResponse r;
         return agenda->ListRooms(c, q, &r);
       }},
      {AG + "ExportAgenda", kStaffReaders,
       [&](C c, F f) {
         ag::ExportAgendaRequest q;
         q.set_event_id(f.event_id);
         q.set_format(ag::EXPORT_FORMAT_ICS);
         ag::ExportAgendaResponse r;
         return agenda->ExportAgenda(c, q, &r);
       }},
      // --- grouping
      {G + "MakePlan", kGroupers,
       [&](C c, F f) {
         gr::MakePlanRequest q;
         q.mutable_spec()->set_event_id(f.event_id);
         q.mutable_spec()->set_group_count(2);
         q.mutable_spec()->set_strategy(gr::STRATEGY_DIVERSE);
         gr::MakePlanResponse r;
         return grouping->MakePlan(c, q, &r);
       }},
      {G + "GetPlan", kGroupers,
       [&](C c, F f) {
         gr::GetPlanRequest q;
         q.set_plan_id(f.plan_id);
         gr::GetPlanResponse r;
         return grouping->GetPlan(c, q, &r);
       }},
      {G + "ListPlans", kGroupers,
       [&](C c, F f) {
         gr::ListPlansRequest q;
         q.set_event_id(f.event_id);
         gr::ListPlansResponse r;
         return grouping->ListPlans(c, q, &r);
       }},
      {G + "MoveMember", kGroupers,
       [&](C c, F f) {
         gr::MoveMemberRequest q;
         q.set_plan_id(f.plan_id);
         q.set_participant_id(f.member_id);
         q.set_to_group(1);
         gr::MoveMemberResponse r;
         return grouping->MoveMember(c, q, &r);
       }},
      {G + "PublishPlan", kGroupers,
       [&](C c, F f) {
         gr::PublishPlanRequest q;
         q.set_plan_id(f.plan_id);
         gr::PublishPlanResponse r;
         return grouping->PublishPlan(c, q, &r);
       }},
      {G + "ExportPlan", kGroupers,
       [&](C c, F f) {
         gr::ExportPlanRequest q;
         q.set_plan_id(f.plan_id);
         q.set_format(gr::PLAN_EXPORT_FORMAT_MARKDOWN);
         gr::ExportPlanResponse r;
         return grouping->ExportPlan(c, q, &r);
       }},
      // --- survey
      {S + "CreateSurvey", kSurveyStaff,
       [&](C c, F f) {
         sv::CreateSurveyRequest q;
         EXPECT_TRUE(
             google::protobuf::util::JsonStringToMessage(kSurveyJson, q.mutable_survey()).ok());
         q.mutable_survey()->set_event_id(f.event_id);
         sv::CreateSurveyResponse r;
         return survey->CreateSurvey(c, q, &r);
       }},
      {S + "GetSurvey", kSurveyReadersAndRespondents,
       [&](C c, F f) {
         sv::GetSurveyRequest q;
         q.set_survey_id(f.survey_id);
         sv::GetSurveyResponse r;
         return survey->GetSurvey(c, q, &r);
       },
       [&](F) { return participant_token; }},
      {S + "ListSurveys", kSurveyReaders,
       [&](C c, F f) {
         sv::ListSurveysRequest q;
         q.set_event_id(f.event_id);
         sv::ListSurveysResponse r;
         return survey->ListSurveys(c, q, &r);
       }},
      {S + "UpdateSurvey", kSurveyStaff,
       [&](C c, F f) {
         sv::UpdateSurveyRequest q;
         q.mutable_survey()->set_id(NewSurvey(f.event_id, /*open=*/false));
         q.mutable_survey()->set_title("Renamed");
         q.mutable_update_mask()->add_paths("title");
         sv::UpdateSurveyResponse r;
         return survey->UpdateSurvey(c, q, &r);
       }},
      {S + "OpenSurvey", kSurveyStaff,
       [&](C c, F f) {
         sv::OpenSurveyRequest q;
         q.set_survey_id(NewSurvey(f.event_id, /*open=*/false));
         sv::OpenSurveyResponse r;
         return survey->OpenSurvey(c, q, &r);
       }},
      {S + "CloseSurvey", kSurveyStaff,
       [&](C c, F f) {
         sv::CloseSurveyRequest q;
         q.set_survey_id(NewSurvey(f.event_id, /*open=*/true));
         sv::CloseSurveyResponse r;
         return survey->CloseSurvey(c, q, &r);
       }},
      {S + "CopySurvey", kSurveyStaff,
       [&](C c, F f) {
         sv::CopySurveyRequest q;
         q.set_survey_id(f.post_survey_id);
         sv::CopySurveyResponse r;
         return survey->CopySurvey(c, q, &r);
       }},
      {S + "IssueTokens", kSurveyStaff,
       [&](C c, F f) {
         sv::IssueTokensRequest q;
         q.set_survey_id(f.survey_id);
         sv::IssueTokensResponse r;
         return survey->IssueTokens(c, q, &r);
       }},
      // The token is in the request (fresh for each call: a token answers once); a participant
      // calls with that same token as its credential.
      {S + "SubmitResponse", kRespondents,
       [&](C c, F f) {
         sv::SubmitResponseRequest q;
         q.set_survey_id(f.survey_id);
         q.set_token(submit_token);
         sv::Answer* answer = q.add_answers();
         answer->set_question_key("overall");
         answer->set_scale(4);
         sv::SubmitResponseResponse r;
         return survey->SubmitResponse(c, q, &r);
       },
       [&](F) { return submit_token; }},
      {S + "ImportResponses", kSurveyStaff,
       [&](C c, F f) {
         sv::ImportResponsesRequest q;
         q.set_survey_id(f.survey_id);
         q.add_header("overall");
         sv::ImportRow* row = q.add_rows();
         row->set_line(2);
         row->add_cells("3");
         sv::ImportResponsesResponse r;
         return survey->ImportResponses(c, q, &r);
       }},
      {S + "CodeAnswers", kSurveyStaff,
       [&](C c, F f) {
         sv::CodeAnswersRequest q;
         q.set_survey_id(f.survey_id);
         q.set_question_key("comments");
         sv::CodeRule* rule = q.mutable_codebook()->add_rules();
         rule->set_code("peers");
         rule->add_keywords("peer");
         sv::CodeAnswersResponse r;
         return survey->CodeAnswers(c, q, &r);
       }},
      {S + "StreamResponses", kSurveyReaders,
       [&](C c, F f) {
         sv::StreamResponsesRequest q;
         q.set_survey_id(f.survey_id);
         auto reader = survey->StreamResponses(c, q);
         sv::StreamResponsesResponse page;
         while (reader->Read(&page)) {
         }
         return reader->Finish();
       }},
      {S + "CountAnswers", kSurveyReaders,
       [&](C c, F f) {
         sv::CountAnswersRequest q;
         q.set_survey_id(f.survey_id);
         sv::CountAnswersResponse r;
         return survey->CountAnswers(c, q, &r);
       }},
      // --- aggregation
      {AGG + "SummarizeSurvey", kAggregationUsers,
       [&](C c, F f) {
         agg::SummarizeSurveyRequest q;
         q.set_survey_id(f.survey_id);
         agg::SummarizeSurveyResponse r;
         return aggregation->SummarizeSurvey(c, q, &r);
       }},
      {AGG + "ComparePrePost", kAggregationUsers,
       [&](C c, F f) {
         agg::ComparePrePostRequest q;
         q.set_pre_survey_id(f.survey_id);
         q.set_post_survey_id(f.post_survey_id);
         agg::ComparePrePostResponse r;
         return aggregation->ComparePrePost(c, q, &r);
       }},
      {AGG + "SummarizeParticipation", kAggregationUsers,
       [&](C c, F f) {
         agg::SummarizeParticipationRequest q;
         q.set_event_id(f.event_id);
         agg::SummarizeParticipationResponse r;
         return aggregation->SummarizeParticipation(c, q, &r);
       }},
      {AGG + "CompareEvents", kAggregationUsers,
       [&](C c, F f) {
         agg::CompareEventsRequest q;
         q.set_question_key("overall");
         q.add_event_ids(f.event_id);
         agg::CompareEventsResponse r;
         return aggregation->CompareEvents(c, q, &r);
       }},
  };
  // Every RPC of every service is in the table.
  std::set<std::string> listed;
  for (const Row& row : rows) listed.insert(row.method);
  for (const google::protobuf::ServiceDescriptor* service :
       {reg::GetEventRequest::descriptor()->file()->service(0),
        authv1::ListVerifiersRequest::descriptor()->file()->service(0),
        ag::GetSessionRequest::descriptor()->file()->service(0),
        gr::GetPlanRequest::descriptor()->file()->service(0),
        sv::GetSurveyRequest::descriptor()->file()->service(0),
        agg::SummarizeSurveyRequest::descriptor()->file()->service(0)}) {
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string method =
          absl::StrCat("/", service->full_name(), "/", service->method(i)->name());
      EXPECT_TRUE(listed.count(method)) << method << " is missing from the matrix";
    }
  }

  const std::set<std::string> not_about_one_event = {R + "CreateEvent", R + "ListEvents",
                                                     A + "ListCredentials", A + "ListVerifiers"};
  int cells = 0;
  std::map<std::string, int> answers;
  for (const Row& row : rows) {
    const bool on_survey_service = absl::StartsWith(row.method, S);
    for (Who who : {Who::kNone, Who::kOrganiser, Who::kFacilitator, Who::kEvaluator,
                    Who::kParticipant, Who::kService}) {
      for (const Fixture* target : {&own, &other}) {
        const bool is_own = target == &own;
        if (who == Who::kParticipant && row.method == S + "SubmitResponse") {
          // The participant's token is always of A's survey; on B it is not a token of B's survey.
          submit_token = NewToken(own.event_id, own.survey_id);
        } else if (row.method == S + "SubmitResponse") {
          submit_token = NewToken(target->event_id, target->survey_id);
        }
        std::string token;
        if (who == Who::kParticipant) {
          token = row.token_for ? row.token_for(*target) : participant_token;
        } else if (who != Who::kNone) {
          token = tokens[who];
        }
        auto context = ContextWith(token);
        const grpc::Status status = row.call(context.get(), *target);
        ++cells;
        ++answers[absl::StrCat(status.error_code())];

        // What the table says.
        grpc::StatusCode want;
        const bool any_event = not_about_one_event.count(row.method) > 0;
        if (who == Who::kNone) {
          want = grpc::StatusCode::UNAUTHENTICATED;
        } else if (who == Who::kParticipant && !on_survey_service) {
          want = grpc::StatusCode::UNAUTHENTICATED;  // a survey token is no credential there
        } else if (!row.allowed.count(who)) {
          want = grpc::StatusCode::PERMISSION_DENIED;
        } else if (!is_own && !any_event && who != Who::kService) {
          want = grpc::StatusCode::PERMISSION_DENIED;
        } else {
          want = grpc::StatusCode::OK;
        }
        EXPECT_EQ(status.error_code(), want)
            << row.method << " by " << WhoName(who) << " on " << (is_own ? "own" : "other")
            << " event: " << status.error_message();
      }
    }
  }
  std::cout << "matrix: " << rows.size() << " RPCs x 6 callers x 2 events = " << cells
            << " calls checked\n";
  RecordProperty("calls", cells);
}

TEST_F(AuthServerTest, FacilitatorsAndEvaluatorsSeeNoContactDetails) {
  const std::string event_id = CreateEvent("Contact details");
  const reg::Participant participant = NewParticipant(event_id);
  auto stub = StubOf<reg::RegistrationService>(registration_);
  for (auto [role, sees] :
       {std::pair{authv1::ROLE_ORGANISER, true}, std::pair{authv1::ROLE_FACILITATOR, false},
        std::pair{authv1::ROLE_EVALUATOR, false}}) {
    const std::string token = NewCredential(role, event_id);
    reg::GetParticipantRequest get;
    get.set_participant_id(participant.id());
    reg::GetParticipantResponse got;
    ASSERT_TRUE(stub->GetParticipant(ContextWith(token).get(), get, &got).ok());
    EXPECT_EQ(got.participant().email(), sees ? participant.email() : "") << RoleName(role);
    EXPECT_EQ(got.participant().name(), participant.name());
    reg::ListParticipantsRequest list;
    list.set_event_id(event_id);
    reg::ListParticipantsResponse listed;
    ASSERT_TRUE(stub->ListParticipants(ContextWith(token).get(), list, &listed).ok());
    ASSERT_EQ(listed.participants_size(), 1);
    EXPECT_EQ(listed.participants(0).email(), sees ? participant.email() : "") << RoleName(role);
  }
  // A credential limited to one event lists that event only.
  const std::string limited = NewCredential(authv1::ROLE_FACILITATOR, event_id);
  reg::ListEventsRequest request;
  reg::ListEventsResponse events;
  ASSERT_TRUE(stub->ListEvents(ContextWith(limited).get(), request, &events).ok());
  ASSERT_EQ(events.events_size(), 1);
  EXPECT_EQ(events.events(0).id(), event_id);
}

TEST_F(AuthServerTest, RevokedCredentialIsRefusedEverywhereWithinSeconds) {
  const std::string event_id = CreateEvent("Revocation");
  std::string id;
  const std::string token = NewCredential(authv1::ROLE_EVALUATOR, event_id, &id);
  auto surveys = StubOf<sv::SurveyService>(survey_);
  auto registration = StubOf<reg::RegistrationService>(registration_);
  auto list_surveys = [&] {
    sv::ListSurveysRequest request;
    request.set_event_id(event_id);
    sv::ListSurveysResponse response;
    return surveys->ListSurveys(ContextWith(token).get(), request, &response);
  };
  // Known to the survey service within its refresh interval.
  absl::Time give_up = absl::Now() + absl::Seconds(10);
  grpc::Status status = list_surveys();
  while (!status.ok() && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(100));
    status = list_surveys();
  }
  ASSERT_TRUE(status.ok()) << status.error_message();

  auto auth = StubOf<authv1::AuthService>(registration_);
  authv1::RevokeCredentialRequest revoke;
  revoke.set_credential_id(id);
  authv1::RevokeCredentialResponse revoked;
  ASSERT_TRUE(auth->RevokeCredential(ContextWith(*organiser_all_).get(), revoke, &revoked).ok());
  EXPECT_TRUE(revoked.credential().has_revoke_time());

  // Registration refuses it at once; the survey service within seconds, without a restart.
  reg::GetEventRequest get;
  get.set_event_id(event_id);
  reg::GetEventResponse got;
  EXPECT_EQ(registration->GetEvent(ContextWith(token).get(), get, &got).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  const absl::Time revoked_at = absl::Now();
  give_up = revoked_at + absl::Seconds(5);
  status = list_surveys();
  while (status.ok() && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(50));
    status = list_surveys();
  }
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
  std::cout << "survey refused the revoked credential after "
            << absl::FormatDuration(absl::Now() - revoked_at) << "\n";
}

// A credential made a moment ago works on the survey service before its next poll of the
// verifiers, submissions included: they run on the service's serial thread, which must not wait on
// registration, so the fetch of the new verifier runs on a worker instead.
TEST_F(AuthServerTest, ANewCredentialWorksAtOnceForASubmission) {
  const std::string event_id = CreateEvent("New credential");
  auto surveys = StubOf<sv::SurveyService>(survey_);
  const std::string token = NewCredential(authv1::ROLE_EVALUATOR, event_id);
  sv::SubmitResponseRequest request;
  request.set_survey_id("srv_000000000000");  // no such survey: the answer once authenticated
  request.set_token("not-a-token");
  sv::SubmitResponseResponse response;
  grpc::Status status = surveys->SubmitResponse(ContextWith(token).get(), request, &response);
  // A refresh may just have run for another call (they are at most two a second); the poller
  // brings the credential within its second then.
  const absl::Time give_up = absl::Now() + absl::Seconds(3);
  while (status.error_code() == grpc::StatusCode::UNAUTHENTICATED && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(100));
    status = surveys->SubmitResponse(ContextWith(token).get(), request, &response);
  }
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("srv_000000000000"));
}

TEST_F(AuthServerTest, FailedAuthenticationsAreRateLimitedPerAddress) {
  // A registration service of its own, with the default limit (10 failures a minute).
  auto process = ServiceProcess::Start("convene-registration", *data_dir_ + "/rate-limited",
                                       {"--auth_failures_per_minute=10"});
  ASSERT_TRUE(process.ok()) << process.status();
  auto stub = reg::RegistrationService::NewStub(MakeChannel(process->address()));
  const std::string wrong = FormatCredentialToken("crd_aaaaaaaaaaaa", std::string(64, 'a'));
  reg::ListEventsRequest request;
  reg::ListEventsResponse response;
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(stub->ListEvents(ContextWith(wrong).get(), request, &response).error_code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << i;
  }
  const grpc::Status limited = stub->ListEvents(ContextWith(wrong).get(), request, &response);
  EXPECT_EQ(limited.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(limited.error_message(), HasSubstr("too many failed authentications"));
  // While limited, even the right credential waits: guessing gains nothing.
  EXPECT_EQ(stub->ListEvents(ContextWith(*organiser_all_).get(), request, &response).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  // Calls without any credential are not guesses: still UNAUTHENTICATED... after the limit too.
  EXPECT_EQ(stub->ListEvents(ContextWith("").get(), request, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Health checks need no credential.
  EXPECT_TRUE(testing::WaitUntilServing(process->address(), absl::Seconds(2)).ok());
}

TEST_F(AuthServerTest, SecretsAreStoredOnlyAsDigests) {
  const std::string token = NewCredential(authv1::ROLE_FACILITATOR, "");
  const std::optional<CredentialToken> parts = ParseCredentialToken(token);
  ASSERT_TRUE(parts.has_value());
  std::string stored;
  for (const char* file : {"/registration.db", "/registration.db-wal"}) {
    std::ifstream in(*data_dir_ + "/convene-registration" + file, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    stored += bytes.str();
  }
  ASSERT_FALSE(stored.empty());
  EXPECT_EQ(stored.find(parts->secret), std::string::npos) << "the secret is in the database";
  EXPECT_NE(stored.find(parts->credential_id), std::string::npos);
}

TEST_F(AuthServerTest, CliReadsItsTokenFromEnvironmentOrAPrivateFileOnly) {
  const std::string convene = testing::BinaryPath("convene");
  const std::string address = "CONVENE_REGISTRATION_ADDR=" + registration_->address();
  const std::string path = *data_dir_ + "/readable.token";
  {
    std::ofstream out(path);
    out << *organiser_all_ << "\n";
  }
  chmod(path.c_str(), 0644);
  testing::CommandResult open_file =
      testing::RunCommand({convene, "event", "list"}, {address, "CONVENE_TOKEN_FILE=" + path});
  EXPECT_NE(open_file.exit_code, 0);
  EXPECT_THAT(open_file.err, HasSubstr("chmod 600"));
  chmod(path.c_str(), 0600);
  testing::CommandResult private_file =
      testing::RunCommand({convene, "event", "list"}, {address, "CONVENE_TOKEN_FILE=" + path});
  EXPECT_EQ(private_file.exit_code, 0) << private_file.err;
  testing::CommandResult none = testing::RunCommand(
      {convene, "event", "list"}, {address, "CONVENE_TOKEN_FILE=", "HOME=/nonexistent"});
  EXPECT_NE(none.exit_code, 0);
  EXPECT_THAT(none.err, HasSubstr("no credential"));
  testing::CommandResult from_env = testing::RunCommand(
      {convene, "event", "list"}, {address, "CONVENE_TOKEN=" + *organiser_all_});
  EXPECT_EQ(from_env.exit_code, 0) << from_env.err;
}

}  // namespace
}  // namespace convene
