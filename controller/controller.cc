#include "controller/controller.h"

#include "common/base/logging.h"
#include "common/spec/spec_loader.h"
#include "controller/diff.h"
#include "controller/expand.h"
#include "controller/input_resolver.h"

namespace wharf::controller {
namespace {

using std::chrono::milliseconds;

// "watcher/spec@host:pid" -> "watcher/spec".
std::string ComponentOf(const std::string& source) { return source.substr(0, source.find('@')); }

std::string WatcherKindOf(const std::string& source) {
  std::string component = ComponentOf(source);
  const std::string prefix = "watcher/";
  return component.rfind(prefix, 0) == 0 ? component.substr(prefix.size()) : "";
}

std::string ErrorText(const v1::Error& e) {
  std::string out;
  if (!e.service().empty()) out += e.service() + "." + e.operation() + ": ";
  if (!e.code().empty()) out += e.code() + ": ";
  out += e.message();
  if (!e.request_id().empty()) out += " (request id " + e.request_id() + ")";
  return out;
}

}  // namespace

Controller::Controller(asio::io_context& io, bus::EventSink& events, ActionDispatcher& dispatcher,
                       const Clock& clock, Counters& counters, Options options)
    : io_(io),
      events_(events),
      dispatcher_(dispatcher),
      clock_(clock),
      counters_(counters),
      options_(std::move(options)),
      queue_(clock, options_.queue),
      pump_timer_(io),
      sync_timer_(io),
      resync_timer_(io) {}

Controller::~Controller() = default;

void Controller::Start() {
  RequestSync();
  resync_timer_.expires_after(options_.resync_period);
  resync_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    Enqueue(desired_.Apps());
    Start();  // re-arms both timers; RequestSync is a no-op once synced
  });
}

bool Controller::synced() const {
  for (const auto& kind : options_.required_watchers) {
    if (!watchers_synced_.count(kind)) return false;
  }
  return true;
}

void Controller::RequestSync() {
  if (synced()) return;
  for (const auto& kind : options_.required_watchers) {
    if (watchers_synced_.count(kind)) continue;
    v1::Envelope request;
    request.mutable_resync_request()->set_source("watcher/" + kind);
    (void)events_.Publish(std::move(request));
  }
  sync_timer_.expires_after(options_.sync_request_period);
  sync_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) RequestSync();
  });
}

void Controller::CheckSequence(const v1::Envelope& envelope) {
  if (envelope.source().empty() || envelope.sequence() == 0) return;
  // Only watchers' streams are read whole; other sources also publish
  // topics the controller does not subscribe to, so their gaps mean nothing.
  if (WatcherKindOf(envelope.source()).empty()) return;
  auto [it, first] = last_sequence_.try_emplace(envelope.source(), envelope.sequence());
  if (first) return;
  uint64_t expected = it->second + 1;
  if (envelope.sequence() > expected) {
    counters_.Increment("sequence_gaps");
    Logger("controller")
        ->warn("missed {} message(s) from {}; asking for a resync", envelope.sequence() - expected,
               envelope.source());
    v1::Envelope request;
    request.mutable_resync_request()->set_source(ComponentOf(envelope.source()));
    (void)events_.Publish(std::move(request));
  }
  if (envelope.sequence() > it->second) it->second = envelope.sequence();
}

void Controller::OnEnvelope(const v1::Envelope& envelope) {
  CheckSequence(envelope);
  switch (envelope.payload_case()) {
    case v1::Envelope::kSpecChanged:
      Enqueue(desired_.Apply(envelope.spec_changed()));
      break;
    case v1::Envelope::kSpecInvalid:
      Enqueue(desired_.Apply(envelope.spec_invalid()));
      break;
    case v1::Envelope::kSpecRemoved:
      Enqueue(desired_.Apply(envelope.spec_removed()));
      break;
    case v1::Envelope::kSpecSnapshot: {
      auto changed = desired_.ApplySnapshot(envelope.spec_snapshot());
      std::string kind = WatcherKindOf(envelope.source());
      bool was_synced = synced();
      if (!kind.empty()) watchers_synced_.insert(kind);
      if (!was_synced && synced()) {
        Logger("controller")
            ->info("all watchers synced; reconciling {} app(s)", desired_.Apps().size());
        Enqueue(desired_.Apps());
      } else {
        Enqueue(changed);
      }
      break;
    }
    case v1::Envelope::kComponentHealth:
      components_[envelope.component_health().instance()] = envelope.component_health();
      component_seen_ms_[envelope.component_health().instance()] = clock_.NowUnixMs();
      break;
    default:
      break;
  }
}

