#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/aws/aws_client.h"
#include "common/aws/aws_errors.h"
#include "common/aws/aws_service.h"
#include "common/aws/outcome.h"

// Shared by the typed clients of the JSON 1.1 services (ECS, ECR, CloudWatch
// Logs, Application Auto Scaling, Secrets Manager, SSM): defensive readers of
// response fields, and the adapters that turn AwsClient::CallJson's answer
// into an Outcome<T>. A response of an unexpected shape becomes a
// "MalformedResponse" error (terminal, Status kInternal); no exception leaves
// an adapter.
namespace wharf::aws::json_call {

using nlohmann::json;

// A response field Wharf needs is missing, or a field has the wrong type.
// Thrown by the readers below; the adapters turn it into MalformedResponse.
class MalformedJson : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Readers of one field of `object`. Precondition for the result to be
// meaningful: `object` is a JSON object (else MalformedJson). A field that is
// absent or null reads as "not there" (the default, nullopt, empty); a field
// present with another type throws MalformedJson naming the key.
std::string String(const json& object, const char* key);
std::optional<int64_t> OptionalInt(const json& object, const char* key);
int64_t Int(const json& object, const char* key);  // 0 when not there
// Integers that must fit an int (counts, ports, percents).
std::optional<int> OptionalInt32(const json& object, const char* key);
int Int32(const json& object, const char* key);  // 0 when not there
std::optional<double> OptionalDouble(const json& object, const char* key);
double Double(const json& object, const char* key);  // 0 when not there
std::optional<bool> OptionalBool(const json& object, const char* key);
bool Bool(const json& object, const char* key);  // false when not there
std::vector<std::string> Strings(const json& object, const char* key);
// The array's elements; an empty array when not there.
const json::array_t& Array(const json& object, const char* key);
// The object, or nullptr when not there.
const json* Object(const json& object, const char* key);
// The object; MalformedJson when not there.
const json& RequiredObject(const json& object, const char* key);
// A required string; MalformedJson when not there.
std::string RequiredString(const json& object, const char* key);
// A JSON 1.1 timestamp (seconds since the Unix epoch, possibly fractional) as
// Unix milliseconds; 0 when not there.
int64_t TimestampMs(const json& object, const char* key);
// {"k": "v", ...} as a map; empty when not there.
std::map<std::string, std::string> StringMap(const json& object, const char* key);
// A tag list [{<key_name>: k, <value_name>: v}, ...] as a map; empty when not
// there. A tag without its key is malformed; without a value it maps to "".
std::map<std::string, std::string> TagList(const json& object, const char* key,
                                           const char* key_name, const char* value_name);

// `tags` as [{<key_name>: k, <value_name>: v}, ...] in key order.
json TagListJson(const std::map<std::string, std::string>& tags, const char* key_name,
                 const char* value_name);

template <typename T>
using Callback = std::function<void(Outcome<T>)>;

// Runs `parse(response)` on a successful response and hands its value, or the
// call's error, or MalformedResponse (when `parse` throws MalformedJson or a
// JSON library exception), to `done`. `service` must have static storage
// duration (the constants of aws_service.h).
template <typename T, typename Parse>
AwsClient::JsonCallback Adapt(const AwsService& service, std::string operation, Parse parse,
                              Callback<T> done) {
  return [service = &service, operation = std::move(operation), parse = std::move(parse),
          done = std::move(done)](Outcome<json> response) {
    if (!response.ok()) {
      done(response.error());
      return;
    }
    std::optional<Outcome<T>> result;
    try {
      result.emplace(parse(response.value()));
    } catch (const MalformedJson& e) {
      result.emplace(ClientError(*service, operation, "MalformedResponse", e.what()));
    } catch (const json::exception& e) {
      result.emplace(ClientError(*service, operation, "MalformedResponse", e.what()));
    }
    done(std::move(*result));
  };
}

// CallJson(service, operation, input) with Adapt(...) as the callback.
template <typename T, typename Parse>
void Call(AwsClient& client, const AwsService& service, std::string operation, json input,
          Parse parse, Callback<T> done) {
  auto callback = Adapt<T>(service, operation, std::move(parse), std::move(done));
  client.CallJson(service, std::move(operation), std::move(input), std::move(callback));
}

// How a paginated operation names its token and when to stop early.
struct Paging {
  // The request member carrying the token ("nextToken"; Application Auto
  // Scaling: "NextToken").
  const char* request_token = "nextToken";
  // The response member with the next page's token ("nextToken",
  // "NextToken", GetLogEvents' "nextForwardToken").
  const char* response_token = "nextToken";
  // Stop once at least this many items are collected (0: no limit); the
  // items of the last page are all kept.
  size_t max_items = 0;
};

// Items of every page, and the token of the page after the last one read
// (empty when there are no more; set when max_items stopped the walk, or, for
// tokens that repeat at the end like GetLogEvents', the last token seen).
template <typename Item>
struct Pages {
  std::vector<Item> items;
  std::string next_token;
};

// Pages beyond this many are a MalformedResponse (a token that never ends).
inline constexpr int kMaxPages = 10'000;

namespace internal {

template <typename Item>
struct PagedCall {
  AwsClient* client;
  const AwsService* service;
  std::string operation;
  json input;
  Paging paging;
  std::function<void(const json&, std::vector<Item>&)> parse_page;
  Callback<Pages<Item>> done;
  Pages<Item> so_far;
  int pages = 0;
};

// Sends the request for the next page; holds no typed client (callbacks only
// run while the AwsClient exists).
template <typename Item>
void NextPage(std::shared_ptr<PagedCall<Item>> call) {
  AwsClient& client = *call->client;
  const AwsService& service = *call->service;
  std::string operation = call->operation;
  json input = call->input;
  client.CallJson(
      service, std::move(operation), std::move(input),
      [call = std::move(call)](Outcome<json> response) mutable {
        if (!response.ok()) {
          call->done(response.error());
          return;
        }
        std::string token;
        try {
          call->parse_page(response.value(), call->so_far.items);
          token = String(response.value(), call->paging.response_token);
        } catch (const MalformedJson& e) {
          call->done(ClientError(*call->service, call->operation, "MalformedResponse", e.what()));
          return;
        } catch (const json::exception& e) {
          call->done(ClientError(*call->service, call->operation, "MalformedResponse", e.what()));
          return;
        }
        const std::string sent = String(call->input, call->paging.request_token);
        const bool end = token.empty() || token == sent;
        const bool full =
            call->paging.max_items > 0 && call->so_far.items.size() >= call->paging.max_items;
        if (end || full) {
          call->so_far.next_token = std::move(token);
          call->done(std::move(call->so_far));
          return;
        }
        if (++call->pages >= kMaxPages) {
          call->done(ClientError(*call->service, call->operation, "MalformedResponse",
                                 "more than " + std::to_string(kMaxPages) + " pages"));
          return;
        }
        call->input[call->paging.request_token] = token;
        NextPage(std::move(call));
      });
}

}  // namespace internal

// Calls `operation` with `input`, then again with the response's token in
// `input[paging.request_token]` until the token is empty or null, repeats the
// one just sent, or max_items is reached. `parse_page` appends a page's items
// (and may throw MalformedJson). An error on any page fails the whole call.
template <typename Item>
void CallPaged(AwsClient& client, const AwsService& service, std::string operation, json input,
               Paging paging, std::function<void(const json&, std::vector<Item>&)> parse_page,
               Callback<Pages<Item>> done) {
  auto call = std::make_shared<internal::PagedCall<Item>>();
  call->client = &client;
  call->service = &service;
  call->operation = std::move(operation);
  call->input = std::move(input);
  call->paging = paging;
  call->parse_page = std::move(parse_page);
  call->done = std::move(done);
  internal::NextPage(std::move(call));
}

// CallPaged for callers that want the items only.
template <typename Item>
void CallPagedItems(AwsClient& client, const AwsService& service, std::string operation, json input,
                    Paging paging, std::function<void(const json&, std::vector<Item>&)> parse_page,
                    Callback<std::vector<Item>> done) {
  CallPaged<Item>(client, service, std::move(operation), std::move(input), paging,
                  std::move(parse_page), [done = std::move(done)](Outcome<Pages<Item>> pages) {
                    if (!pages.ok()) {
                      done(pages.error());
                    } else {
                      done(std::move(pages.value().items));
                    }
                  });
}

}  // namespace wharf::aws::json_call
