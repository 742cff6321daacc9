#pragma once

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "wharf/v1/plan.pb.h"

namespace wharf::controller {

// Drives one plan's DAG: hands out actions whose dependencies succeeded,
// takes results, retries retryable failures (with exponential backoff, up to
// max_attempts), and on a terminal failure stops handing out new actions and
// finishes once the ones in flight have answered. Pure state machine: no I/O,
// no clock (the caller waits out RetryDelay). Not thread-safe.
class PlanRunner {
 public:
  enum class State { kRunning, kSucceeded, kFailed };
  enum class Verdict { kContinue, kRetryLater, kPollLater, kIgnored };

  // An IN_PROGRESS action is asked again up to `max_polls` times (at the
  // caller's poll interval) before it counts as failed.
  PlanRunner(v1::Plan plan, int max_attempts, int max_polls = 450);

  // Actions ready to dispatch now; each is returned once per attempt.
  std::vector<v1::Action> TakeReady();
  // Records a result. kRetryLater: call Retry(action_id) after RetryDelay().
  // kPollLater: call Retry(action_id) after the poll interval (the action
  // is not finished; no attempt was used up).
  Verdict OnResult(const v1::ActionResult& result);
  void Retry(const std::string& action_id);
  std::chrono::milliseconds RetryDelay(const std::string& action_id) const;

  State state() const;
  const v1::Plan& plan() const { return plan_; }
  const v1::Error& error() const { return error_; }
  int total() const { return plan_.actions_size(); }
  int succeeded() const { return static_cast<int>(succeeded_.size()); }
  int attempts(const std::string& action_id) const;
  bool in_flight(const std::string& action_id) const { return in_flight_.count(action_id) > 0; }
  const v1::Action* Find(const std::string& action_id) const;

 private:
  v1::Plan plan_;
  const int max_attempts_;
  const int max_polls_;
  std::map<std::string, int> polls_;
  std::set<std::string> polling_;
  std::set<std::string> succeeded_;
  std::set<std::string> in_flight_;
  std::set<std::string> waiting_retry_;
  std::map<std::string, int> attempts_;
  bool failed_ = false;
  v1::Error error_;
};

}  // namespace wharf::controller
