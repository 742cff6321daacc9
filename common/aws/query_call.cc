#include "common/aws/query_call.h"

#include "common/aws/aws_errors.h"

namespace wharf::aws::query_internal {

Outcome<XmlReader> OutputOf(const AwsService& service, const std::string& operation,
                            const pugi::xml_document& doc) {
  const std::string response_name = operation + "Response";
  pugi::xml_node root = doc.document_element();
  if (!root || response_name != root.name()) {
    return Malformed(service, operation,
                     "expected a <" + response_name + "> document, got <" +
                         std::string(root ? root.name() : "") + ">",
                     doc);
  }
  XmlReader response(root, response_name);
  if (service.protocol == AwsProtocol::kEc2) return response;
  return response.Child(operation + "Result");
}

v1::Error Malformed(const AwsService& service, const std::string& operation,
                    const std::string& what, const pugi::xml_document& doc) {
  return ClientError(service, operation, "MalformedResponse", what, /*http_status=*/0,
                     XmlRequestId(doc));
}

}  // namespace wharf::aws::query_internal
