// The one shape of a unary callback handler: admit the call (unless the server is draining), run
// the domain operation off gRPC's threads, convert its status once, finish.
//
//   grpc::ServerUnaryReactor* GetEvent(grpc::CallbackServerContext* context,
//                                      const GetEventRequest* request,
//                                      GetEventResponse* response) override {
//     return convene::Serve(context, [=, this] { return registry_->GetEvent(*request, response);
//     });
//   }
//
// Operations block: on SQLite, on calls to other services. gRPC's callback threads (about one per
// core) must not wait on those, or a handful of slow calls would stall every call of the process.
// Serve runs the operation on ServerWorkers(); ServeLocal, for operations that need only this
// service's database, on the one serial thread (ServerSerialThread()), where the writes of calls
// queued together share a batch without the connection passing between threads. Either way the
// writes do not wait for their group commit's fsync (sqlite::DeferredCommits): the call is finished
// once its batch is on disk, and the thread goes on to the next call. The operation outlives the
// handler's frame: it captures by value (the request, response and context pointers stay valid
// until the call is finished).
#ifndef CONVENE_SERVICES_COMMON_UNARY_H_
#define CONVENE_SERVICES_COMMON_UNARY_H_

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/common/auth.h"
#include "services/common/sqlite/database.h"
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

// A fixed set of threads running queued tasks in order of arrival. Thread-safe.
class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  // The threads are left running: the pool lives as long as the process.

  void Run(std::function<void()> task);

 private:
  void Work();

  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
};

// The workers of this process's server: --worker_threads of them (server.cc), made on first use.
WorkerPool& ServerWorkers();
// Sets how many threads ServerWorkers() gets; only before its first use.
void SetServerWorkerThreads(int threads);

// One thread running queued calls one after another: ServeLocal's. The writes of calls queued
// together share one batch (sqlite::HeldBatches) with no thread handing the connection to another:
// the batch is committed when the queue runs dry or kMaxHeldCalls calls have run, and the calls
// in it are answered, from a thread of its own, once it is on disk. Thread-safe.
class SerialThread {
 public:
  static constexpr int kMaxHeldCalls = 64;

  SerialThread();
  SerialThread(const SerialThread&) = delete;
  SerialThread& operator=(const SerialThread&) = delete;
  // The thread is left running: it lives as long as the process.

  void Run(std::function<void()> task);

  // On the serial thread: keeps answer() (finishing a call) for a thread of its own, which the
  // round's answers go to together once its batch is committed, so that the serial thread goes on
  // with the next calls meanwhile; true. Elsewhere false, and the caller answers itself.
  static bool Answer(std::function<void()> answer);

 private:
  void Work();

  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  WorkerPool answerer_;
};

// The serial thread of this process's server.
SerialThread& ServerSerialThread();

// True on the serial thread, where nothing may wait for long: code that would (a call to another
// service, say) returns NeedsWorker() there instead, before writing anything, and ServeLocal runs
// the whole operation again on a worker.
bool OnSerialThread();
absl::Status NeedsWorker();
bool IsNeedsWorker(const absl::Status& status);

