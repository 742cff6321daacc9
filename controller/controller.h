#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "common/base/asio.h"
#include "common/base/clock.h"
#include "common/base/counters.h"
#include "common/base/ids.h"
#include "common/bus/event_sink.h"
#include "controller/action_dispatcher.h"
#include "controller/desired_store.h"
#include "controller/journal.h"
#include "controller/observed_cache.h"
#include "controller/plan_runner.h"
#include "controller/work_queue.h"
#include "wharf/v1/control.pb.h"
#include "wharf/v1/envelope.pb.h"

namespace wharf::controller {

// The reconcile loop. Takes spec events from the bus into the DesiredStore,
// queues changed apps in the WorkQueue, and reconciles each app key: Expand
// the spec, Diff against the ObservedCache, and drive the plan's actions
// through the ActionDispatcher with a PlanRunner, publishing AppStatus and
// ActionStatus events as the app and each action move.
//
// Nothing is reconciled before every required watcher has sent its first
// snapshot. Until then (and whenever a source's sequence numbers skip) the
// controller asks for a resync on the bus.
//
// Owned by one io thread: every method, callback and timer runs on it.
class Controller {
 public:
  struct Options {
    // Watcher kinds ("spec") that must report a snapshot before any reconcile.
    std::set<std::string> required_watchers{"spec"};
    int max_action_attempts = 5;
    // How often an IN_PROGRESS action (a service draining) is asked again;
    // it is given up after max_polls of them.
    std::chrono::milliseconds poll_interval{2'000};
    int max_polls = 450;
    // Region of the apps (Expand needs it for the awslogs driver).
    std::string region = "us-east-1";
    // Spec -> desired graph; empty: Expand with `region`. Tests of the
    // reconcile loop give a smaller graph.
    std::function<std::vector<v1::Resource>(const v1::AppSpec&)> expand;
    // Read every resource from AWS (an OBSERVE plan) before planning, so
    // drift and a restart are seen. Off only in tests of other mechanics.
    bool refresh_before_plan = true;
    // Where plans, action transitions, applied specs and destroys are
    // recorded before they are acted on; nullptr: nothing is recorded.
    Journal* journal = nullptr;
    // Called when the journal cannot be written: the controller must not
    // act on what it cannot record. Default: log and abort (the supervisor
    // restarts the controller, which replays the journal).
    std::function<void(const wharf::Status&)> on_journal_failure;
    // Every app is reconciled again this often (level-based safety net).
    std::chrono::milliseconds resync_period{60'000};
    // How often to ask unsynced watchers for a snapshot.
    std::chrono::milliseconds sync_request_period{1'000};
    WorkQueue::Options queue;
  };

  Controller(asio::io_context& io, bus::EventSink& events, ActionDispatcher& dispatcher,
             const Clock& clock, Counters& counters, Options options);
  ~Controller();

  // Starts the timers (sync requests, periodic resync).
  void Start();
  // An envelope from the bus.
  void OnEnvelope(const v1::Envelope& envelope);
  // Dispatch callbacks.
  void OnResult(const v1::ActionResult& result);
  void OnDispatched(const v1::ActionRequest& request, const std::string& executor_id);
  void OnRequeued(const std::string& action_id, const std::string& executor_id);
  // A control request from the CLI.
  v1::ControlReply HandleControl(const v1::ControlRequest& request);

  bool synced() const;
  // Restores applied specs, destroys and observed resources from the
  // journal's records. Call before Start().
  wharf::Status Recover();
  v1::StatusReply Status(const std::string& app) const;

 private:
  enum class Purpose { kRefresh, kApply, kDestroy };
  struct AppRun {
    std::unique_ptr<PlanRunner> runner;
    std::string correlation_id;
    std::string spec_hash;
    Purpose purpose = Purpose::kApply;
  };

  void Enqueue(const std::vector<std::string>& apps);
  void Pump();
  void ArmPumpTimer(std::chrono::milliseconds in);
  void Reconcile(const std::string& app);
  std::vector<v1::Resource> ExpandApp(const v1::AppSpec& spec) const;
  void SubmitReady(const std::string& app, AppRun& run);
  // Resolves the action's inputs and hands it to the dispatcher.
  void Submit(const std::string& app, v1::Action action);
  void FinishIfDone(const std::string& app);
  void CheckSequence(const v1::Envelope& envelope);
  void RequestSync();
  void PublishApp(const std::string& app, v1::AppStatus status, const std::string& correlation_id);
  void PublishAction(const v1::Action& action, v1::ActionState state,
                     const std::string& correlation_id, uint32_t attempt,
                     const std::string& executor_id, const std::string& message,
                     const v1::ActionResult* result = nullptr);
  AppRun* RunFor(const std::string& action_id, std::string* app);
  v1::ControlReply HandlePlan(const v1::PlanRequest& request);
  v1::ControlReply HandleApply(const v1::ApplyRequest& request);
  v1::ControlReply HandleDestroy(const v1::DestroyRequest& request);
  // Starts running `plan` for `app` (publishing its events).
  void StartPlan(const std::string& app, v1::Plan plan, const std::string& spec_hash,
                 Purpose purpose);
  // Diffs the app against what was observed and applies the difference (or
  // reports it, for an observe-only app). Ends the reconcile when nothing
  // is to be done.
  void PlanAndApply(const std::string& app);
  // The app's desired graph, cached by spec hash.
  const std::vector<v1::Resource>& GraphFor(const std::string& app, const DesiredApp& desired);
  // Appends to the journal (when there is one); false when it failed.
  bool Record(v1::JournalRecord record);
  void CompactIfDue();

  asio::io_context& io_;
  bus::EventSink& events_;
  ActionDispatcher& dispatcher_;
  const Clock& clock_;
  Counters& counters_;
  const Options options_;
  IdGenerator ids_;

  DesiredStore desired_;
  ObservedCache observed_;
  WorkQueue queue_;
  std::map<std::string, AppRun> runs_;  // app -> plan in progress
  // app -> spec hash it was destroyed at: `wharf destroy` asked for it, and
  // it stays destroyed until its spec changes or is applied again.
  std::map<std::string, std::string> destroyed_;
  // Apps whose destroy plan is still to finish.
  std::set<std::string> destroying_;
  // app -> (spec hash, its graph).
  std::map<std::string, std::pair<std::string, std::vector<v1::Resource>>> graphs_;
  std::map<std::string, v1::AppStatus> status_;            // app -> last published status
  std::map<std::string, uint64_t> last_sequence_;          // source -> last sequence seen
  std::set<std::string> watchers_synced_;                  // watcher kinds
  std::map<std::string, v1::ComponentHealth> components_;  // instance -> last health
  std::map<std::string, int64_t> component_seen_ms_;       // instance -> unix ms
  asio::steady_timer pump_timer_;
  std::optional<Clock::TimePoint> pump_at_;
  asio::steady_timer sync_timer_;
  asio::steady_timer resync_timer_;
};

}  // namespace wharf::controller