std::vector<v1::Resource> Controller::ExpandApp(const v1::AppSpec& spec) const {
  if (options_.expand) return options_.expand(spec);
  return Expand(spec, ExpandOptions{options_.region});
}

void Controller::Enqueue(const std::vector<std::string>& apps) {
  for (const auto& app : apps) queue_.Add(app);
  Pump();
}

void Controller::Pump() {
  if (!synced()) return;
  while (auto key = queue_.Get()) Reconcile(*key);
  if (auto in = queue_.NextReadyIn()) ArmPumpTimer(*in);
}

void Controller::ArmPumpTimer(milliseconds in) {
  auto at = clock_.Now() + in;
  if (pump_at_ && *pump_at_ <= at) return;  // an earlier wake-up is already armed
  pump_at_ = at;
  pump_timer_.expires_after(in);
  pump_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    pump_at_.reset();
    Pump();
  });
}

void Controller::Reconcile(const std::string& app) {
  // The key stays "processing" in the queue until its plan finishes, so an
  // app is never reconciled concurrently with itself.
  const DesiredApp* desired = desired_.Find(app);
  v1::AppStatus status;
  std::string correlation_id = ids_.Next("rec");
  if (desired == nullptr) {
    queue_.Done(app);
    return;
  }
  if (destroying_.count(app) && desired->has_spec) {
    std::set<std::string> retain;
    if (desired->spec.retention().retain_repository()) {
      retain.insert(RefKey(v1::ECR_REPOSITORY, desired->spec.image().repository()));
    }
    if (desired->spec.retention().retain_log_group()) {
      retain.insert(RefKey(v1::LOG_GROUP, LogGroupName(desired->spec)));
    }
    StartPlan(app, PlanDestroy(app, GraphFor(app, *desired), retain), desired->spec_hash,
              Purpose::kDestroy);
    return;
  }
  if (desired->removed) {
    status.set_phase(v1::APP_PHASE_REMOVED);
    status.set_message("spec file removed; resources are kept until `wharf destroy`");
    PublishApp(app, status, correlation_id);
    queue_.Done(app);
    return;
  }
  if (!desired->errors.empty()) {
    status.set_phase(v1::APP_PHASE_INVALID);
    const auto& e = desired->errors.front();
    status.set_message(desired->file + ":" + std::to_string(e.line()) + ": " + e.field() + ": " +
                       e.message() +
                       (desired->has_spec ? " (the previous spec stays in force)" : ""));
    PublishApp(app, status, correlation_id);
    queue_.Done(app);
    return;
  }
  if (!desired->has_spec) {
    queue_.Done(app);
    return;
  }

  if (auto it = destroyed_.find(app); it != destroyed_.end()) {
    if (it->second != desired->spec_hash) {
      // The spec changed since: the app comes back.
      v1::JournalRecord cleared;
      cleared.mutable_destroy()->set_app(app);
      cleared.mutable_destroy()->set_phase(v1::DestroyState::CLEARED);
      if (!Record(std::move(cleared))) return;
      destroyed_.erase(it);
    } else {
      status.set_phase(v1::APP_PHASE_DESTROYED);
      status.set_spec_hash(desired->spec_hash);
      status.set_message("destroyed; `wharf apply` or a spec change brings it back");
      PublishApp(app, status, correlation_id);
      queue_.Done(app);
      queue_.Forget(app);
      return;
    }
  }

  if (options_.refresh_before_plan) {
    StartPlan(app, PlanObserve(app, GraphFor(app, *desired)), desired->spec_hash,
              Purpose::kRefresh);
    return;
  }
  PlanAndApply(app);
}

const std::vector<v1::Resource>& Controller::GraphFor(const std::string& app,
                                                      const DesiredApp& desired) {
  auto& [hash, graph] = graphs_[app];
  if (hash != desired.spec_hash || graph.empty()) {
    graph = ExpandApp(desired.spec);
    hash = desired.spec_hash;
  }
  return graph;
}

