// The limits of services/common/limits.h as a client meets them, through gRPC against the real
// binaries: a message over 64 MB is RESOURCE_EXHAUSTED (refused by the server when the client
// would send it, by the client's own channel otherwise), too many rows or events or too long a
// field is INVALID_ARGUMENT naming the field and the limit, with a short message even when the
// input was huge, and the service keeps serving afterwards.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "convene/aggregation/v1/aggregation_service.grpc.pb.h"
#include "convene/registration/v1/registration_service.grpc.pb.h"
#include "services/common/client.h"
#include "services/common/limits.h"
#include "services/common/testing/process.h"
#include "services/common/testing/status_matchers.h"

namespace convene {
namespace {

namespace agg = ::convene::aggregation::v1;
namespace reg = ::convene::registration::v1;
using ::convene::testing::GrpcStatusIs;
using ::convene::testing::ServiceProcess;
using ::testing::AllOf;
using ::testing::HasSubstr;

class LimitsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = testing::MakeTempDir("limits");
    auto process = ServiceProcess::Start("convene-registration", data_dir_ + "/registration");
    ASSERT_TRUE(process.ok()) << process.status();
    registration_.emplace(std::move(process).value());
    stub_ = reg::RegistrationService::NewStub(MakeChannel(registration_->address()));
    event_id_ = CreateEvent();
  }

  std::string CreateEvent() {
    reg::CreateEventRequest request;
    request.mutable_event()->set_title("Regional dialogue");
    request.mutable_event()->set_time_zone("Asia/Almaty");
    request.mutable_event()->set_start_date("2024-10-01");
    request.mutable_event()->set_end_date("2024-10-02");
    reg::CreateEventResponse response;
    auto context = NewCallContext();
    grpc::Status status = stub_->CreateEvent(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.event().id();
  }

  reg::ImportParticipantsRequest ImportOf(int rows, size_t name_bytes) {
    reg::ImportParticipantsRequest request;
    request.set_event_id(event_id_);
    for (const char* column : {"name", "email", "country"}) request.add_header(column);
    for (int i = 0; i < rows; ++i) {
      reg::ImportRow* row = request.add_rows();
      row->set_line(i + 2);
      row->add_cells(name_bytes ? std::string(name_bytes, 'n') : absl::StrCat("P", i));
      row->add_cells(absl::StrCat("p", i, "@example.org"));
      row->add_cells("KZ");
    }
    return request;
  }

  // The service still answers, and stored nothing.
  void ExpectServingWithNobodyStored() {
    reg::ListParticipantsRequest request;
    request.set_event_id(event_id_);
    reg::ListParticipantsResponse response;
    auto context = NewCallContext();
    grpc::Status status = stub_->ListParticipants(context.get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.participants_size(), 0);
  }

  std::string data_dir_;
  std::optional<ServiceProcess> registration_;
  std::unique_ptr<reg::RegistrationService::Stub> stub_;
  std::string event_id_;
};

TEST_F(LimitsServerTest, MessageOverSixtyFourMegabytesIsResourceExhausted) {
  // One row whose name alone is 64 MB: the request is just over the limit.
  const reg::ImportParticipantsRequest request = ImportOf(1, kMaxMessageBytes);
  ASSERT_GT(request.ByteSizeLong(), static_cast<size_t>(kMaxMessageBytes));

  // A client that would send it: the server refuses it before reading it.
  grpc::ChannelArguments unlimited;
  unlimited.SetMaxSendMessageSize(-1);
  auto careless = reg::RegistrationService::NewStub(grpc::CreateCustomChannel(
      registration_->address(), grpc::InsecureChannelCredentials(), unlimited));
  {
    reg::ImportParticipantsResponse response;
    auto context = NewCallContext(absl::Seconds(30));
    EXPECT_THAT(careless->ImportParticipants(context.get(), request, &response),
                GrpcStatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED,
                             HasSubstr("Received message larger than max")));
  }
  // The project's own channels (the CLI's, the services') do not even send it.
  {
    reg::ImportParticipantsResponse response;
    auto context = NewCallContext(absl::Seconds(30));
    EXPECT_THAT(stub_->ImportParticipants(context.get(), request, &response),
                GrpcStatusIs(grpc::StatusCode::RESOURCE_EXHAUSTED, ::testing::_));
  }
  ExpectServingWithNobodyStored();
}

