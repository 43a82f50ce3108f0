// The agenda service as operators run it: real convene-registration and convene-agenda processes on
// loopback ports, each with its SQLite file, called through gRPC; registration stopped and started
// again under a running agenda service.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "convene/agenda/v1/agenda_service.grpc.pb.h"
#include "convene/registration/v1/registration_service.grpc.pb.h"
#include "services/common/client.h"
#include "services/common/testing/process.h"
#include "services/common/testing/status_matchers.h"

namespace convene {
namespace {

namespace ag = ::convene::agenda::v1;
namespace reg = ::convene::registration::v1;
using ::convene::testing::GrpcStatusIs;
using ::convene::testing::ServiceProcess;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class AgendaServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = testing::MakeTempDir("agenda");
    StartRegistration(0);
    StartAgenda(0);
    event_id_ = CreateEvent("Asia/Jakarta", "2023-05-30", "2023-05-31", &registration_stub_);
    for (int i = 0; i < 6; ++i) people_.push_back(AddParticipant(event_id_, i));
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
    stub_ = ag::AgendaService::NewStub(MakeChannel(agenda_->address()));
  }

  std::string CreateEvent(const std::string& zone, const std::string& start, const std::string& end,
                          std::unique_ptr<reg::RegistrationService::Stub>* stub) {
    reg::CreateEventRequest request;
    request.mutable_event()->set_title("ASEAN-PAC capacity-building workshop");
    request.mutable_event()->set_time_zone(zone);
    request.mutable_event()->set_start_date(start);
    request.mutable_event()->set_end_date(end);
    request.mutable_event()->set_capacity(30);
    reg::CreateEventResponse response;
    auto context = NewCallContext();
    EXPECT_TRUE((*stub)->CreateEvent(context.get(), request, &response).ok());
    return response.event().id();
  }

  std::string AddParticipant(const std::string& event_id, int n) {
    reg::AddParticipantRequest request;
    reg::Participant* p = request.mutable_participant();
    p->set_event_id(event_id);
    p->set_name(absl::StrCat("Panelist ", n));
    p->set_email(absl::StrCat("panelist", n, "@example.org"));
    p->set_country("ID");
    p->set_organization(absl::StrCat("Agency ", n));
    reg::AddParticipantResponse response;
    auto context = NewCallContext();
    EXPECT_TRUE(registration_stub_->AddParticipant(context.get(), request, &response).ok());
    return response.participant().id();
  }

  static ag::Session Session(const std::string& event_id, const std::string& title,
                             const std::string& start, const std::string& end,
                             std::vector<std::string> speakers, const std::string& room = "Hall A",
                             ag::SessionKind kind = ag::SESSION_KIND_PANEL) {
    ag::Session s;
    s.set_event_id(event_id);
    s.set_title(title);
    s.set_kind(kind);
    s.set_start(start);
    s.set_end(end);
    s.set_room(room);
    for (auto& id : speakers) s.add_speaker_ids(id);
    return s;
  }

  grpc::Status Add(const ag::Session& session, ag::AddSessionResponse* response = nullptr) {
    ag::AddSessionRequest request;
    *request.mutable_session() = session;
    ag::AddSessionResponse ignored;
    auto context = NewCallContext();
    return stub_->AddSession(context.get(), request, response ? response : &ignored);
  }

