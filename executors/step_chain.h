#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "wharf/v1/plan.pb.h"

namespace wharf::executors {

// Asynchronous steps of one action, run one after another. Each step gets a
// `next` that it must call exactly once (on the io thread): with nullopt to go
// on, or with the failed result that ends the chain. Run() calls `done`
// exactly once: nullopt after the last step, else the failure. Single-threaded
// (the executor's io thread); the chain owns its steps until `done` has run.
class StepChain {
 public:
  using Next = std::function<void(std::optional<v1::ActionResult>)>;
  using Step = std::function<void(Next)>;

  StepChain& Then(Step step) {
    steps_.push_back(std::move(step));
    return *this;
  }

  void Run(Next done) && {
    auto steps = std::make_shared<std::vector<Step>>(std::move(steps_));
    RunFrom(std::move(steps), 0, std::move(done));
  }

 private:
  static void RunFrom(std::shared_ptr<std::vector<Step>> steps, size_t at, Next done) {
    if (at == steps->size()) return done(std::nullopt);
    Step& step = (*steps)[at];
    step([steps, at, done](std::optional<v1::ActionResult> failed) {
      if (failed) return done(std::move(failed));
      RunFrom(steps, at + 1, done);
    });
  }

  std::vector<Step> steps_;
};

}  // namespace wharf::executors