void Controller::PlanAndApply(const std::string& app) {
  const DesiredApp* desired = desired_.Find(app);
  if (desired == nullptr || !desired->has_spec) {
    queue_.Done(app);
    return;
  }
  v1::AppStatus status;
  status.set_spec_hash(desired->spec_hash);
  v1::Plan plan =
      Diff(app, GraphFor(app, *desired), observed_.LookupFor(app), observed_.RefsForApp(app));
  if (plan.actions().empty()) {
    status.set_phase(v1::APP_PHASE_CONVERGED);
    status.set_message("in sync");
    PublishApp(app, status, ids_.Next("rec"));
    queue_.Done(app);
    queue_.Forget(app);
    return;
  }
  if (desired->spec.policy().mode() == v1::OBSERVE_ONLY) {
    // Report what differs; change nothing.
    std::string message;
    int drifted = 0;
    for (const auto& a : plan.actions()) {
      if (a.resource().ref().kind() == v1::PREFLIGHT) continue;
      ++drifted;
      if (!message.empty()) message += "; ";
      message += v1::ActionVerb_Name(a.verb()) + " " +
                 v1::ResourceKind_Name(a.resource().ref().kind()) + " " + a.resource().ref().name();
      for (const auto& c : a.changes()) {
        message += " " + c.path() + " " + (c.before().empty() ? "(none)" : c.before()) + " -> " +
                   c.after();
      }
    }
    status.set_phase(v1::APP_PHASE_DRIFTED);
    status.set_message(
        std::to_string(drifted) +
        " resource(s) differ from the spec (observe-only: not corrected): " + message);
    PublishApp(app, status, ids_.Next("rec"));
    counters_.Increment("drift_reported");
    queue_.Done(app);
    queue_.Forget(app);
    return;
  }
  StartPlan(app, std::move(plan), desired->spec_hash, Purpose::kApply);
}

void Controller::StartPlan(const std::string& app, v1::Plan plan, const std::string& spec_hash,
                           Purpose purpose) {
  plan.set_id(ids_.Next(purpose == Purpose::kRefresh ? "refresh" : "plan"));
  plan.set_spec_hash(spec_hash);
  for (auto& action : *plan.mutable_actions()) action.set_correlation_id(plan.id());
  static const char* kPurpose[] = {"refresh", "apply", "destroy"};
  Logger("controller")
      ->info("app={} req={} {} plan has {} action(s)", app, plan.id(),
             kPurpose[static_cast<int>(purpose)], plan.actions_size());
  if (purpose != Purpose::kRefresh) {
    v1::JournalRecord started;
    *started.mutable_plan_started()->mutable_plan() = plan;
    started.mutable_plan_started()->set_spec_hash(spec_hash);
    started.mutable_plan_started()->set_purpose(kPurpose[static_cast<int>(purpose)]);
    if (!Record(std::move(started))) return;
  }
  v1::AppStatus status;
  status.set_spec_hash(spec_hash);
  status.set_plan_id(plan.id());
  status.set_actions_total(plan.actions_size());
  switch (purpose) {
    case Purpose::kRefresh:
      // Reads are silent: a steady app's status does not flip every poll.
      break;
    case Purpose::kApply:
      status.set_phase(v1::APP_PHASE_PLANNING);
      status.set_message(std::to_string(plan.actions_size()) + " action(s) planned");
      break;
    case Purpose::kDestroy:
      status.set_phase(v1::APP_PHASE_DESTROYING);
      status.set_message(std::to_string(plan.actions_size()) + " resource(s) to remove");
      break;
  }
  if (purpose != Purpose::kRefresh) PublishApp(app, status, plan.id());

  AppRun& run = runs_[app];
  run.correlation_id = plan.id();
  run.spec_hash = spec_hash;
  run.purpose = purpose;
  run.runner = std::make_unique<PlanRunner>(plan, options_.max_action_attempts, options_.max_polls);
  for (const auto& action : plan.actions()) {
    PublishAction(action, v1::ACTION_STATE_QUEUED, plan.id(), 0, "", "");
  }
  if (purpose == Purpose::kApply) {
    status.set_phase(v1::APP_PHASE_APPLYING);
    status.set_message("applying");
    PublishApp(app, status, plan.id());
  }
  SubmitReady(app, run);
  FinishIfDone(app);
}

