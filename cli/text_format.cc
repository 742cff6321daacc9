#include "cli/text_format.h"

#include <ctime>
#include <sstream>

namespace wharf::cli {
namespace {

std::string Strip(const std::string& name, const std::string& prefix) {
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
}

std::string Clock(int64_t unix_ms) {
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[16];
  std::strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
  return buf;
}

std::string Resource(const v1::ResourceRef& ref) {
  return v1::ResourceKind_Name(ref.kind()) + " " + ref.name();
}

}  // namespace

std::string TextFormat::App(const v1::Envelope& envelope) {
  switch (envelope.payload_case()) {
    case v1::Envelope::kAppStatus:
      return envelope.app_status().app();
    case v1::Envelope::kActionStatus:
      return envelope.action_status().app();
    case v1::Envelope::kSpecChanged:
      return envelope.spec_changed().spec().name();
    case v1::Envelope::kSpecInvalid:
      return envelope.spec_invalid().app();
    case v1::Envelope::kSpecRemoved:
      return envelope.spec_removed().app();
    default:
      return "";
  }
}

std::string TextFormat::Phase(v1::AppPhase phase) {
  return Strip(v1::AppPhase_Name(phase), "APP_PHASE_");
}

std::string TextFormat::State(v1::ActionState state) {
  return Strip(v1::ActionState_Name(state), "ACTION_STATE_");
}

std::string TextFormat::Status(const v1::StatusReply& status) {
  std::ostringstream out;
  out << "watchers: " << (status.synced() ? "synced" : "NOT synced");
  for (const auto& w : status.watchers_synced()) out << " " << w;
  out << "\nexecutors: " << status.executors_size();
  for (const auto& e : status.executors()) {
    out << "  " << e.executor_id() << " (" << e.in_flight() << "/" << e.capacity() << " busy)";
  }
  out << "\n";
  if (status.apps().empty()) out << "apps: none (put an app YAML file in the specs directory)\n";
  for (const auto& app : status.apps()) {
    out << "\n"
        << (app.app().empty() ? "(unnamed)" : app.app()) << "  " << Phase(app.status().phase());
    if (!app.status().message().empty()) out << "  " << app.status().message();
    out << "\n  file: " << app.file() << "\n";
    for (const auto& e : app.spec_errors()) {
      out << "  error: " << app.file() << ":" << e.line() << ":" << e.column() << ": " << e.field()
          << ": " << e.message() << "\n";
    }
    for (const auto& r : app.resources()) {
      out << "  " << Resource(r.ref()) << "  " << r.id() << "\n";
    }
  }
  return out.str();
}

std::string TextFormat::Event(const v1::Envelope& envelope) {
  std::ostringstream out;
  out << Clock(envelope.timestamp_unix_ms()) << "  ";
  switch (envelope.payload_case()) {
    case v1::Envelope::kAppStatus: {
      const auto& s = envelope.app_status();
      out << s.app() << "  " << Phase(s.phase()) << "  " << s.message();
      break;
    }
    case v1::Envelope::kActionStatus: {
      const auto& s = envelope.action_status();
      out << s.app() << "  " << v1::ActionVerb_Name(s.verb()) << " " << Resource(s.resource())
          << "  " << State(s.state());
      if (!s.executor_id().empty()) out << " (" << s.executor_id() << ")";
      if (s.state() == v1::ACTION_STATE_SUCCEEDED) {
        out << (!s.mutated()             ? " already in place "
                : s.verb() == v1::CREATE ? " created "
                                         : " changed ")
            << s.resource_id();
      }
      if (!s.message().empty() && s.state() != v1::ACTION_STATE_SUCCEEDED) {
        out << ": " << s.message();
      }
      break;
    }
    case v1::Envelope::kSpecChanged:
      out << envelope.spec_changed().spec().name() << "  spec changed ("
          << envelope.spec_changed().file() << ")";
      break;
    case v1::Envelope::kSpecInvalid: {
      const auto& s = envelope.spec_invalid();
      out << (s.app().empty() ? "?" : s.app()) << "  spec INVALID (" << s.file() << ")";
      for (const auto& e : s.errors()) {
        out << "\n          " << s.file() << ":" << e.line() << ":" << e.column() << ": "
            << e.field() << ": " << e.message();
      }
      break;
    }
    case v1::Envelope::kSpecRemoved:
      out << envelope.spec_removed().app() << "  spec removed (" << envelope.spec_removed().file()
          << ")";
      break;
    case v1::Envelope::kImagePushed:
      out << "image pushed " << envelope.image_pushed().repository() << ":"
          << envelope.image_pushed().tag() << " " << envelope.image_pushed().digest();
      break;
    default:
      return "";
  }
  return out.str();
}

}  // namespace wharf::cli

namespace wharf::cli {

std::string TextFormat::SpecErrors(
    const std::string& file, const google::protobuf::RepeatedPtrField<v1::SpecError>& errors) {
  std::string out;
  for (const auto& e : errors) {
    out += file;
    if (e.line() > 0) out += ":" + std::to_string(e.line());
    if (e.column() > 0) out += ":" + std::to_string(e.column());
    out += ": ";
    if (!e.field().empty()) out += e.field() + ": ";
    out += e.message() + "\n";
  }
  return out;
}

std::string TextFormat::Plan(const v1::PlanReply& reply) {
  std::string out;
  int creates = 0, updates = 0, deletes = 0;
  for (const auto& a : reply.plan().actions()) {
    const char* sign = "?";
    const char* verb = "";
    switch (a.verb()) {
      case v1::CREATE:
        sign = "+";
        verb = "create";
        ++creates;
        break;
      case v1::UPDATE:
      case v1::REPLACE:
        sign = "~";
        verb = "update";
        ++updates;
        break;
      case v1::DELETE:
        sign = "-";
        verb = "delete";
        ++deletes;
        break;
      default:
        verb = "run";
        break;
    }
    out += std::string("  ") + sign + " " + verb + " " +
           Strip(v1::ResourceKind_Name(a.resource().ref().kind()), "") + " " +
           a.resource().ref().name() + "\n";
    for (const auto& c : a.changes()) {
      out += "      " + c.path() + ": " + (c.before().empty() ? "(none)" : c.before()) + " -> " +
             c.after() + "\n";
    }
  }
  std::string head = reply.app() + ": ";
  if (reply.plan().actions().empty()) return head + "no changes; AWS matches the spec\n";
  head += std::to_string(creates) + " to create, " + std::to_string(updates) + " to update, " +
          std::to_string(deletes) + " to delete\n";
  return head + out;
}

}  // namespace wharf::cli
