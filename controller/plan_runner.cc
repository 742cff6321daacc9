#include "controller/plan_runner.h"

#include <algorithm>

namespace wharf::controller {

PlanRunner::PlanRunner(v1::Plan plan, int max_attempts, int max_polls)
    : plan_(std::move(plan)), max_attempts_(std::max(1, max_attempts)), max_polls_(max_polls) {}

const v1::Action* PlanRunner::Find(const std::string& action_id) const {
  for (const auto& a : plan_.actions()) {
    if (a.id() == action_id) return &a;
  }
  return nullptr;
}

std::vector<v1::Action> PlanRunner::TakeReady() {
  std::vector<v1::Action> ready;
  if (failed_) return ready;
  for (const auto& action : plan_.actions()) {
    const std::string& id = action.id();
    if (succeeded_.count(id) || in_flight_.count(id) || waiting_retry_.count(id)) continue;
    if (attempts_.count(id)) continue;  // started before; only Retry() restarts it
    bool deps_done = std::all_of(action.depends_on().begin(), action.depends_on().end(),
                                 [&](const std::string& dep) { return succeeded_.count(dep) > 0; });
    if (!deps_done) continue;
    in_flight_.insert(id);
    attempts_[id] = 1;
    ready.push_back(action);
  }
  return ready;
}

PlanRunner::Verdict PlanRunner::OnResult(const v1::ActionResult& result) {
  const std::string& id = result.action_id();
  if (!in_flight_.count(id)) return Verdict::kIgnored;
  in_flight_.erase(id);
  switch (result.outcome()) {
    case v1::SUCCEEDED:
      succeeded_.insert(id);
      return Verdict::kContinue;
    case v1::IN_PROGRESS:
      if (!failed_ && ++polls_[id] <= max_polls_) {
        waiting_retry_.insert(id);
        polling_.insert(id);
        return Verdict::kPollLater;
      }
      [[fallthrough]];
    case v1::FAILED_RETRYABLE:
      if (!failed_ && attempts_[id] < max_attempts_) {
        waiting_retry_.insert(id);
        return Verdict::kRetryLater;
      }
      [[fallthrough]];
    default:
      if (!failed_) {
        failed_ = true;
        error_ = result.error();
        if (error_.message().empty()) error_.set_message("action " + id + " failed");
      }
      return Verdict::kContinue;
  }
}

void PlanRunner::Retry(const std::string& action_id) {
  if (!waiting_retry_.erase(action_id) || failed_) return;
  in_flight_.insert(action_id);
  if (!polling_.erase(action_id)) ++attempts_[action_id];
}

std::chrono::milliseconds PlanRunner::RetryDelay(const std::string& action_id) const {
  int n = attempts(action_id);
  return std::chrono::milliseconds(std::min<int64_t>(250LL << std::min(n, 8), 30'000));
}

int PlanRunner::attempts(const std::string& action_id) const {
  auto it = attempts_.find(action_id);
  return it == attempts_.end() ? 0 : it->second;
}

PlanRunner::State PlanRunner::state() const {
  if (!in_flight_.empty() || !waiting_retry_.empty()) return State::kRunning;
  if (failed_) return State::kFailed;
  if (succeeded() == total()) return State::kSucceeded;
  return State::kRunning;
}

}  // namespace wharf::controller