TEST_F(LimitsServerTest, MoreRowsThanAnImportTakesIsRefusedWhole) {
  reg::ImportParticipantsRequest request = ImportOf(kMaxImportRows + 1, 0);
  request.set_skip_invalid(true);  // not even the first 100,000 rows: nothing is cut silently
  reg::ImportParticipantsResponse response;
  auto context = NewCallContext(absl::Seconds(30));
  EXPECT_THAT(stub_->ImportParticipants(context.get(), request, &response),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                           HasSubstr("rows: 100001 rows, at most 100000 in one import")));
  ExpectServingWithNobodyStored();
}

TEST_F(LimitsServerTest, HugeFieldsGetAShortErrorNamingFieldAndLimit) {
  const std::string huge(8 * 1024 * 1024, 'x');
  {
    reg::AddParticipantRequest request;
    reg::Participant* p = request.mutable_participant();
    p->set_event_id(event_id_);
    p->set_name("Aigerim Nurlanovna");
    p->set_email("aigerim@example.org");
    p->set_country(huge);
    reg::AddParticipantResponse response;
    auto context = NewCallContext();
    grpc::Status status = stub_->AddParticipant(context.get(), request, &response);
    EXPECT_THAT(status, GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                                     HasSubstr("country: 8388608 characters, at most 1000")));
    EXPECT_LE(status.error_message().size(), kMaxErrorMessageBytes);
  }
  {
    reg::GetParticipantRequest request;
    request.set_participant_id(huge);
    reg::GetParticipantResponse response;
    auto context = NewCallContext();
    grpc::Status status = stub_->GetParticipant(context.get(), request, &response);
    EXPECT_THAT(status, GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                                     HasSubstr("participant_id: 8388608 characters, at most 100")));
    EXPECT_LE(status.error_message().size(), kMaxErrorMessageBytes);
  }
  {
    // An error that quotes what it was sent is cut short, and says so with "…".
    reg::ListParticipantsRequest request;
    request.set_event_id(event_id_);
    request.set_country(huge);
    reg::ListParticipantsResponse response;
    auto context = NewCallContext();
    grpc::Status status = stub_->ListParticipants(context.get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_THAT(status.error_message(), AllOf(HasSubstr("country"), HasSubstr("…")));
    EXPECT_LE(status.error_message().size(), kMaxErrorMessageBytes);
  }
  ExpectServingWithNobodyStored();
}

TEST_F(LimitsServerTest, CompareEventsTakesAtMostAHundredEvents) {
  // The count is checked before any other service is asked, so registration stands in for all.
  auto process = ServiceProcess::Start(
      "convene-aggregation", data_dir_ + "/aggregation",
      {"--registration_addr=" + registration_->address(),
       "--survey_addr=" + registration_->address(), "--agenda_addr=" + registration_->address()});
  ASSERT_TRUE(process.ok()) << process.status();
  auto aggregation = agg::AggregationService::NewStub(MakeChannel(process->address()));
  agg::CompareEventsRequest request;
  request.set_question_key("overall");
  for (int i = 0; i <= kMaxCompareEvents; ++i) request.add_event_ids(event_id_);
  agg::CompareEventsResponse response;
  auto context = NewCallContext();
  EXPECT_THAT(aggregation->CompareEvents(context.get(), request, &response),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                           HasSubstr("event_ids: 101 events, at most 100")));
}

}  // namespace
}  // namespace convene
