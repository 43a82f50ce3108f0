// The one shape of a unary callback handler: run the domain call, convert its
// status once, finish.
//
//   grpc::ServerUnaryReactor* GetEvent(grpc::CallbackServerContext* context,
//                                      const GetEventRequest* request,
//                                      GetEventResponse* response) override {
//     return convene::Respond(context, registry_.GetEvent(*request, response));
//   }
#ifndef CONVENE_SERVICES_COMMON_UNARY_H_
#define CONVENE_SERVICES_COMMON_UNARY_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "services/common/status.h"

namespace convene {

inline grpc::ServerUnaryReactor* Respond(grpc::CallbackServerContext* context,
                                         const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace convene

#endif  // CONVENE_SERVICES_COMMON_UNARY_H_
