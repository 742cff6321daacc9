#include "common/aws/aws_errors.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

namespace wharf::aws {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool Contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

template <size_t N>
bool OneOf(std::string_view code, const std::string_view (&codes)[N]) {
  return std::find(std::begin(codes), std::end(codes), code) != std::end(codes);
}

bool IsNotFoundCode(std::string_view code) {
  return EndsWith(code, "NotFoundException") || EndsWith(code, "NotFound") ||
         EndsWith(code, ".NotFound") || code == "NoSuchEntity" || code.rfind("NoSuch", 0) == 0 ||
         EndsWith(code, "NotFoundFault");
}

bool IsAlreadyExistsCode(std::string_view code) {
  return Contains(code, "AlreadyExists") || EndsWith(code, ".Duplicate") ||
         code == "InvalidPermission.Duplicate" || code == "ResourceExistsException";
}

bool IsConflictCode(std::string_view code) {
  return Contains(code, "InUse") || Contains(code, "Conflict") || code == "DependencyViolation" ||
         code == "ClusterContainsServicesException" || code == "ClusterContainsTasksException" ||
         code == "ClusterContainsContainerInstancesException" || code == "DeleteConflict" ||
         code == "IncorrectState" || code == "InvalidStateException";
}

const pugi::xml_node FindDescendant(const pugi::xml_node& root, const char* name) {
  return root.find_node(
      [name](const pugi::xml_node& n) { return std::strcmp(n.name(), name) == 0; });
}

// AWS's SignatureDoesNotMatch message of some services goes on with the
// canonical request and string to sign it expected, which hold the session
// token (X-Amz-Security-Token): the message is cut before them, since errors
// are logged and travel on the bus.
std::string WithoutSigningEcho(std::string message) {
  for (const char* echo : {"The Canonical String for this request should have been",
                           "The String-to-Sign should have been", "The canonical string"}) {
    size_t at = message.find(echo);
    if (at == std::string::npos) continue;
    message.resize(at);
    while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) {
      message.pop_back();
    }
    message += " (AWS's canonical request omitted)";
  }
  return message;
}

std::string Truncate(std::string_view s, size_t max) {
  std::string out(s.substr(0, max));
  if (s.size() > max) out += "...";
  return out;
}

}  // namespace

bool IsThrottlingErrorCode(std::string_view code) {
  static constexpr std::string_view kCodes[] = {"Throttling",
                                                "ThrottlingException",
                                                "ThrottledException",
                                                "RequestThrottledException",
                                                "TooManyRequestsException",
                                                "ProvisionedThroughputExceededException",
                                                "TransactionInProgressException",
                                                "RequestLimitExceeded",
                                                "BandwidthLimitExceeded",
                                                "LimitExceededException",
                                                "RequestThrottled",
                                                "SlowDown",
                                                "PriorRequestNotComplete",
                                                "EC2ThrottledException"};
  return OneOf(code, kCodes);
}

bool IsTransientErrorCode(std::string_view code) {
  static constexpr std::string_view kCodes[] = {"RequestTimeout",
                                                "RequestTimeoutException",
                                                "InternalError",
                                                "InternalFailure",
                                                "InternalServerError",
                                                "InternalServiceError",
                                                "InternalServerException",
                                                "ServiceUnavailable",
                                                "ServiceUnavailableException",
                                                "ServerException",
                                                "Unavailable",
                                                "InternalException",
                                                "InternalServiceException",
                                                "IDPCommunicationError"};
  return OneOf(code, kCodes);
}

bool IsAuthErrorCode(std::string_view code) {
  static constexpr std::string_view kCodes[] = {"AccessDenied",
                                                "AccessDeniedException",
                                                "UnauthorizedOperation",
                                                "UnauthorizedException",
                                                "UnrecognizedClientException",
                                                "InvalidClientTokenId",
                                                "InvalidAccessKeyId",
                                                "SignatureDoesNotMatch",
                                                "InvalidSignatureException",
                                                "IncompleteSignature",
                                                "MissingAuthenticationToken",
                                                "MissingAuthenticationTokenException",
                                                "AuthFailure",
                                                "ExpiredToken",
                                                "ExpiredTokenException",
                                                "RequestExpired",
                                                "OptInRequired",
                                                "MissingCredentials",
                                                "InvalidCredentials"};
  return OneOf(code, kCodes);
}

bool IsRetryableHttpStatus(int http_status) {
  return http_status == 429 || (http_status >= 500 && http_status <= 599 && http_status != 501);
}

bool IsRetryableError(std::string_view code, int http_status) {
  if (IsAuthErrorCode(code)) return false;
  return IsThrottlingErrorCode(code) || IsTransientErrorCode(code) ||
         IsRetryableHttpStatus(http_status);
}

