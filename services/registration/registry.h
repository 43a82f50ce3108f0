// The registration service's operations, one per RPC: each validates its
// request with the rules in rules.h, runs in one store transaction, and fills
// the response. The gRPC handler only forwards to these (TensorFlow Serving's
// ServerCore layering), so they are what the tests exercise directly.
//
// Thread-safe: concurrent calls are serialised by the store. Errors are as the
// proto documents them.
#ifndef CONVENE_SERVICES_REGISTRATION_REGISTRY_H_
#define CONVENE_SERVICES_REGISTRATION_REGISTRY_H_

#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "convene/registration/v1/registration_service.pb.h"
#include "services/registration/registration_store.h"

namespace convene::registration {

class Registry {
 public:
  struct Options {
    // The clock, replaceable in tests (check-in "today").
    std::function<absl::Time()> now = [] { return absl::Now(); };
  };

  explicit Registry(RegistrationStore* store) : Registry(store, Options()) {}
  Registry(RegistrationStore* store, Options options)
      : store_(store), options_(std::move(options)) {}

  absl::Status CreateEvent(const v1::CreateEventRequest& request,
                           v1::CreateEventResponse* response);
  absl::Status GetEvent(const v1::GetEventRequest& request, v1::GetEventResponse* response);
  absl::Status ListEvents(const v1::ListEventsRequest& request, v1::ListEventsResponse* response);
  absl::Status UpdateEvent(const v1::UpdateEventRequest& request,
                           v1::UpdateEventResponse* response);

  absl::Status AddParticipant(const v1::AddParticipantRequest& request,
                              v1::AddParticipantResponse* response);
  absl::Status ImportParticipants(const v1::ImportParticipantsRequest& request,
                                  v1::ImportParticipantsResponse* response);
  // The event of a participant (for permission checks); NOT_FOUND naming it.
  absl::StatusOr<std::string> EventOfParticipant(absl::string_view participant_id);
  absl::Status GetParticipant(const v1::GetParticipantRequest& request,
                              v1::GetParticipantResponse* response);
  absl::Status ListParticipants(const v1::ListParticipantsRequest& request,
                                v1::ListParticipantsResponse* response);
  absl::Status UpdateParticipant(const v1::UpdateParticipantRequest& request,
                                 v1::UpdateParticipantResponse* response);
  absl::Status CancelParticipant(const v1::CancelParticipantRequest& request,
                                 v1::CancelParticipantResponse* response);
  absl::Status CheckInParticipant(const v1::CheckInParticipantRequest& request,
                                  v1::CheckInParticipantResponse* response);
  absl::Status GetParticipationSummary(const v1::GetParticipationSummaryRequest& request,
                                       v1::GetParticipationSummaryResponse* response);

 private:
  // Promotes up to the free seats from the waitlist, earliest first; appends
  // them to `promoted`.
  absl::Status FillSeats(const v1::Event& event, absl::Time now,
                         google::protobuf::RepeatedPtrField<v1::Participant>* promoted);

  RegistrationStore* store_;
  Options options_;
};

}  // namespace convene::registration

#endif  // CONVENE_SERVICES_REGISTRATION_REGISTRY_H_