void Controller::SubmitReady(const std::string& app, AppRun& run) {
  for (auto& action : run.runner->TakeReady()) Submit(app, std::move(action));
}

void Controller::Submit(const std::string& app, v1::Action action) {
  // Inputs are read from what the actions this one depends on reported.
  ResolvedResource resolved = ResolveInputs(action.resource(), observed_.LookupFor(app));
  if (!resolved.unresolved.empty() && action.verb() == v1::OBSERVE) {
    // What it would be looked up in does not exist: neither does it.
    v1::ActionResult absent;
    absent.set_action_id(action.id());
    absent.set_app(app);
    absent.set_attempt(static_cast<uint32_t>(runs_[app].runner->attempts(action.id())));
    absent.set_outcome(v1::SUCCEEDED);
    *absent.mutable_observed()->mutable_ref() = action.resource().ref();
    absent.mutable_observed()->set_app(app);
    asio::post(io_, [this, absent] { OnResult(absent); });
    return;
  }
  if (!resolved.unresolved.empty() && action.verb() != v1::DELETE) {
    v1::ActionResult failed;
    failed.set_action_id(action.id());
    failed.set_app(app);
    failed.set_attempt(static_cast<uint32_t>(runs_[app].runner->attempts(action.id())));
    failed.set_outcome(v1::FAILED_TERMINAL);
    failed.mutable_error()->set_code("InputUnknown");
    failed.mutable_error()->set_message(
        "input " + resolved.unresolved.front() + " of " + action.id() +
        " is not known: " + action.resource().inputs().begin()->second);
    asio::post(io_, [this, failed] { OnResult(failed); });
    return;
  }
  *action.mutable_resource() = std::move(resolved.resource);
  if (action.verb() != v1::OBSERVE) {
    v1::JournalRecord dispatched;
    auto* t = dispatched.mutable_action();
    t->set_plan_id(action.correlation_id());
    t->set_action_id(action.id());
    t->set_state(v1::ACTION_STATE_DISPATCHED);
    t->set_attempt(static_cast<uint32_t>(runs_[app].runner->attempts(action.id())));
    if (!Record(std::move(dispatched))) return;
  }
  dispatcher_.Submit(action);
}

Controller::AppRun* Controller::RunFor(const std::string& action_id, std::string* app) {
  for (auto& [name, run] : runs_) {
    if (run.runner && run.runner->Find(action_id)) {
      *app = name;
      return &run;
    }
  }
  return nullptr;
}

void Controller::OnDispatched(const v1::ActionRequest& request, const std::string& executor_id) {
  std::string app;
  AppRun* run = RunFor(request.action().id(), &app);
  if (run == nullptr) return;
  PublishAction(request.action(), v1::ACTION_STATE_DISPATCHED, run->correlation_id,
                request.attempt(), executor_id, "");
}

void Controller::OnRequeued(const std::string& action_id, const std::string& executor_id) {
  std::string app;
  AppRun* run = RunFor(action_id, &app);
  counters_.Increment("actions_requeued");
  Logger("controller")
      ->warn("app={} action {} requeued: executor {} went away", app, action_id, executor_id);
  if (run == nullptr) return;
  PublishAction(*run->runner->Find(action_id), v1::ACTION_STATE_QUEUED, run->correlation_id, 0, "",
                "executor " + executor_id + " went away; dispatching again");
}

