// The gRPC handler of convene.registration.v1.RegistrationService. Thin by
// design: every method forwards to the Registry (registry.h), which holds the
// operations, and converts its status once.
#ifndef CONVENE_SERVICES_REGISTRATION_REGISTRATION_SERVICE_H_
#define CONVENE_SERVICES_REGISTRATION_REGISTRATION_SERVICE_H_

#include "convene/registration/v1/registration_service.grpc.pb.h"
#include "services/registration/registry.h"

namespace convene::registration {

class RegistrationServiceImpl final : public v1::RegistrationService::CallbackService {
 public:
  explicit RegistrationServiceImpl(Registry* registry) : registry_(registry) {}

  grpc::ServerUnaryReactor* CreateEvent(grpc::CallbackServerContext* context,
                                        const v1::CreateEventRequest* request,
                                        v1::CreateEventResponse* response) override;
  grpc::ServerUnaryReactor* GetEvent(grpc::CallbackServerContext* context,
                                     const v1::GetEventRequest* request,
                                     v1::GetEventResponse* response) override;
  grpc::ServerUnaryReactor* ListEvents(grpc::CallbackServerContext* context,
                                       const v1::ListEventsRequest* request,
                                       v1::ListEventsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateEvent(grpc::CallbackServerContext* context,
                                        const v1::UpdateEventRequest* request,
                                        v1::UpdateEventResponse* response) override;
  grpc::ServerUnaryReactor* AddParticipant(grpc::CallbackServerContext* context,
                                           const v1::AddParticipantRequest* request,
                                           v1::AddParticipantResponse* response) override;
  grpc::ServerUnaryReactor* ImportParticipants(grpc::CallbackServerContext* context,
                                               const v1::ImportParticipantsRequest* request,
                                               v1::ImportParticipantsResponse* response) override;
  grpc::ServerUnaryReactor* GetParticipant(grpc::CallbackServerContext* context,
                                           const v1::GetParticipantRequest* request,
                                           v1::GetParticipantResponse* response) override;
  grpc::ServerUnaryReactor* ListParticipants(grpc::CallbackServerContext* context,
                                             const v1::ListParticipantsRequest* request,
                                             v1::ListParticipantsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateParticipant(grpc::CallbackServerContext* context,
                                              const v1::UpdateParticipantRequest* request,
                                              v1::UpdateParticipantResponse* response) override;
  grpc::ServerUnaryReactor* CancelParticipant(grpc::CallbackServerContext* context,
                                              const v1::CancelParticipantRequest* request,
                                              v1::CancelParticipantResponse* response) override;
  grpc::ServerUnaryReactor* CheckInParticipant(grpc::CallbackServerContext* context,
                                               const v1::CheckInParticipantRequest* request,
                                               v1::CheckInParticipantResponse* response) override;
  grpc::ServerUnaryReactor* GetParticipationSummary(
      grpc::CallbackServerContext* context, const v1::GetParticipationSummaryRequest* request,
      v1::GetParticipationSummaryResponse* response) override;

 private:
  Registry* registry_;
};

}  // namespace convene::registration

#endif  // CONVENE_SERVICES_REGISTRATION_REGISTRATION_SERVICE_H_
