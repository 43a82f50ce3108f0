// The one shape of a unary callback handler: admit the call (unless the server
// is draining), run the domain operation, convert its status once, finish.
//
//   grpc::ServerUnaryReactor* GetEvent(grpc::CallbackServerContext* context,
//                                      const GetEventRequest* request,
//                                      GetEventResponse* response) override {
//     return convene::Serve(context, [&] { return registry_->GetEvent(*request,
//     response); });
//   }
#ifndef CONVENE_SERVICES_COMMON_UNARY_H_
#define CONVENE_SERVICES_COMMON_UNARY_H_

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <mutex>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/common/status.h"

namespace convene {

// Counts the calls being handled so that shutdown can wait for exactly those.
// Thread-safe.
class CallGate {
 public:
  // False once closed: the call must be refused.
  bool Enter();
  void Leave();
  // Refuses every later call.
  void Close();
  // Waits until no call is being handled or `deadline` passes; true when idle.
  bool WaitIdle(absl::Time deadline);

 private:
  std::mutex mu_;
  std::condition_variable idle_;
  int active_ = 0;
  bool closed_ = false;
};

// The gate of this process's server.
CallGate& ServerCalls();

template <typename Operation>
grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, Operation&& operation) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!ServerCalls().Enter()) {
    reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                 "the service is shutting down; retry on another instance"));
    return reactor;
  }
  const absl::Status status = operation();
  ServerCalls().Leave();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace convene

#endif  // CONVENE_SERVICES_COMMON_UNARY_H_