void Controller::OnResult(const v1::ActionResult& result) {
  std::string app;
  AppRun* run = RunFor(result.action_id(), &app);
  if (run == nullptr) {
    counters_.Increment("results_unknown");
    return;
  }
  PlanRunner& runner = *run->runner;
  const v1::Action& action = *runner.Find(result.action_id());
  if (action.verb() != v1::OBSERVE && result.outcome() != v1::IN_PROGRESS &&
      runner.in_flight(result.action_id())) {
    v1::JournalRecord answered;
    auto* t = answered.mutable_action();
    t->set_plan_id(run->correlation_id);
    t->set_action_id(result.action_id());
    t->set_state(result.outcome() == v1::SUCCEEDED ? v1::ACTION_STATE_SUCCEEDED
                                                   : v1::ACTION_STATE_FAILED);
    t->set_attempt(result.attempt());
    *t->mutable_result() = result;
    if (!t->result().observed().has_ref()) {
      *t->mutable_result()->mutable_observed()->mutable_ref() = action.resource().ref();
    }
    t->mutable_result()->mutable_observed()->set_app(app);
    if (action.verb() == v1::DELETE) t->mutable_result()->mutable_observed()->clear_id();
    if (!Record(std::move(answered))) return;
  }
  if (result.outcome() == v1::SUCCEEDED) {
    v1::Resource observed = result.observed();
    if (!observed.has_ref()) *observed.mutable_ref() = action.resource().ref();
    observed.set_app(app);
    if (action.verb() == v1::DELETE) {
      observed_.Erase(app, action.resource().ref());
    } else {
      observed_.Put(observed);
    }
  }
  auto verdict = runner.OnResult(result);
  if (verdict == PlanRunner::Verdict::kIgnored) {
    counters_.Increment("results_ignored");
    return;
  }
  std::string correlation_id = run->correlation_id;
  int attempt = runner.attempts(result.action_id());
  switch (result.outcome()) {
    case v1::SUCCEEDED:
      counters_.Increment("actions_succeeded");
      PublishAction(action, v1::ACTION_STATE_SUCCEEDED, correlation_id, attempt,
                    result.executor_id(), result.mutated() ? "done" : "already in place", &result);
      break;
    default:
      if (verdict == PlanRunner::Verdict::kRetryLater ||
          verdict == PlanRunner::Verdict::kPollLater) {
        const bool poll = verdict == PlanRunner::Verdict::kPollLater;
        auto delay = poll ? options_.poll_interval : runner.RetryDelay(result.action_id());
        PublishAction(action, v1::ACTION_STATE_RETRYING, correlation_id, attempt,
                      result.executor_id(), (poll ? "waiting: " : "") + ErrorText(result.error()),
                      &result);
        auto timer = std::make_shared<asio::steady_timer>(io_, delay);
        timer->async_wait(
            [this, timer, app, id = result.action_id()](const boost::system::error_code& ec) {
              if (ec) return;
              auto it = runs_.find(app);
              if (it == runs_.end() || !it->second.runner) return;
              it->second.runner->Retry(id);
              if (const v1::Action* a = it->second.runner->Find(id);
                  a && it->second.runner->in_flight(id)) {
                Submit(app, *a);
              }
              FinishIfDone(app);
            });
      } else {
        counters_.Increment("actions_failed");
        PublishAction(action, v1::ACTION_STATE_FAILED, correlation_id, attempt,
                      result.executor_id(), ErrorText(result.error()), &result);
      }
      break;
  }
  SubmitReady(app, *run);
  FinishIfDone(app);
}

