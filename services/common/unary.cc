#include "services/common/unary.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/cord.h"

namespace convene {

bool CallGate::Enter() {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return false;
  ++active_;
  return true;
}

void CallGate::Leave() {
  std::lock_guard<std::mutex> lock(mu_);
  if (--active_ == 0) idle_.notify_all();
}

void CallGate::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
}

bool CallGate::WaitIdle(absl::Time deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_.wait_until(lock, absl::ToChronoTime(deadline), [this] { return active_ == 0; });
}

CallGate& ServerCalls() {
  static CallGate* gate = new CallGate();
  return *gate;
}

WorkerPool::WorkerPool(int threads) {
  for (int i = 0; i < threads; ++i) std::thread([this] { Work(); }).detach();
}

void WorkerPool::Run(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks_.push_back(std::move(task));
  }
  ready_.notify_one();
}

void WorkerPool::Work() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_.wait(lock, [this] { return !tasks_.empty(); });
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

namespace {
std::atomic<int> worker_threads{64};
constexpr char kNeedsWorkerUrl[] = "type.convene.dev/needs-worker";
// The answers the serial thread's current round has to give (SerialThread::Work); null on every
// other thread, which is how OnSerialThread() tells.
thread_local std::vector<std::function<void()>>* serial_answers = nullptr;
}  // namespace

SerialThread::SerialThread() : answerer_(1) {
  std::thread([this] { Work(); }).detach();
}

void SerialThread::Run(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks_.push_back(std::move(task));
  }
  ready_.notify_one();
}

bool SerialThread::Answer(std::function<void()> answer) {
  if (serial_answers == nullptr) return false;
  serial_answers->push_back(std::move(answer));
  return true;
}

void SerialThread::Work() {
  std::deque<std::function<void()>> running;
  std::vector<std::function<void()>> answers;
  serial_answers = &answers;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_.wait(lock, [this] { return !tasks_.empty(); });
      running.swap(tasks_);
    }
    {
      // The writes of the calls run from here until the queue is empty (or kMaxHeldCalls have
      // run) share a batch, committed when `held` goes.
      sqlite::HeldBatches held;
      for (int ran = 0; ran < kMaxHeldCalls;) {
        while (!running.empty() && ran < kMaxHeldCalls) {
          std::function<void()> task = std::move(running.front());
          running.pop_front();
          task();
          ++ran;
        }
        if (!running.empty()) break;
        std::lock_guard<std::mutex> lock(mu_);
        if (tasks_.empty()) break;
        running.swap(tasks_);
      }
    }
    if (!running.empty()) {
      // Left for the next round, ahead of what arrives meanwhile.
      std::lock_guard<std::mutex> lock(mu_);
      while (!running.empty()) {
        tasks_.push_front(std::move(running.back()));
        running.pop_back();
      }
    }
    if (!answers.empty()) {
      answerer_.Run([batch = std::move(answers)] {
        for (const std::function<void()>& answer : batch) answer();
      });
      answers.clear();
    }
  }
}

SerialThread& ServerSerialThread() {
  static SerialThread* thread = new SerialThread();
  return *thread;
}

bool OnSerialThread() { return serial_answers != nullptr; }

absl::Status NeedsWorker() {
  absl::Status status(absl::StatusCode::kUnavailable,
                      "internal: the call must run on a worker thread");
  status.SetPayload(kNeedsWorkerUrl, absl::Cord("1"));
  return status;
}

bool IsNeedsWorker(const absl::Status& status) {
  return !status.ok() && status.GetPayload(kNeedsWorkerUrl).has_value();
}

namespace internal {

bool Admit(grpc::ServerUnaryReactor* reactor) {
  if (ServerCalls().Enter()) return true;
  reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                               "the service is shutting down; retry on another instance"));
  return false;
}

void FinishWhenStored(grpc::ServerUnaryReactor* reactor, sqlite::DeferredCommits& deferred,
                      const absl::Status& status) {
  deferred.Then([reactor, status](const absl::Status& stored) {
    auto finish = [reactor, outcome = status.ok() ? stored : status] {
      ServerCalls().Leave();
      reactor->Finish(ToGrpcStatus(outcome));
    };
    if (!SerialThread::Answer(finish)) finish();
  });
}

}  // namespace internal

void SetServerWorkerThreads(int threads) { worker_threads = threads; }

WorkerPool& ServerWorkers() {
  static WorkerPool* pool = new WorkerPool(worker_threads.load());
  return *pool;
}

}  // namespace convene