namespace internal {

// Admits the call, or finishes it as UNAVAILABLE while the server shuts down (false).
bool Admit(grpc::ServerUnaryReactor* reactor);

// Finishes the call with `status` once the writes `deferred` holds are on disk.
void FinishWhenStored(grpc::ServerUnaryReactor* reactor, sqlite::DeferredCommits& deferred,
                      const absl::Status& status);

// Runs operation() here and finishes the call. Its writes need not hold this thread until their
// group commit is on disk: the call is answered from the thread that commits it.
template <typename Operation>
void RunCall(grpc::ServerUnaryReactor* reactor, Operation& operation) {
  sqlite::DeferredCommits deferred;
  const absl::Status status = operation();
  FinishWhenStored(reactor, deferred, status);
}

// operation(caller) after authenticating the caller and checking its role.
template <typename Operation>
auto AsCaller(grpc::CallbackServerContext* context, const RoleSet& roles, Operation&& operation) {
  return
      [context, roles, operation = std::forward<Operation>(operation)]() mutable -> absl::Status {
        absl::StatusOr<Caller> caller = ServerGatekeeper().Authenticate(*context);
        if (!caller.ok()) return caller.status();
        CONVENE_RETURN_IF_ERROR(CheckRole(*caller, roles));
        return operation(*caller);
      };
}

// operation() for a caller allowed on the event `event_of()` names.
template <typename EventOf, typename Operation>
auto ForEvent(EventOf&& event_of, Operation&& operation) {
  return
      [event_of = std::forward<EventOf>(event_of), operation = std::forward<Operation>(operation)](
          const Caller& caller) mutable -> absl::Status {
        if (!caller.AllEvents()) {
          absl::StatusOr<std::string> event_id = event_of();
          if (!event_id.ok()) return event_id.status();
          CONVENE_RETURN_IF_ERROR(CheckEvent(caller, *event_id));
        }
        return operation();
      };
}

}  // namespace internal

template <typename Operation>
grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, Operation&& operation) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!internal::Admit(reactor)) return reactor;
  ServerWorkers().Run([reactor, operation = std::forward<Operation>(operation)]() mutable {
    internal::RunCall(reactor, operation);
  });
  return reactor;
}

// Serve, for an operation that needs nothing but this service's own database: it runs on the
// serial thread (no hand-over to a worker, no other thread taking the connection between writes),
// and on a worker only if it returns NeedsWorker(). Not for long work that could run beside other
// calls (parsing a large import before its write, say).
template <typename Operation>
grpc::ServerUnaryReactor* ServeLocal(grpc::CallbackServerContext* context, Operation&& operation) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!internal::Admit(reactor)) return reactor;
  auto shared = std::make_shared<std::decay_t<Operation>>(std::forward<Operation>(operation));
  ServerSerialThread().Run([reactor, shared] {
    sqlite::DeferredCommits deferred;
    const absl::Status status = (*shared)();
    if (IsNeedsWorker(status)) {
      ServerWorkers().Run([reactor, shared] { internal::RunCall(reactor, *shared); });
      return;
    }
    internal::FinishWhenStored(reactor, deferred, status);
  });
  return reactor;
}

// Serve, for a call that needs a credential: authenticates the caller (ServerGatekeeper), checks
// that its role is one of `roles`, then runs operation(caller), which checks the events it touches
// (CheckEvent) and leaves out what the caller may not see.
template <typename Operation>
grpc::ServerUnaryReactor* ServeAs(grpc::CallbackServerContext* context, const RoleSet& roles,
                                  Operation&& operation) {
  return Serve(context, internal::AsCaller(context, roles, std::forward<Operation>(operation)));
}

// ServeAs for a call about one event: `event_of()` (absl::StatusOr<std::string>) names the event
// the request touches, and the caller must be allowed on it before operation() runs.
template <typename EventOf, typename Operation>
grpc::ServerUnaryReactor* ServeFor(grpc::CallbackServerContext* context, const RoleSet& roles,
                                   EventOf&& event_of, Operation&& operation) {
  return ServeAs(
      context, roles,
      internal::ForEvent(std::forward<EventOf>(event_of), std::forward<Operation>(operation)));
}

// ServeAs and ServeFor on the serial thread (ServeLocal).
template <typename Operation>
grpc::ServerUnaryReactor* ServeLocalAs(grpc::CallbackServerContext* context, const RoleSet& roles,
                                       Operation&& operation) {
  return ServeLocal(context,
                    internal::AsCaller(context, roles, std::forward<Operation>(operation)));
}

template <typename EventOf, typename Operation>
grpc::ServerUnaryReactor* ServeLocalFor(grpc::CallbackServerContext* context, const RoleSet& roles,
                                        EventOf&& event_of, Operation&& operation) {
  return ServeLocalAs(
      context, roles,
      internal::ForEvent(std::forward<EventOf>(event_of), std::forward<Operation>(operation)));
}

}  // namespace convene

#endif  // CONVENE_SERVICES_COMMON_UNARY_H_
