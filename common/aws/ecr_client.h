#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/aws/aws_client.h"
#include "common/aws/ecr_types.h"
#include "common/aws/outcome.h"

namespace wharf::aws {

// Typed Amazon ECR operations over AwsClient (JSON 1.1). A response of an
// unexpected shape becomes a "MalformedResponse" error, never an exception.
// Describe* operations follow nextToken to the last page. Same threading as
// AwsClient: callable from any thread, callbacks on the io thread. `client`
// must outlive this object; callbacks of calls in flight do not need it.
//
// Errors worth handling: RepositoryNotFoundException,
// RepositoryAlreadyExistsException, ImageNotFoundException,
// RepositoryNotEmptyException (DeleteRepository without force).
class EcrClient {
 public:
  template <typename T>
  using Callback = std::function<void(Outcome<T>)>;

  explicit EcrClient(AwsClient& client);

  void CreateRepository(const EcrCreateRepositoryRequest& request, Callback<EcrRepository> done);
  // The named repositories, or every one of the registry when `names` is
  // empty. One unknown name fails the call (RepositoryNotFoundException).
  void DescribeRepositories(const std::vector<std::string>& names,
                            Callback<std::vector<EcrRepository>> done);
  // The images of `repository` with these ids, or all of them when `ids` is
  // empty. An id that matches no image fails the call
  // (ImageNotFoundException).
  void DescribeImages(const std::string& repository, const std::vector<EcrImageId>& ids,
                      Callback<std::vector<EcrImage>> done);
  // Sets (replaces) the repository's lifecycle policy, `policy_text` a JSON
  // document ({"rules": [...]}).
  void PutLifecyclePolicy(const std::string& repository, const std::string& policy_text,
                          Callback<EcrLifecyclePolicy> done);
  // Deletes the repository; with `force` also its images. Returns it as it was.
  void DeleteRepository(const std::string& repository, bool force, Callback<EcrRepository> done);

  // The repository's lifecycle policy. A repository without one is
  // LifecyclePolicyNotFoundException.
  void GetLifecyclePolicy(const std::string& repository, Callback<EcrLifecyclePolicy> done);
  // "MUTABLE" or "IMMUTABLE". The value is always true.
  void PutImageTagMutability(const std::string& repository, const std::string& mutability,
                             Callback<bool> done);
  // The tags of the repository `arn`.
  void ListTagsForResource(const std::string& arn,
                           Callback<std::map<std::string, std::string>> done);
  // Adds or overwrites `tags` on the repository `arn` (tags not named are
  // kept). The value is always true.
  void TagResource(const std::string& arn, const std::map<std::string, std::string>& tags,
                   Callback<bool> done);

 private:
  AwsClient& client_;
};

}  // namespace wharf::aws