void Controller::FinishIfDone(const std::string& app) {
  auto it = runs_.find(app);
  if (it == runs_.end()) return;
  PlanRunner& runner = *it->second.runner;
  auto state = runner.state();
  if (state == PlanRunner::State::kRunning) return;
  const Purpose purpose = it->second.purpose;
  if (purpose == Purpose::kRefresh && state == PlanRunner::State::kSucceeded) {
    runs_.erase(it);
    PlanAndApply(app);
    Pump();
    return;
  }
  v1::AppStatus status;
  status.set_plan_id(runner.plan().id());
  status.set_spec_hash(it->second.spec_hash);
  status.set_actions_total(runner.total());
  status.set_actions_done(runner.succeeded());
  std::string correlation_id = it->second.correlation_id;
  if (purpose != Purpose::kRefresh) {
    v1::JournalRecord finished;
    finished.mutable_plan_finished()->set_plan_id(runner.plan().id());
    finished.mutable_plan_finished()->set_app(app);
    finished.mutable_plan_finished()->set_succeeded(state == PlanRunner::State::kSucceeded);
    if (state != PlanRunner::State::kSucceeded) {
      *finished.mutable_plan_finished()->mutable_error() = runner.error();
    }
    if (!Record(std::move(finished))) return;
  }
  if (state == PlanRunner::State::kSucceeded && purpose == Purpose::kDestroy) {
    v1::JournalRecord destroyed;
    destroyed.mutable_destroy()->set_app(app);
    destroyed.mutable_destroy()->set_phase(v1::DestroyState::DESTROYED);
    destroyed.mutable_destroy()->set_spec_hash(it->second.spec_hash);
    if (!Record(std::move(destroyed))) return;
    status.set_phase(v1::APP_PHASE_DESTROYED);
    status.set_message("destroyed: " + std::to_string(runner.total()) + " resource(s) removed");
    destroying_.erase(app);
    destroyed_[app] = it->second.spec_hash;
    queue_.Forget(app);
  } else if (state == PlanRunner::State::kSucceeded) {
    status.set_phase(v1::APP_PHASE_CONVERGED);
    status.set_message("converged: " + std::to_string(runner.total()) + " action(s) applied");
    queue_.Forget(app);
  } else {
    status.set_phase(v1::APP_PHASE_FAILED);
    *status.mutable_error() = runner.error();
    status.set_message((purpose == Purpose::kRefresh ? "reading AWS failed: " : "") +
                       ErrorText(runner.error()));
    // Terminal: the next spec change, or the periodic resync, tries again.
  }
  runs_.erase(it);
  PublishApp(app, status, correlation_id);
  CompactIfDue();
  queue_.Done(app);
  Pump();
}

bool Controller::Record(v1::JournalRecord record) {
  if (options_.journal == nullptr) return true;
  record.set_unix_ms(clock_.NowUnixMs());
  wharf::Status s = options_.journal->Append(record);
  if (s.ok()) return true;
  counters_.Increment("journal_failures");
  Logger("controller")->critical("cannot write the journal; stopping: {}", s.ToString());
  if (options_.on_journal_failure) {
    options_.on_journal_failure(s);
  } else {
    std::abort();
  }
  return false;
}

void Controller::CompactIfDue() {
  Journal* journal = options_.journal;
  if (journal == nullptr || !journal->ShouldCompact() || !runs_.empty()) return;
  // Only what a restart needs: applied specs, destroys, observed resources.
  std::vector<v1::JournalRecord> snapshot;
  for (const auto& name : desired_.Apps()) {
    const DesiredApp* d = desired_.Find(name);
    if (d->from_cli && d->has_spec) {
      v1::JournalRecord r;
      auto* spec = r.mutable_applied_spec()->mutable_spec();
      spec->set_file(d->file);
      *spec->mutable_spec() = d->spec;
      spec->set_spec_hash(d->spec_hash);
      snapshot.push_back(std::move(r));
    }
    for (const auto& resource : observed_.ForApp(name)) {
      v1::JournalRecord r;
      *r.mutable_observed()->mutable_resource() = resource;
      snapshot.push_back(std::move(r));
    }
  }
  for (const auto& [app, hash] : destroyed_) {
    v1::JournalRecord r;
    r.mutable_destroy()->set_app(app);
    r.mutable_destroy()->set_phase(v1::DestroyState::DESTROYED);
    r.mutable_destroy()->set_spec_hash(hash);
    snapshot.push_back(std::move(r));
  }
  for (const auto& app : destroying_) {
    v1::JournalRecord r;
    r.mutable_destroy()->set_app(app);
    r.mutable_destroy()->set_phase(v1::DestroyState::DESTROYING);
    snapshot.push_back(std::move(r));
  }
  if (wharf::Status s = journal->Compact(snapshot); !s.ok()) {
    Logger("controller")->error("journal compaction failed: {}", s.ToString());
  }
}

