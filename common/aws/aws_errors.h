#pragma once

#include <string>
#include <string_view>

#include "common/aws/aws_service.h"
#include "common/aws/http_response.h"
#include "common/base/status.h"
#include "wharf/v1/plan.pb.h"

namespace wharf::aws {

// The one place AWS failures are parsed and classified (STYLE.md 5).
//
// Retryable: throttling error codes, transient codes (RequestTimeout,
// InternalError, ServiceUnavailable, ...), HTTP 429 and 5xx except 501, and
// transport failures (timeouts, refused/reset connections). Terminal:
// everything else, in particular validation and authentication/authorization
// errors. Status mapping: retryable -> kUnavailable; auth -> kPermissionDenied;
// not-found codes -> kNotFound; already-exists codes -> kAlreadyExists;
// in-use/conflict codes -> kFailedPrecondition; a response Wharf cannot
// parse -> kInternal; other terminal errors -> kInvalidArgument.

// Throttling codes of any AWS service ("Throttling", "RequestLimitExceeded",
// ...): botocore's standard-mode list.
bool IsThrottlingErrorCode(std::string_view code);
// Non-throttling codes that mean "try again" ("InternalError", "RequestTimeout", ...).
bool IsTransientErrorCode(std::string_view code);
// Codes that mean the caller is not authenticated or not authorized.
bool IsAuthErrorCode(std::string_view code);
// 429, 500, 502, 503, 504 and other 5xx but 501.
bool IsRetryableHttpStatus(int http_status);
bool IsRetryableError(std::string_view code, int http_status);

// The request id AWS returned in x-amzn-RequestId / x-amz-request-id /
// x-amzn-requestid, or "".
std::string RequestIdFromHeaders(const HttpResponse& response);

// An Error from a non-2xx response of `service`: JSON (`__type` with anything
// up to '#' and after ':' stripped, else the x-amzn-ErrorType header;
// `message` / `Message`) or XML (<Error><Code>/<Message>, <RequestId> or
// <RequestID> anywhere). An unparseable body yields code "Http<status>" and
// the start of the body as the message. The canonical request AWS echoes in
// some SignatureDoesNotMatch messages (it holds the session token) is cut
// off. Never throws.
v1::Error ParseErrorResponse(const AwsService& service, std::string_view operation,
                             const HttpResponse& response);

// True for a transport timeout (code "TransportTimeout"): a retry after one
// costs the retry quota more (RetryQuota).
bool IsTimeoutError(const v1::Error& error);

// An Error for a transport failure (no HTTP response): code "TransportTimeout"
// for kDeadlineExceeded, "ConnectionError" for kUnavailable, "TransportError"
// otherwise; retryable as the Status is.
v1::Error TransportError(const AwsService& service, std::string_view operation,
                         const Status& status);

// An Error raised before anything was sent or after a 2xx that could not be
// understood: `code` is the reason ("MissingCredentials", "MalformedResponse").
// Terminal.
v1::Error ClientError(const AwsService& service, std::string_view operation, std::string code,
                      std::string message, int http_status = 0, std::string request_id = "");

// The Status code an Error maps to (see above).
Status::Code StatusCodeForError(const v1::Error& error);
// One line naming everything a caller needs to act on or report the error:
// "ecs DeleteCluster: ClusterNotFoundException: Cluster not found. (http 400,
// request id 1234)"; "(no request id)" when AWS gave none (nothing was sent,
// or no answer came). Errors hold no credentials, so the line is safe to log.
std::string FormatError(const v1::Error& error);
// FormatError(error) with StatusCodeForError(error).
Status ErrorToStatus(const v1::Error& error);

}  // namespace wharf::aws
