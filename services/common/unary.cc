#include "services/common/unary.h"

#include <atomic>
#include <thread>

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
}  // namespace

void SetServerWorkerThreads(int threads) { worker_threads = threads; }

WorkerPool& ServerWorkers() {
  static WorkerPool* pool = new WorkerPool(worker_threads.load());
  return *pool;
}

}  // namespace convene
