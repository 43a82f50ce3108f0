#include "services/common/registration_client.h"

#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "services/common/client.h"
#include "services/common/status.h"

ABSL_FLAG(std::string, registration_addr, "127.0.0.1:50051",
          "HOST:PORT of the registration service");

namespace convene {

namespace v1 = ::convene::registration::v1;

RegistrationClient::RegistrationClient(std::string address, absl::Duration timeout)
    : address_(std::move(address)),
      timeout_(timeout),
      stub_(v1::RegistrationService::NewStub(MakeChannel(address_))) {}

std::unique_ptr<RegistrationClient> RegistrationClient::FromFlags() {
  return std::make_unique<RegistrationClient>(absl::GetFlag(FLAGS_registration_addr),
                                              kDefaultCallTimeout);
}

absl::Status RegistrationClient::Failure(const grpc::Status& status) const {
  return DependencyFailure("registration", address_, status);
}

absl::StatusOr<v1::Event> RegistrationClient::GetEvent(absl::string_view event_id) {
  v1::GetEventRequest request;
  request.set_event_id(std::string(event_id));
  v1::GetEventResponse response;
  auto context = NewCallContext(timeout_);
  grpc::Status status = stub_->GetEvent(context.get(), request, &response);
  if (!status.ok()) return Failure(status);
  return response.event();
}

absl::StatusOr<v1::Participant> RegistrationClient::GetParticipant(
    absl::string_view participant_id) {
  v1::GetParticipantRequest request;
  request.set_participant_id(std::string(participant_id));
  v1::GetParticipantResponse response;
  auto context = NewCallContext(timeout_);
  grpc::Status status = stub_->GetParticipant(context.get(), request, &response);
  if (!status.ok()) return Failure(status);
  return response.participant();
}

absl::StatusOr<v1::GetParticipationSummaryResponse> RegistrationClient::GetParticipationSummary(
    absl::string_view event_id) {
  v1::GetParticipationSummaryRequest request;
  request.set_event_id(std::string(event_id));
  v1::GetParticipationSummaryResponse response;
  auto context = NewCallContext(timeout_);
  grpc::Status status = stub_->GetParticipationSummary(context.get(), request, &response);
  if (!status.ok()) return Failure(status);
  return response;
}

absl::StatusOr<std::vector<v1::Participant>> RegistrationClient::ListParticipants(
    absl::string_view event_id) {
  std::vector<v1::Participant> all;
  v1::ListParticipantsRequest request;
  request.set_event_id(std::string(event_id));
  request.set_page_size(1000);
  do {
    v1::ListParticipantsResponse response;
    auto context = NewCallContext(timeout_);
    grpc::Status status = stub_->ListParticipants(context.get(), request, &response);
    if (!status.ok()) return Failure(status);
    for (v1::Participant& p : *response.mutable_participants()) all.push_back(std::move(p));
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return all;
}

}  // namespace convene
