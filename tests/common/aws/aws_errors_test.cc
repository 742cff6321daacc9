#include "common/aws/aws_errors.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/aws/outcome.h"

namespace wharf::aws {
namespace {

struct ErrorCase {
  std::string name;
  const AwsService* service;
  int status;
  HttpHeaders headers;
  std::string body;
  std::string want_code;
  std::string want_message;
  std::string want_request_id;
  bool want_retryable;
  Status::Code want_status;
};

TEST(AwsErrorsTest, ParsesAndClassifiesResponses) {
  const std::vector<ErrorCase> cases = {
      {"json_throttling_with_namespace",
       &services::kEcs,
       400,
       {{"x-amzn-requestid", "req-1"}},
       R"({"__type":"com.amazonaws.ecs#ThrottlingException","message":"Rate exceeded"})",
       "ThrottlingException",
       "Rate exceeded",
       "req-1",
       true,
       Status::Code::kUnavailable},
      {"json_validation_capital_message",
       &services::kEcs,
       400,
       {{"x-amzn-requestid", "req-2"}},
       R"({"__type":"InvalidParameterException","Message":"cpu is invalid"})",
       "InvalidParameterException",
       "cpu is invalid",
       "req-2",
       false,
       Status::Code::kInvalidArgument},
      {"json_not_found",
       &services::kEcs,
       400,
       {},
       R"({"__type":"ClusterNotFoundException","message":"Cluster not found."})",
       "ClusterNotFoundException",
       "Cluster not found.",
       "",
       false,
       Status::Code::kNotFound},
      {"json_type_with_colon_suffix",
       &services::kLogs,
       400,
       {},
       R"({"__type":"ResourceAlreadyExistsException:http://internal.amazon.com/coral/x","message":"exists"})",
       "ResourceAlreadyExistsException",
       "exists",
       "",
       false,
       Status::Code::kAlreadyExists},
      {"json_access_denied",
       &services::kSecretsManager,
       400,
       {},
       R"({"__type":"AccessDeniedException","Message":"not authorized"})",
       "AccessDeniedException",
       "not authorized",
       "",
       false,
       Status::Code::kPermissionDenied},
      {"json_unrecognized_client_403",
       &services::kSsm,
       403,
       {},
       R"({"__type":"UnrecognizedClientException","message":"The security token is invalid."})",
       "UnrecognizedClientException",
       "The security token is invalid.",
       "",
       false,
       Status::Code::kPermissionDenied},
      {"json_server_exception_500",
       &services::kEcs,
       500,
       {},
       R"({"__type":"ServerException","message":"oops"})",
       "ServerException",
       "oops",
       "",
       true,
       Status::Code::kUnavailable},
      {"json_code_from_header",
       &services::kEcr,
       400,
       {{"x-amzn-errortype", "RepositoryNotFoundException:http://x"}},
       R"({"message":"no repo"})",
       "RepositoryNotFoundException",
       "no repo",
       "",
       false,
       Status::Code::kNotFound},
      {"json_too_many_requests",
       &services::kApplicationAutoScaling,
       400,
       {},
       R"({"__type":"TooManyRequestsException"})",
       "TooManyRequestsException",
       "",
       "",
       true,
       Status::Code::kUnavailable},
      {"json_conflict_in_use",
       &services::kEcs,
       400,
       {},
       R"({"__type":"ClusterContainsServicesException","message":"has services"})",
       "ClusterContainsServicesException",
       "has services",
       "",
       false,
       Status::Code::kFailedPrecondition},
      {"xml_query_throttling",
       &services::kIam,
       400,
       {},
       "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</"
       "Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r-3</"
       "RequestId></ErrorResponse>",
       "Throttling",
       "Rate exceeded",
       "r-3",
       true,
       Status::Code::kUnavailable},
      {"xml_query_no_such_entity",
       &services::kIam,
       404,
       {},
       "<ErrorResponse><Error><Code>NoSuchEntity</Code><Message>The role with name x cannot be "
       "found.</Message></Error><RequestId>r-4</RequestId></ErrorResponse>",
       "NoSuchEntity",
       "The role with name x cannot be found.",
       "r-4",
       false,
       Status::Code::kNotFound},
      {"xml_ec2_request_limit",
       &services::kEc2,
       503,
       {},
       "<?xml version=\"1.0\"?><Response><Errors><Error><Code>RequestLimitExceeded</"
       "Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>ec2-5</"
       "RequestID></Response>",
       "RequestLimitExceeded",
       "Request limit exceeded.",
       "ec2-5",
       true,
       Status::Code::kUnavailable},
      {"xml_ec2_unauthorized",
       &services::kEc2,
       403,
       {},
       "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not "
       "authorized</Message></Error></Errors><RequestID>ec2-6</RequestID></Response>",
       "UnauthorizedOperation",
       "You are not authorized",
       "ec2-6",
       false,
       Status::Code::kPermissionDenied},
      {"xml_ec2_group_not_found",
       &services::kEc2,
       400,
       {},
       "<Response><Errors><Error><Code>InvalidGroup.NotFound</Code><Message>no sg</Message></"
       "Error></Errors><RequestID>ec2-7</RequestID></Response>",
       "InvalidGroup.NotFound",
       "no sg",
       "ec2-7",
       false,
       Status::Code::kNotFound},
      {"xml_ec2_duplicate",
       &services::kEc2,
       400,
       {},
       "<Response><Errors><Error><Code>InvalidGroup.Duplicate</Code><Message>dup</Message></"
       "Error></Errors><RequestID>ec2-8</RequestID></Response>",
       "InvalidGroup.Duplicate",
       "dup",
       "ec2-8",
       false,
       Status::Code::kAlreadyExists},
      {"xml_signature_mismatch",
       &services::kSts,
       403,
       {{"x-amzn-requestid", "hdr-9"}},
       "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>bad sig</Message></"
       "Error><RequestId>body-9</RequestId></ErrorResponse>",
       "SignatureDoesNotMatch",
       "bad sig",
       "hdr-9",
       false,
       Status::Code::kPermissionDenied},
      {"xml_validation_error",
       &services::kElbv2,
       400,
       {},
       "<ErrorResponse><Error><Code>ValidationError</Code><Message>bad name</Message></"
       "Error></ErrorResponse>",
       "ValidationError",
       "bad name",
       "",
       false,
       Status::Code::kInvalidArgument},
      {"xml_s3_slow_down",
       &services::kCloudWatch,
       503,
       {{"x-amz-request-id", "s3-10"}},
       "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
       "SlowDown",
       "Please reduce your request rate.",
       "s3-10",
       true,
       Status::Code::kUnavailable},
      {"html_502_from_proxy",
       &services::kEcs,
       502,
       {},
       "<html><body>Bad Gateway</body></html>",
       "Http502",
       "<html><body>Bad Gateway</body></html>",
       "",
       true,
       Status::Code::kUnavailable},
      {"empty_body_503",
       &services::kEcs,
       503,
       {},
       "",
       "Http503",
       "",
       "",
       true,
       Status::Code::kUnavailable},
      {"garbage_400",
       &services::kEcs,
       400,
       {},
       "not json",
       "Http400",
       "not json",
       "",
       false,
       Status::Code::kInvalidArgument},
      {"501_not_retryable",
       &services::kEcs,
       501,
       {},
       R"({"__type":"NotImplemented"})",
       "NotImplemented",
       "",
       "",
       false,
       Status::Code::kInvalidArgument},
      {"429_retryable",
       &services::kEcs,
       429,
       {},
       "",
       "Http429",
       "",
       "",
       true,
       Status::Code::kUnavailable},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    HttpResponse response;
    response.status = c.status;
    response.headers = c.headers;
    response.body = c.body;
    v1::Error error = ParseErrorResponse(*c.service, "Op", response);
    EXPECT_EQ(error.service(), c.service->signing_name);
    EXPECT_EQ(error.operation(), "Op");
    EXPECT_EQ(error.code(), c.want_code);
    EXPECT_EQ(error.message(), c.want_message);
    EXPECT_EQ(error.request_id(), c.want_request_id);
    EXPECT_EQ(error.retryable(), c.want_retryable);
    EXPECT_EQ(error.http_status(), c.status);
    EXPECT_EQ(StatusCodeForError(error), c.want_status);
  }
}

TEST(AwsErrorsTest, ThrottlingCodesAreRetryable) {
  for (const char* code :
       {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "RequestThrottled", "SlowDown",
        "RequestThrottledException", "ThrottledException", "BandwidthLimitExceeded"}) {
    EXPECT_TRUE(IsThrottlingErrorCode(code)) << code;
    EXPECT_TRUE(IsRetryableError(code, 400)) << code;
  }
  EXPECT_FALSE(IsRetryableError("ValidationException", 400));
  EXPECT_FALSE(IsRetryableError("AccessDenied", 500));  // auth is terminal whatever the status
  EXPECT_TRUE(IsRetryableError("InternalError", 400));
}

TEST(AwsErrorsTest, TransportFailures) {
  v1::Error timeout =
      TransportError(services::kEcs, "ListClusters", Status::DeadlineExceeded("timed out"));
  EXPECT_EQ(timeout.code(), "TransportTimeout");
  EXPECT_TRUE(timeout.retryable());
  v1::Error refused =
      TransportError(services::kEcs, "ListClusters", Status::Unavailable("refused"));
  EXPECT_EQ(refused.code(), "ConnectionError");
  EXPECT_TRUE(refused.retryable());
  EXPECT_EQ(StatusCodeForError(refused), Status::Code::kUnavailable);
  v1::Error bad_url =
      TransportError(services::kEcs, "ListClusters", Status::InvalidArgument("bad url"));
  EXPECT_EQ(bad_url.code(), "TransportError");
  EXPECT_FALSE(bad_url.retryable());
}

TEST(AwsErrorsTest, StatusMessageNamesEverything) {
  HttpResponse response;
  response.status = 400;
  response.headers = {{"x-amzn-requestid", "abc-123"}};
  response.body = R"({"__type":"ClusterNotFoundException","message":"Cluster not found."})";
  Outcome<int> outcome(ParseErrorResponse(services::kEcs, "DeleteCluster", response));
  ASSERT_FALSE(outcome.ok());
  Status status = outcome.status();
  EXPECT_EQ(status.code(), Status::Code::kNotFound);
  EXPECT_EQ(status.message(),
            "ecs DeleteCluster: ClusterNotFoundException: Cluster not found. (http 400, request "
            "id abc-123)");
  Outcome<int> fine(7);
  EXPECT_TRUE(fine.status().ok());
  EXPECT_EQ(fine.value(), 7);
}

TEST(AwsErrorsTest, FormatErrorNamesServiceOperationCodeMessageAndRequestId) {
  struct Case {
    v1::Error error;
    std::string want;
  };
  auto make = [](std::string service, std::string op, std::string code, std::string message,
                 int http, std::string request_id) {
    v1::Error e;
    e.set_service(std::move(service));
    e.set_operation(std::move(op));
    e.set_code(std::move(code));
    e.set_message(std::move(message));
    e.set_http_status(http);
    e.set_request_id(std::move(request_id));
    return e;
  };
  const Case cases[] = {
      {make("ecs", "UpdateService", "ThrottlingException", "Rate exceeded", 400, "9f1c"),
       "ecs UpdateService: ThrottlingException: Rate exceeded (http 400, request id 9f1c)"},
      {make("ec2", "DescribeVpcs", "RequestLimitExceeded", "Request limit exceeded.", 503, "e1b2"),
       "ec2 DescribeVpcs: RequestLimitExceeded: Request limit exceeded. (http 503, request id "
       "e1b2)"},
      {make("sts", "GetCallerIdentity", "InvalidClientTokenId", "", 403, "r-1"),
       "sts GetCallerIdentity: InvalidClientTokenId (http 403, request id r-1)"},
      {make("ecs", "ListClusters", "ConnectionError", "connection refused", 0, ""),
       "ecs ListClusters: ConnectionError: connection refused (no request id)"},
      {make("iam", "GetRole", "MissingCredentials", "no AWS credentials found", 0, ""),
       "iam GetRole: MissingCredentials: no AWS credentials found (no request id)"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(FormatError(c.error), c.want);
    EXPECT_EQ(ErrorToStatus(c.error).message(), c.want);
  }
}

TEST(AwsErrorsTest, RetryableCodesMatchBotocoreStandardMode) {
  // botocore/retries/standard.py: throttling and transient codes, and
  // 500/502/503/504; plus the transient fault codes of the local cloud's
  // services. Auth wins over any status.
  struct Case {
    const char* code;
    int status;
    bool want;
  };
  const Case cases[] = {
      {"Throttling", 400, true},
      {"ThrottlingException", 400, true},
      {"ThrottledException", 400, true},
      {"RequestThrottledException", 400, true},
      {"TooManyRequestsException", 400, true},
      {"ProvisionedThroughputExceededException", 400, true},
      {"TransactionInProgressException", 400, true},
      {"RequestLimitExceeded", 503, true},
      {"BandwidthLimitExceeded", 400, true},
      {"LimitExceededException", 400, true},
      {"RequestThrottled", 400, true},
      {"SlowDown", 503, true},
      {"PriorRequestNotComplete", 400, true},
      {"EC2ThrottledException", 400, true},
      {"RequestTimeout", 400, true},
      {"RequestTimeoutException", 400, true},
      {"InternalException", 400, true},
      {"InternalServiceException", 400, true},
      {"ServerException", 500, true},
      {"Http500", 500, true},
      {"Http502", 502, true},
      {"Http503", 503, true},
      {"Http504", 504, true},
      {"Http429", 429, true},
      {"Http501", 501, false},
      {"ValidationException", 400, false},
      {"InvalidParameterException", 400, false},
      {"InvalidParameterValue", 400, false},
      {"AccessDeniedException", 400, false},
      {"AccessDenied", 403, false},
      {"UnauthorizedOperation", 403, false},
      {"InvalidClientTokenId", 403, false},
      {"SignatureDoesNotMatch", 403, false},
      {"AuthFailure", 401, false},
      {"ExpiredToken", 400, false},
      {"AccessDenied", 503, false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IsRetryableError(c.code, c.status), c.want) << c.code << " " << c.status;
  }
}

TEST(AwsErrorsTest, SignatureMismatchEchoIsCutBeforeTheSessionToken) {
  HttpResponse response;
  response.status = 403;
  response.body =
      "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The "
      "request signature we calculated does not match the signature you provided. Check your AWS "
      "Secret Access Key and signing method. Consult the service documentation for details.\n\n"
      "The Canonical String for this request should have been\n'POST\n/\n\n"
      "host:sts.amazonaws.com\nx-amz-security-token:SESSION-TOKEN-VALUE\n'\n\nThe "
      "String-to-Sign should have been\n'AWS4-HMAC-SHA256\n...'</Message></Error>"
      "<RequestId>r-9</RequestId></ErrorResponse>";
  v1::Error e = ParseErrorResponse(services::kSts, "GetCallerIdentity", response);
  EXPECT_EQ(e.code(), "SignatureDoesNotMatch");
  EXPECT_EQ(e.request_id(), "r-9");
  EXPECT_EQ(e.message().find("SESSION-TOKEN-VALUE"), std::string::npos) << e.message();
  EXPECT_EQ(e.message(),
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details. (AWS's canonical request omitted)");
}

}  // namespace
}  // namespace wharf::aws
