#include "services/common/unary.h"

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

}  // namespace convene
