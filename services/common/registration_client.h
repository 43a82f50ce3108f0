// How the other services ask registration about events and participants: every call carries a
// deadline, and a registration service that is down or slow becomes one clear UNAVAILABLE error
// naming it, never a hang. Thread-safe (a gRPC stub is).
//
// Services that use it define no flag of their own: --registration_addr lives here, so every
// service that calls registration takes it under the same name.
#ifndef CONVENE_SERVICES_COMMON_REGISTRATION_CLIENT_H_
#define CONVENE_SERVICES_COMMON_REGISTRATION_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "convene/registration/v1/registration_service.grpc.pb.h"

ABSL_DECLARE_FLAG(std::string, registration_addr);

namespace convene {

class RegistrationClient {
 public:
  // Calls the service at `address`, each call with `timeout`.
  RegistrationClient(std::string address, absl::Duration timeout);
  // From --registration_addr, with the default inter-service timeout.
  static std::unique_ptr<RegistrationClient> FromFlags();

  // NOT_FOUND (naming the id) when it does not exist; UNAVAILABLE when registration cannot answer.
  absl::StatusOr<registration::v1::Event> GetEvent(absl::string_view event_id);
  absl::StatusOr<registration::v1::Participant> GetParticipant(absl::string_view participant_id);
  absl::StatusOr<registration::v1::GetParticipationSummaryResponse> GetParticipationSummary(
      absl::string_view event_id);
  // Every participant of the event (all statuses), following the pages.
  absl::StatusOr<std::vector<registration::v1::Participant>> ListParticipants(
      absl::string_view event_id);

 private:
  // Turns a failed call into the error this service reports.
  absl::Status Failure(const grpc::Status& status) const;

  std::string address_;
  absl::Duration timeout_;
  std::unique_ptr<registration::v1::RegistrationService::Stub> stub_;
};

}  // namespace convene

#endif  // CONVENE_SERVICES_COMMON_REGISTRATION_CLIENT_H_