std::string RequestIdFromHeaders(const HttpResponse& response) {
  for (const char* name : {"x-amzn-requestid", "x-amz-request-id", "x-amzn-request-id"}) {
    if (const std::string* id = response.FindHeader(name); id && !id->empty()) return *id;
  }
  return "";
}

v1::Error ParseErrorResponse(const AwsService& service, std::string_view operation,
                             const HttpResponse& response) {
  v1::Error error;
  error.set_service(std::string(service.signing_name));
  error.set_operation(std::string(operation));
  error.set_http_status(response.status);
  error.set_request_id(RequestIdFromHeaders(response));

  std::string code;
  std::string message;
  std::string_view body = response.body;
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && body[first] == '<') {
    pugi::xml_document doc;
    if (doc.load_buffer(body.data(), body.size())) {
      pugi::xml_node err = FindDescendant(doc, "Error");
      if (err) {
        code = err.child("Code").text().get();
        message = err.child("Message").text().get();
      }
      if (error.request_id().empty()) {
        pugi::xml_node id = FindDescendant(doc, "RequestId");
        if (!id) id = FindDescendant(doc, "RequestID");
        if (id) error.set_request_id(id.text().get());
      }
    }
  } else if (first != std::string_view::npos && body[first] == '{') {
    auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (json.is_object()) {
      for (const char* key : {"__type", "code", "Code"}) {
        auto it = json.find(key);
        if (it != json.end() && it->is_string()) {
          code = it->get<std::string>();
          break;
        }
      }
      for (const char* key : {"message", "Message", "errorMessage"}) {
        auto it = json.find(key);
        if (it != json.end() && it->is_string()) {
          message = it->get<std::string>();
          break;
        }
      }
    }
  }
  if (code.empty()) {
    if (const std::string* type = response.FindHeader("x-amzn-errortype")) code = *type;
  }
  // "aws.protocoltests#FooError" / "FooError:http://internal.amazon.com/...".
  if (size_t colon = code.find(':'); colon != std::string::npos) code.resize(colon);
  if (size_t hash = code.rfind('#'); hash != std::string::npos) code = code.substr(hash + 1);
  if (code.empty()) {
    code = "Http" + std::to_string(response.status);
    if (message.empty()) message = Truncate(body, 200);
  }
  error.set_retryable(IsRetryableError(code, response.status));
  error.set_code(std::move(code));
  error.set_message(WithoutSigningEcho(std::move(message)));
  return error;
}

bool IsTimeoutError(const v1::Error& error) { return error.code() == "TransportTimeout"; }

v1::Error TransportError(const AwsService& service, std::string_view operation,
                         const Status& status) {
  v1::Error error;
  error.set_service(std::string(service.signing_name));
  error.set_operation(std::string(operation));
  switch (status.code()) {
    case Status::Code::kDeadlineExceeded:
      error.set_code("TransportTimeout");
      break;
    case Status::Code::kUnavailable:
      error.set_code("ConnectionError");
      break;
    default:
      error.set_code("TransportError");
      break;
  }
  error.set_message(status.message());
  error.set_retryable(status.retryable());
  return error;
}

v1::Error ClientError(const AwsService& service, std::string_view operation, std::string code,
                      std::string message, int http_status, std::string request_id) {
  v1::Error error;
  error.set_service(std::string(service.signing_name));
  error.set_operation(std::string(operation));
  error.set_code(std::move(code));
  error.set_message(std::move(message));
  error.set_http_status(http_status);
  error.set_request_id(std::move(request_id));
  error.set_retryable(false);
  return error;
}

Status::Code StatusCodeForError(const v1::Error& error) {
  const std::string& code = error.code();
  if (error.retryable()) return Status::Code::kUnavailable;
  if (IsAuthErrorCode(code) || error.http_status() == 403) return Status::Code::kPermissionDenied;
  if (IsNotFoundCode(code) || error.http_status() == 404) return Status::Code::kNotFound;
  if (IsAlreadyExistsCode(code)) return Status::Code::kAlreadyExists;
  if (IsConflictCode(code) || error.http_status() == 409) return Status::Code::kFailedPrecondition;
  if (code == "MalformedResponse") return Status::Code::kInternal;
  return Status::Code::kInvalidArgument;
}

std::string FormatError(const v1::Error& error) {
  std::string text = error.service() + " " + error.operation() + ": " + error.code();
  if (!error.message().empty()) text += ": " + error.message();
  std::string details;
  if (error.http_status() != 0) details = "http " + std::to_string(error.http_status()) + ", ";
  details += error.request_id().empty() ? "no request id" : "request id " + error.request_id();
  return text + " (" + details + ")";
}

Status ErrorToStatus(const v1::Error& error) {
  return Status(StatusCodeForError(error), FormatError(error));
}

}  // namespace wharf::aws
