// wharf: the operator's command line. Wires CLI11 to cli::Commands.
#include <unistd.h>

#include <filesystem>

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace {

// The directory of this executable: the other wharf-* binaries live beside it.
std::string BinDir() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "." : self.parent_path().string();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"wharf: keeps containerized web apps deployed on AWS ECS Fargate"};
  app.require_subcommand(1);
  wharf::ProcessRuntime::Flags flags;
  wharf::ProcessRuntime::AddFlags(app, &flags);

  wharf::cli::Commands::UpFlags up_flags;
  auto* up = app.add_subcommand("up", "Run the whole stack in the foreground until Ctrl-C");
  up->add_flag("--local", up_flags.local, "Start the local cloud and deploy into it");
  up->add_option("--local-cloud-port", up_flags.local_cloud_port, "Port of the local cloud");
  up->add_option("--local-cloud-speed", up_flags.local_cloud_speed,
                 "Clock speed of the local cloud (1: real time; 60: a minute per second)")
      ->capture_default_str();
  up->add_option("--local-cloud-seed", up_flags.local_cloud_seed,
                 "Seed of the local cloud's ids and simulated choices")
      ->capture_default_str();
  up->add_option("--executors", up_flags.executors, "Number of executor processes");
  up->add_option("--specs-dir", up_flags.specs_dir, "Directory of app YAML files to watch");

  std::string app_name;
  bool json = false;
  auto* status = app.add_subcommand("status", "Show what the controller knows");
  status->add_option("app", app_name, "Only this app");
  status->add_flag("--json", json, "Print JSON");

  auto* events = app.add_subcommand("events", "Stream events from the bus until Ctrl-C");
  events->add_option("--app", app_name, "Only this app's events");

  int timeout_s = 300;
  auto* wait = app.add_subcommand("wait", "Follow an app until it converges or fails");
  wait->add_option("app", app_name, "The app")->required();
  wait->add_option("--timeout", timeout_s, "Seconds to wait");

  std::string file;
  auto* plan =
      app.add_subcommand("plan", "Show what applying a spec would change (exit 2: changes)");
  plan->add_option("file", file, "The app's YAML spec")->required();
  auto* apply = app.add_subcommand("apply", "Apply a spec and follow it until it converges");
  apply->add_option("file", file, "The app's YAML spec")->required();
  apply->add_option("--timeout", timeout_s, "Seconds to wait");
  auto* destroy = app.add_subcommand("destroy", "Remove an app's resources (except retained ones)");
  destroy->add_option("app", app_name, "The app")->required();
  destroy->add_option("--timeout", timeout_s, "Seconds to wait");

  CLI11_PARSE(app, argc, argv);
  using wharf::cli::Commands;
  if (*up) return Commands::Up(flags, up_flags, BinDir());
  if (*status) return Commands::Status(flags, app_name, json);
  if (*events) return Commands::Events(flags, app_name);
  if (*wait) return Commands::Wait(flags, app_name, std::chrono::seconds(timeout_s));
  if (*plan) return Commands::Plan(flags, file);
  if (*apply) return Commands::Apply(flags, file, std::chrono::seconds(timeout_s));
  if (*destroy) return Commands::Destroy(flags, app_name, std::chrono::seconds(timeout_s));
  return 2;
}