wharf::Status Controller::Recover() {
  if (options_.journal == nullptr) return wharf::Status::Ok();
  int records = 0;
  wharf::Status s = options_.journal->Replay([&](const v1::JournalRecord& r) {
    ++records;
    switch (r.entry_case()) {
      case v1::JournalRecord::kAppliedSpec:
        desired_.ApplyFromCli(r.applied_spec().spec());
        break;
      case v1::JournalRecord::kDestroy: {
        const auto& d = r.destroy();
        if (d.phase() == v1::DestroyState::DESTROYING) {
          destroying_.insert(d.app());
        } else if (d.phase() == v1::DestroyState::DESTROYED) {
          destroying_.erase(d.app());
          destroyed_[d.app()] = d.spec_hash();
        } else {
          destroying_.erase(d.app());
          destroyed_.erase(d.app());
        }
        break;
      }
      case v1::JournalRecord::kObserved:
        if (r.observed().deleted()) {
          observed_.Erase(r.observed().resource().app(), r.observed().resource().ref());
        } else {
          observed_.Put(r.observed().resource());
        }
        break;
      case v1::JournalRecord::kAction:
        if (r.action().state() == v1::ACTION_STATE_SUCCEEDED) {
          const auto& seen = r.action().result().observed();
          if (seen.id().empty()) {
            observed_.Erase(seen.app(), seen.ref());
          } else {
            observed_.Put(seen);
          }
        }
        break;
      default:
        break;  // plans and their ends: the reconcile after sync re-plans
    }
  });
  if (!s.ok()) return s;
  Logger("controller")
      ->info("journal replayed: {} record(s), {} app(s) applied from the CLI, {} destroyed",
             records, desired_.Apps().size(), destroyed_.size());
  return wharf::Status::Ok();
}

void Controller::PublishApp(const std::string& app, v1::AppStatus status,
                            const std::string& correlation_id) {
  status.set_app(app);
  auto& last = status_[app];
  bool repeat = last.phase() == status.phase() && last.spec_hash() == status.spec_hash() &&
                last.message() == status.message() && status.plan_id().empty();
  last = status;
  if (repeat) return;  // level-based resyncs of a steady app publish nothing
  Logger("controller")
      ->info("app={} req={} {}: {}", app, correlation_id, v1::AppPhase_Name(status.phase()),
             status.message());
  v1::Envelope envelope;
  envelope.set_correlation_id(correlation_id);
  *envelope.mutable_app_status() = std::move(status);
  (void)events_.Publish(std::move(envelope));
}

void Controller::PublishAction(const v1::Action& action, v1::ActionState state,
                               const std::string& correlation_id, uint32_t attempt,
                               const std::string& executor_id, const std::string& message,
                               const v1::ActionResult* result) {
  // Refresh reads are not worth an event each; the app's status says it.
  if (action.verb() == v1::OBSERVE) return;
  v1::Envelope envelope;
  envelope.set_correlation_id(correlation_id);
  auto* s = envelope.mutable_action_status();
  s->set_app(action.app());
  s->set_plan_id(correlation_id);
  s->set_action_id(action.id());
  s->set_verb(action.verb());
  *s->mutable_resource() = action.resource().ref();
  s->set_state(state);
  s->set_attempt(attempt);
  s->set_executor_id(executor_id);
  s->set_message(message);
  if (result != nullptr) {
    if (result->has_error()) *s->mutable_error() = result->error();
    s->set_mutated(result->mutated());
    s->set_resource_id(result->observed().id());
  }
  Logger("controller")
      ->info("app={} req={} {} {} {}{}", action.app(), correlation_id,
             v1::ActionVerb_Name(action.verb()), action.resource().ref().name(),
             v1::ActionState_Name(state), message.empty() ? "" : ": " + message);
  (void)events_.Publish(std::move(envelope));
}

v1::StatusReply Controller::Status(const std::string& app) const {
  v1::StatusReply reply;
  reply.set_synced(synced());
  for (const auto& kind : watchers_synced_) reply.add_watchers_synced(kind);
  for (const auto& name : desired_.Apps()) {
    if (!app.empty() && app != name) continue;
    const DesiredApp* d = desired_.Find(name);
    auto* state = reply.add_apps();
    state->set_app(name);
    state->set_file(d->file);
    state->set_spec_hash(d->spec_hash);
    for (const auto& e : d->errors) *state->add_spec_errors() = e;
    if (auto it = status_.find(name); it != status_.end()) *state->mutable_status() = it->second;
    for (const auto& r : observed_.ForApp(name)) *state->add_resources() = r;
  }
  if (app.empty()) {
    for (const auto& [file, invalid] : desired_.unnamed_invalid()) {
      auto* state = reply.add_apps();
      state->set_file(file);
      state->mutable_status()->set_phase(v1::APP_PHASE_INVALID);
      for (const auto& e : invalid.errors()) *state->add_spec_errors() = e;
    }
  }
  for (const auto& e : dispatcher_.Executors()) *reply.add_executors() = e;
  for (const auto& [instance, health] : components_) *reply.add_components() = health;
  return reply;
}

