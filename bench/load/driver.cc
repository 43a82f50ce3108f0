#include "bench/load/driver.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <numeric>
#include <thread>

#include "absl/status/status.h"

namespace convene::load {

namespace {

using Clock = std::chrono::steady_clock;

// One of the in_flight places a call can occupy; its address is the call's completion tag.
struct Slot {
  int index = 0;
  std::unique_ptr<Call> call;
  Clock::time_point started;
  bool measured = false;
};

// What one polling thread saw; merged into the Result at the end.
struct ThreadStats {
  std::vector<int64_t> latencies_ns;
  int64_t warmup_calls = 0;
  Clock::time_point last_end;
  std::map<grpc::StatusCode, int64_t> errors;
  std::map<grpc::StatusCode, std::string> first_messages;
};

class Engine {
 public:
  Engine(Scenario& scenario, const Options& options)
      : scenario_(scenario),
        options_(options),
        begin_(Clock::now()),
        measure_from_(begin_ + absl::ToChronoNanoseconds(options.warmup)),
        measure_until_(measure_from_ + absl::ToChronoNanoseconds(options.duration)) {}

  Result Run() {
    const int threads = std::max(1, std::min(options_.threads, options_.in_flight));
    std::vector<Slot> slots(options_.in_flight);
    for (int i = 0; i < options_.in_flight; ++i) slots[i].index = i;
    std::vector<ThreadStats> stats(threads);
    std::vector<std::thread> pollers;
    for (int t = 0; t < threads; ++t) {
      pollers.emplace_back([&, t] {
        std::vector<Slot*> mine;
        for (int i = t; i < options_.in_flight; i += threads) mine.push_back(&slots[i]);
        Poll(mine, stats[t]);
      });
    }
    for (std::thread& poller : pollers) poller.join();

    Result result;
    Clock::time_point last_end = measure_from_;
    for (ThreadStats& s : stats) {
      result.latencies_ns.insert(result.latencies_ns.end(), s.latencies_ns.begin(),
                                 s.latencies_ns.end());
      result.warmup_calls += s.warmup_calls;
      last_end = std::max(last_end, s.last_end);
      for (const auto& [code, n] : s.errors) result.errors[code] += n;
      for (const auto& [code, message] : s.first_messages) {
        result.first_messages.emplace(code, message);
      }
    }
    std::sort(result.latencies_ns.begin(), result.latencies_ns.end());
    result.calls = static_cast<int64_t>(result.latencies_ns.size());
    result.seconds = std::chrono::duration<double>(last_end - measure_from_).count();
    result.exhausted = exhausted_.load();
    return result;
  }

 private:
  void Poll(const std::vector<Slot*>& slots, ThreadStats& stats) {
    grpc::CompletionQueue cq;
    int active = 0;
    for (Slot* slot : slots) {
      if (StartCall(*slot, &cq)) ++active;
    }
    void* tag = nullptr;
    bool ok = false;
    while (active > 0 && cq.Next(&tag, &ok)) {
      Slot& slot = *static_cast<Slot*>(tag);
      const Clock::time_point now = Clock::now();
      Record(slot, now, stats);
      slot.call.reset();
      if (!StartCall(slot, &cq)) --active;
    }
    cq.Shutdown();
    while (cq.Next(&tag, &ok)) {
    }
  }

  // Starts the slot's next call, unless the run is over; false when it is.
  bool StartCall(Slot& slot, grpc::CompletionQueue* cq) {
    if (exhausted_.load(std::memory_order_relaxed)) return false;
    const Clock::time_point now = Clock::now();
    slot.measured = now >= measure_from_;
    if (slot.measured) {
      if (options_.count > 0) {
        if (issued_.fetch_add(1) >= options_.count) return false;
      } else if (now >= measure_until_) {
        return false;
      }
    }
    slot.started = now;
    slot.call = scenario_.Start(slot.index, cq, &slot);
    if (slot.call == nullptr) {
      exhausted_.store(true);
      return false;
    }
    return true;
  }

  static void Record(const Slot& slot, Clock::time_point end, ThreadStats& stats) {
    const grpc::Status& status = slot.call->status();
    if (!status.ok()) {
      ++stats.errors[status.error_code()];
      stats.first_messages.emplace(status.error_code(), status.error_message());
    }
    if (!slot.measured) {
      ++stats.warmup_calls;
      return;
    }
    stats.last_end = std::max(stats.last_end, end);
    if (status.ok()) {
      stats.latencies_ns.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(end - slot.started).count());
    }
  }

  Scenario& scenario_;
  const Options options_;
  const Clock::time_point begin_;
  const Clock::time_point measure_from_;
  const Clock::time_point measure_until_;
  std::atomic<int64_t> issued_{0};
  std::atomic<bool> exhausted_{false};
};

}  // namespace

int64_t Result::ErrorCount() const {
  int64_t total = 0;
  for (const auto& [code, n] : errors) total += n;
  return total;
}

double Result::Throughput() const { return seconds > 0 ? calls / seconds : 0; }

double Result::PercentileMs(double fraction) const {
  if (latencies_ns.empty()) return 0;
  const auto n = static_cast<int64_t>(latencies_ns.size());
  int64_t rank = static_cast<int64_t>(std::ceil(fraction * n));
  rank = std::clamp<int64_t>(rank, 1, n);
  return latencies_ns[rank - 1] / 1e6;
}

double Result::MeanMs() const {
  if (latencies_ns.empty()) return 0;
  const double sum = std::accumulate(latencies_ns.begin(), latencies_ns.end(), 0.0);
  return sum / latencies_ns.size() / 1e6;
}

Result Run(Scenario& scenario, const Options& options) { return Engine(scenario, options).Run(); }

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

}  // namespace convene::load