  ag::ListSessionsResponse List(const std::string& time_zone = "") {
    ag::ListSessionsRequest request;
    request.set_event_id(event_id_);
    request.set_time_zone(time_zone);
    ag::ListSessionsResponse response;
    auto context = NewCallContext();
    grpc::Status status = stub_->ListSessions(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  std::string data_dir_;
  std::optional<ServiceProcess> registration_;
  std::optional<ServiceProcess> agenda_;
  std::unique_ptr<reg::RegistrationService::Stub> registration_stub_;
  std::unique_ptr<ag::AgendaService::Stub> stub_;
  std::string event_id_;
  std::vector<std::string> people_;
};

TEST_F(AgendaServerTest, PanelWithChairAndSpeakersIsStoredAndNamed) {
  ag::Session panel = Session(event_id_, "Public Sector Integrity Measurement", "2023-05-31T09:00",
                              "2023-05-31T10:30", {people_[1], people_[2], people_[3], people_[4]});
  panel.set_chair_id(people_[0]);
  ag::AddSessionResponse added;
  ASSERT_TRUE(Add(panel, &added).ok());
  EXPECT_EQ(added.session().start(), "2023-05-31T09:00");
  EXPECT_EQ(added.session().time_zone(), "Asia/Jakarta");
  // 09:00 in Jakarta (UTC+7) is 02:00 UTC.
  EXPECT_EQ(added.session().start_time().seconds(),
            absl::ToUnixSeconds(
                absl::FromCivil(absl::CivilSecond(2023, 5, 31, 2, 0, 0), absl::UTCTimeZone())));
  // All four panelists and the chair, with names: not just the first of four.
  ASSERT_EQ(added.session().people_size(), 5);
  EXPECT_EQ(added.session().people(0).role(), ag::PERSON_ROLE_CHAIR);
  EXPECT_EQ(added.session().people(0).name(), "Panelist 0");
  EXPECT_EQ(added.session().people(4).name(), "Panelist 4");
  EXPECT_EQ(added.session().people(4).organization(), "Agency 4");

  // Rendered in another zone on request: Asia/Almaty's offset comes from the zone database.
  absl::TimeZone almaty;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Almaty", &almaty));
  const absl::CivilMinute local =
      absl::ToCivilMinute(absl::FromUnixSeconds(added.session().start_time().seconds()), almaty);
  auto listed = List("Asia/Almaty");
  ASSERT_EQ(listed.sessions_size(), 1);
  EXPECT_EQ(listed.sessions(0).start(),
            absl::StrFormat("%04d-%02d-%02dT%02d:%02d", local.year(), local.month(), local.day(),
                            local.hour(), local.minute()));
  EXPECT_EQ(listed.sessions(0).time_zone(), "Asia/Almaty");
}

TEST_F(AgendaServerTest, DoubleBookingIsRefusedNamingTheClash) {
  ASSERT_TRUE(
      Add(Session(event_id_, "Panel 1", "2023-05-30T09:00", "2023-05-30T10:30", {people_[1]}))
          .ok());
  // The same speaker in an overlapping session elsewhere.
  EXPECT_THAT(Add(Session(event_id_, "Panel 2", "2023-05-30T10:00", "2023-05-30T11:00",
                          {people_[1]}, "Hall B")),
              GrpcStatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                           AllOf(HasSubstr("Panelist 1"), HasSubstr("Panel 1"))));
  // Back to back is fine: half-open intervals.
  EXPECT_TRUE(Add(Session(event_id_, "Panel 3", "2023-05-30T10:30", "2023-05-30T11:30",
                          {people_[1]}, "Hall B"))
                  .ok());
  // Another panel in Hall A at the same time as Panel 1: the room clashes.
  EXPECT_THAT(Add(Session(event_id_, "Panel 4", "2023-05-30T09:30", "2023-05-30T10:00",
                          {people_[2]}, "hall a")),
              GrpcStatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                           AllOf(HasSubstr("room"), HasSubstr("Panel 1"))));
  // A coffee break in Hall A does not hold the room; an online session holds none.
  EXPECT_TRUE(Add(Session(event_id_, "Coffee break", "2023-05-30T10:00", "2023-05-30T10:15", {},
                          "Hall A", ag::SESSION_KIND_BREAK))
                  .ok());
  EXPECT_TRUE(Add(Session(event_id_, "Online side event", "2023-05-30T09:00", "2023-05-30T10:00",
                          {people_[3]}, ""))
                  .ok());
  EXPECT_EQ(List().sessions_size(), 4);
}

TEST_F(AgendaServerTest, BadSessionsNameTheField) {
  EXPECT_THAT(Add(Session(event_id_, "Too early", "2023-05-29T09:00", "2023-05-29T10:00", {})),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("start")));
  EXPECT_THAT(Add(Session(event_id_, "Backwards", "2023-05-30T10:00", "2023-05-30T09:00", {})),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("end")));
  EXPECT_THAT(Add(Session(event_id_, "", "2023-05-30T09:00", "2023-05-30T10:00", {})),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("title")));
  EXPECT_THAT(Add(Session(event_id_, "Ghost", "2023-05-30T09:00", "2023-05-30T10:00",
                          {"par_000000000000"})),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("speaker_ids")));
  // A participant of another event cannot speak here.
  const std::string other =
      CreateEvent("Asia/Kuala_Lumpur", "2024-10-01", "2024-10-02", &registration_stub_);
  const std::string outsider = AddParticipant(other, 99);
  EXPECT_THAT(Add(Session(event_id_, "Guest", "2023-05-30T09:00", "2023-05-30T10:00", {outsider})),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("another event")));
  // A cancelled participant cannot speak.
  reg::CancelParticipantRequest cancel;
  cancel.set_participant_id(people_[5]);
  reg::CancelParticipantResponse cancelled;
  auto context = NewCallContext();
  ASSERT_TRUE(registration_stub_->CancelParticipant(context.get(), cancel, &cancelled).ok());
  EXPECT_THAT(Add(Session(event_id_, "Gone", "2023-05-30T09:00", "2023-05-30T10:00", {people_[5]})),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("cancelled")));
  EXPECT_THAT(List().sessions(), IsEmpty());
}