v1::ControlReply Controller::HandleControl(const v1::ControlRequest& request) {
  v1::ControlReply reply;
  switch (request.request_case()) {
    case v1::ControlRequest::kStatus:
      *reply.mutable_status() = Status(request.status().app());
      break;
    case v1::ControlRequest::kPlan:
      return HandlePlan(request.plan());
    case v1::ControlRequest::kApply:
      return HandleApply(request.apply());
    case v1::ControlRequest::kDestroy:
      return HandleDestroy(request.destroy());
    default:
      reply.set_error("unsupported request");
      break;
  }
  return reply;
}

namespace {

// Parses a spec sent by the CLI; false (and the errors) when invalid.
bool ParseSpec(const std::string& file, const std::string& yaml, v1::SpecChanged* spec,
               google::protobuf::RepeatedPtrField<v1::SpecError>* errors) {
  auto loaded = spec::SpecLoader().Parse(yaml, file);
  if (auto* invalid = std::get_if<v1::SpecInvalid>(&loaded)) {
    *errors = invalid->errors();
    return false;
  }
  *spec = std::get<v1::SpecChanged>(loaded);
  return true;
}

}  // namespace

v1::ControlReply Controller::HandlePlan(const v1::PlanRequest& request) {
  v1::ControlReply reply;
  v1::SpecChanged spec;
  auto* plan = reply.mutable_plan();
  if (!ParseSpec(request.file(), request.yaml(), &spec, plan->mutable_spec_errors())) {
    return reply;
  }
  const std::string& app = spec.spec().name();
  plan->set_app(app);
  plan->set_spec_hash(spec.spec_hash());
  *plan->mutable_plan() =
      Diff(app, ExpandApp(spec.spec()), observed_.LookupFor(app), observed_.RefsForApp(app));
  return reply;
}

v1::ControlReply Controller::HandleApply(const v1::ApplyRequest& request) {
  v1::ControlReply reply;
  v1::SpecChanged spec;
  auto* applied = reply.mutable_apply();
  if (!ParseSpec(request.file(), request.yaml(), &spec, applied->mutable_spec_errors())) {
    return reply;
  }
  const std::string& app = spec.spec().name();
  applied->set_app(app);
  applied->set_spec_hash(spec.spec_hash());
  v1::JournalRecord record;
  *record.mutable_applied_spec()->mutable_spec() = spec;
  if (!Record(std::move(record))) {
    reply.set_error("the controller cannot write its journal");
    return reply;
  }
  if (destroyed_.count(app)) {
    v1::JournalRecord cleared;
    cleared.mutable_destroy()->set_app(app);
    cleared.mutable_destroy()->set_phase(v1::DestroyState::CLEARED);
    if (!Record(std::move(cleared))) {
      reply.set_error("the controller cannot write its journal");
      return reply;
    }
  }
  destroyed_.erase(app);
  desired_.ApplyFromCli(spec);
  // Reconciled even when the spec is unchanged: `apply` also corrects drift.
  Enqueue({app});
  return reply;
}

v1::ControlReply Controller::HandleDestroy(const v1::DestroyRequest& request) {
  v1::ControlReply reply;
  const DesiredApp* desired = desired_.Find(request.app());
  if (desired == nullptr || !desired->has_spec) {
    reply.set_error("no app named '" + request.app() +
                    "' is known to the controller (wharf status lists them)");
    return reply;
  }
  v1::JournalRecord record;
  record.mutable_destroy()->set_app(request.app());
  record.mutable_destroy()->set_phase(v1::DestroyState::DESTROYING);
  if (!Record(std::move(record))) {
    reply.set_error("the controller cannot write its journal");
    return reply;
  }
  destroying_.insert(request.app());
  reply.mutable_destroy()->set_app(request.app());
  Enqueue({request.app()});
  return reply;
}

}  // namespace wharf::controller
