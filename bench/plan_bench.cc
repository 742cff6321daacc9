// Planning cost: Expand + Diff of 1, 100 and 1,000 apps against an observed
// state that matches (a full re-plan, what the periodic resync does), one app
// alone (an incremental re-plan, what a spec edit or a drift event does), and
// the memory the controller holds for 1,000 apps (DesiredStore + ObservedCache).
// A plain main: each measurement repeated, medians printed with the targets.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "common/spec/spec_loader.h"
#include "controller/desired_store.h"
#include "controller/diff.h"
#include "controller/expand.h"
#include "controller/input_resolver.h"
#include "controller/observed_cache.h"

namespace wharf::controller {
namespace {

using Clock = std::chrono::steady_clock;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

long RssKiB() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

v1::AppSpec ExampleSpec() {
  auto loaded = spec::SpecLoader().LoadFile(std::string(WHARF_SOURCE_DIR) +
                                            "/config/examples/django-app.yaml");
  if (!std::holds_alternative<v1::SpecChanged>(loaded)) {
    std::fprintf(stderr, "cannot load the example spec\n");
    std::exit(1);
  }
  return std::get<v1::SpecChanged>(loaded).spec();
}

// What the cloud would report after applying `graph` (see diff_test.cc).
void Observe(const std::vector<v1::Resource>& graph, ObservedCache* cache, int* counter) {
  for (const auto& r : graph) {
    v1::Resource observed = ResolveInputs(r, cache->LookupFor(r.app())).resource;
    std::string id = "id-" + std::to_string(++*counter);
    observed.set_id(id);
    observed.mutable_properties()->mutable_fields()->erase("create_only");
    for (const char* out : {"id", "arn", "uri", "dns_name", "arn_suffix"}) {
      (*observed.mutable_outputs())[out] = std::string(out) + ":" + id;
    }
    (*observed.mutable_outputs())["vpc_id"] = "vpc-1";
    (*observed.mutable_outputs())["public_subnet_ids"] = "subnet-a,subnet-b";
    (*observed.mutable_outputs())["task_subnet_ids"] = "subnet-a,subnet-b";
    (*observed.mutable_properties()->mutable_fields())["status"].set_string_value("ACTIVE");
    cache->Put(observed);
  }
}

struct Fleet {
  DesiredStore desired;
  ObservedCache observed;
  std::vector<std::string> apps;
};

void Build(int n, Fleet* fleet) {
  v1::AppSpec base = ExampleSpec();
  int counter = 0;
  for (int i = 0; i < n; ++i) {
    v1::SpecChanged changed;
    *changed.mutable_spec() = base;
    changed.mutable_spec()->set_name("app-" + std::to_string(i));
    changed.mutable_spec()->mutable_image()->set_repository("app-" + std::to_string(i));
    changed.set_file("app-" + std::to_string(i) + ".yaml");
    changed.set_spec_hash("hash-" + std::to_string(i));
    fleet->desired.Apply(changed);
    fleet->apps.push_back(changed.spec().name());
    Observe(Expand(changed.spec()), &fleet->observed, &counter);
  }
}

// Plans every app of the fleet; returns the number of actions (must be 0).
int PlanAll(const Fleet& fleet, size_t count) {
  int actions = 0;
  for (size_t i = 0; i < count; ++i) {
    const auto& app = fleet.apps[i];
    const DesiredApp* d = fleet.desired.Find(app);
    v1::Plan plan =
        Diff(app, Expand(d->spec), fleet.observed.LookupFor(app), fleet.observed.RefsForApp(app));
    actions += plan.actions_size();
  }
  return actions;
}

}  // namespace
}  // namespace wharf::controller

int main() {
  using namespace wharf::controller;
  namespace v1 = wharf::v1;
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  std::printf("plan_bench on %s, %ld cores online\n", host, sysconf(_SC_NPROCESSORS_ONLN));

  const long rss_before = RssKiB();
  Fleet fleet;
  Build(1000, &fleet);
  const long rss_after = RssKiB();

  const int runs = 9;
  std::printf("%-28s %12s %12s %10s\n", "measurement", "median", "target", "ratio");
  for (size_t n : {size_t{1}, size_t{100}, size_t{1000}}) {
    std::vector<double> ms;
    for (int r = 0; r < runs; ++r) {
      auto start = Clock::now();
      int actions = PlanAll(fleet, n);
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      if (actions != 0) {
        std::fprintf(stderr, "a steady fleet planned %d action(s)\n", actions);
        return 1;
      }
    }
    double median = Median(ms);
    char name[64];
    std::snprintf(name, sizeof name, "full re-plan, %zu app(s)", n);
    if (n == 1000) {
      std::printf("%-28s %9.2f ms %9.0f ms %9.2fx\n", name, median, 100.0, median / 100.0);
    } else {
      std::printf("%-28s %9.3f ms %12s %10s\n", name, median, "", "");
    }
  }
  // The two halves of a plan, per app.
  {
    std::vector<std::vector<v1::Resource>> graphs;
    for (const auto& app : fleet.apps) graphs.push_back(Expand(fleet.desired.Find(app)->spec));
    std::vector<double> expand_ms, diff_ms;
    for (int r = 0; r < runs; ++r) {
      auto start = Clock::now();
      for (const auto& app : fleet.apps) (void)Expand(fleet.desired.Find(app)->spec);
      expand_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      start = Clock::now();
      for (size_t i = 0; i < fleet.apps.size(); ++i) {
        const auto& app = fleet.apps[i];
        (void)Diff(app, graphs[i], fleet.observed.LookupFor(app), fleet.observed.RefsForApp(app));
      }
      diff_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    std::printf("%-28s %9.2f ms\n", "  of which Expand, 1000", Median(expand_ms));
    std::printf("%-28s %9.2f ms\n", "  of which Diff, 1000", Median(diff_ms));
    // The controller keeps each app's graph until its spec changes, so its
    // periodic full re-plan is the Diff half.
    std::printf("%-28s %9.2f ms %9.0f ms %9.2fx\n", "full re-plan, graphs cached", Median(diff_ms),
                100.0, Median(diff_ms) / 100.0);
  }
  // Incremental: one app of the 1,000 (the others' state stays in memory).
  std::vector<double> us;
  for (int r = 0; r < 201; ++r) {
    const auto& app = fleet.apps[static_cast<size_t>(r) % fleet.apps.size()];
    auto start = Clock::now();
    const DesiredApp* d = fleet.desired.Find(app);
    v1::Plan plan =
        Diff(app, Expand(d->spec), fleet.observed.LookupFor(app), fleet.observed.RefsForApp(app));
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (plan.actions_size() != 0) return 1;
  }
  double median = Median(us);
  std::printf("%-28s %9.1f us %9.0f us %9.2fx\n", "incremental re-plan, 1 app", median, 1000.0,
              median / 1000.0);
  double mib = static_cast<double>(rss_after - rss_before) / 1024.0;
  std::printf("%-28s %8.1f MiB %8.0f MiB %9.2fx\n", "state of 1,000 apps (RSS)", mib, 100.0,
              mib / 100.0);
  std::printf("%-28s %8.1f MiB\n", "process RSS", static_cast<double>(RssKiB()) / 1024.0);
  return 0;
}
