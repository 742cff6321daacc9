#include "common/spec/spec_loader.h"

#include <openssl/sha.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <yaml-cpp/yaml.h>

#include "common/spec/yaml_to_proto.h"

namespace wharf::spec {
namespace {

v1::SpecInvalid FileError(const std::string& file, const std::string& message) {
  v1::SpecInvalid invalid;
  invalid.set_file(file);
  invalid.add_errors()->set_message(message);
  return invalid;
}

// The app name of a document that did not parse as a whole, when its
// top-level `name` is a readable, valid app name; else "".
std::string ReadAppName(std::string_view yaml) {
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    if (!root.IsMap()) {
      return "";
    }
    YAML::Node name = root["name"];
    if (!name.IsScalar() || !SpecValidator::IsValidAppName(name.Scalar())) {
      return "";
    }
    return name.Scalar();
  } catch (const YAML::Exception&) {
    return "";
  }
}

}  // namespace

SpecLoadResult SpecLoader::LoadFile(const std::string& path) const {
  std::error_code ec;
  std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (ec) {
    return FileError(path, "cannot read the file: " + ec.message());
  }
  if (!std::filesystem::is_regular_file(status)) {
    return FileError(path, "cannot read the file: not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return FileError(path, std::string("cannot read the file: ") + std::strerror(errno));
  }
  std::string text;
  text.resize(options_.max_file_bytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) {
    return FileError(path, std::string("cannot read the file: ") + std::strerror(errno));
  }
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > options_.max_file_bytes) {
    return FileError(
        path, "the file is larger than " + std::to_string(options_.max_file_bytes) + " bytes");
  }
  return Parse(text, path);
}

SpecLoadResult SpecLoader::Parse(std::string_view yaml, const std::string& file) const {
  v1::AppSpec spec;
  YamlToProtoResult parsed = YamlToProto(yaml, spec);
  std::vector<v1::SpecError> errors = std::move(parsed.errors);
  std::string app;
  if (errors.empty()) {
    errors = validator_.Validate(spec, parsed.marks);
    if (SpecValidator::IsValidAppName(spec.name())) {
      app = spec.name();
    }
  } else {
    app = ReadAppName(yaml);
  }
  if (!errors.empty()) {
    v1::SpecInvalid invalid;
    invalid.set_file(file);
    invalid.set_app(app);
    for (v1::SpecError& error : errors) {
      *invalid.add_errors() = std::move(error);
    }
    return invalid;
  }
  v1::SpecChanged changed;
  changed.set_file(file);
  changed.set_spec_hash(SpecHash(spec));
  *changed.mutable_spec() = std::move(spec);
  return changed;
}

std::string SpecHash(const v1::AppSpec& spec) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    spec.SerializeToCodedStream(&coded);
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size_t{2} * SHA256_DIGEST_LENGTH);
  for (unsigned char byte : digest) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 0xf];
  }
  return hex;
}

std::string FormatSpecError(const std::string& file, const v1::SpecError& error) {
  std::string out = file;
  if (error.line() > 0) {
    out += ":" + std::to_string(error.line());
    if (error.column() > 0) {
      out += ":" + std::to_string(error.column());
    }
  }
  out += ": ";
  if (!error.field().empty()) {
    out += error.field() + ": ";
  }
  out += error.message();
  return out;
}

}  // namespace wharf::spec
