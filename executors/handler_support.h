#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/struct.pb.h>

#include "wharf/v1/plan.pb.h"
#include "wharf/v1/resource.pb.h"

// Small helpers every action handler uses to read the desired resource and
// to build its result (docs/RESOURCES.md is the contract). Pure functions.
namespace wharf::executors {

// --- results -----------------------------------------------------------------

v1::ActionResult Succeeded(v1::Resource observed, bool mutated);
// FAILED_RETRYABLE or FAILED_TERMINAL after error.retryable().
v1::ActionResult Failed(const v1::Error& error);
// A terminal failure made by the handler itself (not by AWS).
v1::ActionResult FailedTerminal(const std::string& code, const std::string& message);
// A retryable failure made by the handler.
v1::ActionResult FailedRetryable(const std::string& code, const std::string& message);
// Not finished yet (e.g. a service still draining): IN_PROGRESS, asked again
// later without counting as a failed attempt.
v1::ActionResult InProgress(const std::string& code, const std::string& message);
// An existing object that Wharf cannot take over or change in place:
// terminal, code "IncompatibleResource", naming the field, both values and
// the fix.
v1::ActionResult Incompatible(const v1::Resource& desired, const std::string& field,
                              const std::string& found, const std::string& wanted);
// The action's verb has no meaning for this kind.
v1::ActionResult UnsupportedVerb(const v1::Action& action);

// --- reading desired properties (dotted paths, e.g. "health_check.path") ----

std::string GetString(const google::protobuf::Struct& s, const std::string& path,
                      const std::string& fallback = "");
double GetNumber(const google::protobuf::Struct& s, const std::string& path, double fallback = 0);
int GetInt(const google::protobuf::Struct& s, const std::string& path, int fallback = 0);
bool GetBool(const google::protobuf::Struct& s, const std::string& path, bool fallback = false);
bool Has(const google::protobuf::Struct& s, const std::string& path);
std::vector<std::string> GetStringList(const google::protobuf::Struct& s, const std::string& path);
std::map<std::string, std::string> GetStringMap(const google::protobuf::Struct& s,
                                                const std::string& path);
// The resource's tags (Resource.tags).
std::map<std::string, std::string> TagsOf(const v1::Resource& resource);

// --- building observed properties ---------------------------------------------

// A resource of the same kind, name and app as `desired`, empty otherwise.
v1::Resource ObservedLike(const v1::Resource& desired);
// OBSERVE of an object that does not exist: same ref, empty id.
v1::Resource Absent(const v1::Resource& desired);
void SetString(google::protobuf::Struct* s, const std::string& path, const std::string& v);
void SetNumber(google::protobuf::Struct* s, const std::string& path, double v);
void SetBool(google::protobuf::Struct* s, const std::string& path, bool v);
void SetStringList(google::protobuf::Struct* s, const std::string& path,
                   const std::vector<std::string>& v);
void SetStringMap(google::protobuf::Struct* s, const std::string& path,
                  const std::map<std::string, std::string>& v);
// Sets properties.tags and Resource.tags.
void SetTags(v1::Resource* r, const std::map<std::string, std::string>& tags);

// --- sequencing asynchronous steps ---------------------------------------------

// What a step reports: nothing on success, else the error that ends the run.
using StepDone = std::function<void(std::optional<v1::Error>)>;

// Runs `step(item, next)` for each item in order, each one after the previous
// called `next`; the first error stops the run. `done` gets it (or nullopt
// after the last item) exactly once. No items: `done(nullopt)` at once. Each
// step must call its `next` exactly once (from any callback on the same
// thread).
template <typename T>
void InSequence(std::vector<T> items, std::function<void(const T&, StepDone)> step, StepDone done) {
  struct Run {
    std::vector<T> items;
    std::function<void(const T&, StepDone)> step;
    StepDone done;
    size_t at = 0;
    static void Next(std::shared_ptr<Run> run) {
      if (run->at == run->items.size()) return run->done(std::nullopt);
      const T& item = run->items[run->at++];
      run->step(item, [run](std::optional<v1::Error> error) {
        if (error) return run->done(std::move(error));
        Next(run);
      });
    }
  };
  auto run = std::make_shared<Run>(Run{std::move(items), std::move(step), std::move(done)});
  Run::Next(std::move(run));
}

}  // namespace wharf::executors