TEST_F(AgendaServerTest, UpdateChecksClashesAndCountsRevisions) {
  ag::AddSessionResponse a, b;
  ASSERT_TRUE(
      Add(Session(event_id_, "Panel A", "2023-05-30T09:00", "2023-05-30T10:00", {people_[1]}), &a)
          .ok());
  ASSERT_TRUE(Add(Session(event_id_, "Panel B", "2023-05-30T10:00", "2023-05-30T11:00",
                          {people_[1]}, "Hall B"),
                  &b)
                  .ok());
  ag::UpdateSessionRequest request;
  request.mutable_session()->set_id(b.session().id());
  request.mutable_session()->set_start("2023-05-30T09:30");
  request.mutable_update_mask()->add_paths("start");
  ag::UpdateSessionResponse response;
  {
    auto context = NewCallContext();
    EXPECT_THAT(stub_->UpdateSession(context.get(), request, &response),
                GrpcStatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("Panel A")));
  }
  request.mutable_session()->set_title("Panel B, renamed");
  request.mutable_update_mask()->Clear();
  request.mutable_update_mask()->add_paths("title");
  {
    auto context = NewCallContext();
    ASSERT_TRUE(stub_->UpdateSession(context.get(), request, &response).ok());
  }
  EXPECT_EQ(response.session().title(), "Panel B, renamed");
  EXPECT_EQ(response.session().start(), "2023-05-30T10:00");  // unchanged
  EXPECT_EQ(response.session().revision(), 1);

  ag::RemoveSessionRequest remove;
  remove.set_session_id(a.session().id());
  ag::RemoveSessionResponse removed;
  auto context = NewCallContext();
  ASSERT_TRUE(stub_->RemoveSession(context.get(), remove, &removed).ok());
  EXPECT_EQ(List().sessions_size(), 1);
}

TEST_F(AgendaServerTest, RoomCapacityWarnsButDoesNotRefuse) {
  ag::SetRoomRequest room;
  room.mutable_room()->set_event_id(event_id_);
  room.mutable_room()->set_name("Small room");
  room.mutable_room()->set_capacity(4);
  ag::SetRoomResponse set;
  auto context = NewCallContext();
  ASSERT_TRUE(stub_->SetRoom(context.get(), room, &set).ok());
  ag::AddSessionResponse added;
  // Six confirmed participants, four seats.
  ASSERT_TRUE(Add(Session(event_id_, "Plenary", "2023-05-30T09:00", "2023-05-30T10:00", {},
                          "small ROOM", ag::SESSION_KIND_PLENARY),
                  &added)
                  .ok());
  ASSERT_EQ(added.warnings_size(), 1);
  EXPECT_THAT(added.warnings(0), AllOf(HasSubstr("Small room"), HasSubstr("4"), HasSubstr("6")));
}

TEST_F(AgendaServerTest, SpeakerScheduleListsSessionsSpokenAndChaired) {
  ag::Session chaired =
      Session(event_id_, "Opening", "2023-05-30T08:30", "2023-05-30T09:00", {people_[2]});
  chaired.set_chair_id(people_[1]);
  ASSERT_TRUE(Add(chaired).ok());
  ASSERT_TRUE(Add(Session(event_id_, "Panel", "2023-05-31T09:00", "2023-05-31T10:00",
                          {people_[1], people_[3]}))
                  .ok());
  ASSERT_TRUE(
      Add(Session(event_id_, "Other", "2023-05-31T11:00", "2023-05-31T12:00", {people_[4]})).ok());
  ag::GetSpeakerScheduleRequest request;
  request.set_participant_id(people_[1]);
  ag::GetSpeakerScheduleResponse response;
  auto context = NewCallContext();
  ASSERT_TRUE(stub_->GetSpeakerSchedule(context.get(), request, &response).ok());
  EXPECT_EQ(response.person().name(), "Panelist 1");
  ASSERT_EQ(response.sessions_size(), 2);
  EXPECT_EQ(response.sessions(0).title(), "Opening");
  EXPECT_EQ(response.sessions(1).title(), "Panel");
}

TEST_F(AgendaServerTest, RegistrationDownIsAClearUnavailableAndRecoversWithoutRestart) {
  const int port = registration_->port();
  registration_->Stop(SIGKILL);
  registration_.reset();
  const absl::Time start = absl::Now();
  EXPECT_THAT(
      Add(Session(event_id_, "Panel", "2023-05-30T09:00", "2023-05-30T10:00", {people_[1]})),
      GrpcStatusIs(grpc::StatusCode::UNAVAILABLE, HasSubstr("registration")));
  // Well within the 10 s call deadline: a refused connection is reported, not waited out.
  EXPECT_LT(absl::Now() - start, absl::Seconds(9));
  StartRegistration(port);
  absl::Status ok = absl::UnknownError("not tried");
  for (int attempt = 0; attempt < 50 && !ok.ok(); ++attempt) {
    grpc::Status status =
        Add(Session(event_id_, "Panel", "2023-05-30T09:00", "2023-05-30T10:00", {people_[1]}));
    ok = status.ok() ? absl::OkStatus() : absl::UnavailableError(status.error_message());
    if (!ok.ok()) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(ok.ok()) << ok;
}

TEST_F(AgendaServerTest, SessionsSurviveSigkill) {
  ASSERT_TRUE(
      Add(Session(event_id_, "Panel", "2023-05-30T09:00", "2023-05-30T10:00", {people_[1]})).ok());
  const int port = agenda_->port();
  agenda_->Stop(SIGKILL);
  agenda_.reset();
  StartAgenda(port);
  auto listed = List();
  ASSERT_EQ(listed.sessions_size(), 1);
  EXPECT_EQ(listed.sessions(0).title(), "Panel");
}

}  // namespace
}  // namespace convene
