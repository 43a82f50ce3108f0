// The gRPC handlers of convene.registration.v1.RegistrationService and of
// convene.auth.v1.AuthService. Thin by design: each method checks who calls
// (ServeAs/ServeFor, unary.h), forwards to the Registry (registry.h) or the
// Credentials (credentials.h), and converts its status once.
#ifndef CONVENE_SERVICES_REGISTRATION_REGISTRATION_SERVICE_H_
#define CONVENE_SERVICES_REGISTRATION_REGISTRATION_SERVICE_H_

#include "convene/auth/v1/auth_service.grpc.pb.h"
#include "convene/registration/v1/registration_service.grpc.pb.h"
#include "services/registration/credentials.h"
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

class AuthServiceImpl final : public authv1::AuthService::CallbackService {
 public:
  explicit AuthServiceImpl(Credentials* credentials) : credentials_(credentials) {}

  grpc::ServerUnaryReactor* CreateCredential(grpc::CallbackServerContext* context,
                                             const authv1::CreateCredentialRequest* request,
                                             authv1::CreateCredentialResponse* response) override;
  grpc::ServerUnaryReactor* ListCredentials(grpc::CallbackServerContext* context,
                                            const authv1::ListCredentialsRequest* request,
                                            authv1::ListCredentialsResponse* response) override;
  grpc::ServerUnaryReactor* RevokeCredential(grpc::CallbackServerContext* context,
                                             const authv1::RevokeCredentialRequest* request,
                                             authv1::RevokeCredentialResponse* response) override;
  grpc::ServerUnaryReactor* ListVerifiers(grpc::CallbackServerContext* context,
                                          const authv1::ListVerifiersRequest* request,
                                          authv1::ListVerifiersResponse* response) override;

 private:
  Credentials* credentials_;
};

}  // namespace convene::registration

#endif  // CONVENE_SERVICES_REGISTRATION_REGISTRATION_SERVICE_H_
