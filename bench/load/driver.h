// convene-load's engine: keeps a fixed number of calls in flight with gRPC's asynchronous client
// API (one CompletionQueue per polling thread), starts a new call as soon as one ends, and measures
// the calls that start after the warm-up: throughput, latency percentiles, errors by status code.
//
// What is called is a Scenario's business (scenarios.h); the engine only starts, times and counts.
// A run ends after `duration` of measurement, after `count` measured calls, or when the scenario
// has nothing more to send (its survey tokens are used up), whichever comes first; the calls in
// flight then are waited for and counted.
#ifndef CONVENE_BENCH_LOAD_DRIVER_H_
#define CONVENE_BENCH_LOAD_DRIVER_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace convene::load {

// One call in flight: its context and, once the completion queue hands it back, its status.
class Call {
 public:
  virtual ~Call() = default;
  grpc::ClientContext& context() { return context_; }
  const grpc::Status& status() const { return status_; }

 protected:
  grpc::ClientContext context_;
  grpc::Status status_;
};

// A unary call with its request and response; Begin sends it.
template <typename Request, typename Response>
class UnaryCall : public Call {
 public:
  Request request;
  Response response;

  // Sends `request` with `prepare` (a stub's PrepareAsyncX bound to it, taking the context, the
  // request and the queue); the end of the call is posted to `cq` with `tag`.
  template <typename Prepare>
  void Begin(Prepare prepare, grpc::CompletionQueue* cq, void* tag) {
    reader_ = prepare(&context_, request, cq);
    reader_->StartCall();
    reader_->Finish(&response, &status_, tag);
  }

 private:
  std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> reader_;
};

// A kind of call made over and over. Start is called from every polling thread at once, so
// implementations must be thread-safe.
class Scenario {
 public:
  virtual ~Scenario() = default;
  // Starts one call for in-flight slot `slot` (0 .. in_flight-1; scenarios spread slots over their
  // channels) whose end is posted to `cq` with `tag`. nullptr when there is nothing more to send.
  virtual std::unique_ptr<Call> Start(int slot, grpc::CompletionQueue* cq, void* tag) = 0;
};

struct Options {
  // Calls outstanding at any time, over every channel.
  int in_flight = 64;
  // Polling threads, each with its own completion queue and in_flight / threads of the calls.
  int threads = 2;
  // Calls started before this much time has passed are made but not measured.
  absl::Duration warmup = absl::Seconds(1);
  // Measured calls to make; 0: make calls for `duration` after the warm-up instead.
  int64_t count = 0;
  absl::Duration duration = absl::Seconds(10);
};

struct Result {
  // Calls started after the warm-up that succeeded, and their latencies in nanoseconds (sorted).
  int64_t calls = 0;
  std::vector<int64_t> latencies_ns;
  // Calls made during the warm-up (any status).
  int64_t warmup_calls = 0;
  // From the end of the warm-up to the end of the last measured call.
  double seconds = 0;
  // Failed calls by status code (warm-up included), and the first message of each code.
  std::map<grpc::StatusCode, int64_t> errors;
  std::map<grpc::StatusCode, std::string> first_messages;
  // The scenario ran out of requests (survey tokens) before the run would have ended.
  bool exhausted = false;

  int64_t ErrorCount() const;
  // Measured successful calls per second.
  double Throughput() const;
  // The latency below which `fraction` (0.5, 0.99, ...) of the measured calls ended, in
  // milliseconds (nearest rank); 0 without calls.
  double PercentileMs(double fraction) const;
  double MeanMs() const;
};

// Runs `scenario` as `options` say and returns what was measured.
Result Run(Scenario& scenario, const Options& options);

// "UNAVAILABLE", "DEADLINE_EXCEEDED", ...
std::string CodeName(grpc::StatusCode code);

}  // namespace convene::load

#endif  // CONVENE_BENCH_LOAD_DRIVER_H_
