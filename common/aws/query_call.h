#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/aws/aws_client.h"
#include "common/aws/aws_service.h"
#include "common/aws/outcome.h"
#include "common/aws/xml_reader.h"

namespace wharf::aws {

// Typed calls of Query-protocol and EC2 operations over AwsClient::CallQuery,
// shared by the typed clients (Ec2Client, Elbv2Client, IamClient,
// CloudWatchClient). Same threading as AwsClient: callable from any thread,
// `done` runs on the io thread, once, unless `client` is destroyed first.
// Nothing here refers to the typed client: only `client` must outlive the
// call.

// Parses an operation's output. Reads through XmlReader; problems it records
// make the call's result a MalformedResponse error.
template <typename T>
using QueryParser = std::function<T(const XmlReader& output)>;

// One page of a paged operation: its items and the token of the next page
// ("" on the last page).
template <typename Item>
struct QueryPage {
  std::vector<Item> items;
  std::string next_token;
};

namespace query_internal {

// The element holding `operation`'s output: <Operation>Response/
// <Operation>Result for kQuery services (absent for operations that return
// nothing), <Operation>Response for kEc2. A MalformedResponse error when the
// root element is not <Operation>Response.
Outcome<XmlReader> OutputOf(const AwsService& service, const std::string& operation,
                            const pugi::xml_document& doc);

// A terminal "MalformedResponse" error naming `what` and the response's
// request id.
v1::Error Malformed(const AwsService& service, const std::string& operation,
                    const std::string& what, const pugi::xml_document& doc);

// Parses a successful response's `doc` with `parse`.
template <typename T>
Outcome<T> Parse(const AwsService& service, const std::string& operation,
                 const pugi::xml_document& doc, const QueryParser<T>& parse) {
  Outcome<XmlReader> output = OutputOf(service, operation, doc);
  if (!output.ok()) return output.error();
  T value = parse(output.value());
  if (!output->ok()) return Malformed(service, operation, output->error(), doc);
  return value;
}

}  // namespace query_internal

// Calls `operation` with `params` and hands its parsed output (or the error)
// to `done`.
template <typename T>
void CallQueryOperation(AwsClient& client, const AwsService& service, std::string operation,
                        QueryParams params, QueryParser<T> parse,
                        std::function<void(Outcome<T>)> done) {
  client.CallQuery(service, operation, std::move(params),
                   [service, operation, parse = std::move(parse),
                    done = std::move(done)](Outcome<AwsClient::XmlDocument> response) {
                     if (!response.ok()) {
                       done(response.error());
                       return;
                     }
                     done(query_internal::Parse<T>(service, operation, *response.value(), parse));
                   });
}

// Calls a paged operation until its last page: the first page with `params`,
// each next one with `params` plus (`token_param`, the previous page's
// next_token). `done` gets every page's items in order, or the first error
// (pages already read are dropped). A page that hands back a token already
// used is a MalformedResponse error (it would loop forever).
template <typename Item>
void CallQueryPaged(AwsClient& client, const AwsService& service, std::string operation,
                    QueryParams params, std::string token_param,
                    QueryParser<QueryPage<Item>> parse_page,
                    std::function<void(Outcome<std::vector<Item>>)> done) {
  struct Pager {
    AwsClient& client;
    AwsService service;
    std::string operation;
    QueryParams params;
    std::string token_param;
    QueryParser<QueryPage<Item>> parse_page;
    std::function<void(Outcome<std::vector<Item>>)> done;
    std::vector<Item> items;
    std::set<std::string> tokens_used;

    static void Request(const std::shared_ptr<Pager>& pager, const std::string& token) {
      QueryParams params = pager->params;
      if (!token.empty()) {
        params.emplace_back(pager->token_param, token);
        pager->tokens_used.insert(token);
      }
      pager->client.CallQuery(
          pager->service, pager->operation, std::move(params),
          [pager, token](Outcome<AwsClient::XmlDocument> response) {
            if (!response.ok()) {
              pager->done(response.error());
              return;
            }
            Outcome<QueryPage<Item>> page = query_internal::Parse<QueryPage<Item>>(
                pager->service, pager->operation, *response.value(), pager->parse_page);
            if (!page.ok()) {
              pager->done(page.error());
              return;
            }
            for (Item& item : page->items) pager->items.push_back(std::move(item));
            if (page->next_token.empty()) {
              pager->done(std::move(pager->items));
            } else if (pager->tokens_used.count(page->next_token) != 0) {
              pager->done(query_internal::Malformed(
                  pager->service, pager->operation,
                  "the next page's token was used already: " + page->next_token,
                  *response.value()));
            } else {
              Request(pager, page->next_token);
            }
          });
    }
  };
  auto pager = std::shared_ptr<Pager>(new Pager{client,
                                                service,
                                                std::move(operation),
                                                std::move(params),
                                                std::move(token_param),
                                                std::move(parse_page),
                                                std::move(done),
                                                {}});
  Pager::Request(pager, "");
}

}  // namespace wharf::aws
