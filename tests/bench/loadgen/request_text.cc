#include "tests/bench/loadgen/request_text.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/text_format.h"
#include "kip/analytics/v1/analytics.pb.h"
#include "kip/bench/empty.pb.h"
#include "kip/dosing/v1/dosing.pb.h"
#include "kip/sessions/v1/sessions.pb.h"

namespace kip::loadgen {

absl::StatusOr<std::string> SerializeRequest(const std::string& method,
                                             const std::string& textproto) {
  // Referencing one message per file keeps the linker from dropping them.
  (void)kip::dosing::v1::PlanCourseRequest::descriptor();
  (void)kip::sessions::v1::AppendEventsRequest::descriptor();
  (void)kip::analytics::v1::RunMetaAnalysisRequest::descriptor();
  (void)kip::bench::Nothing::descriptor();
  const size_t slash = method.rfind('/');
  if (method.empty() || method[0] != '/' || slash == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("method: '", method, "' is not /package.Service/Method"));
  }
  const std::string full_name =
      absl::StrCat(method.substr(1, slash - 1), ".", method.substr(slash + 1));
  const google::protobuf::MethodDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          full_name);
  if (descriptor == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("method: no RPC '", full_name, "'"));
  }
  google::protobuf::DynamicMessageFactory factory;
  std::unique_ptr<google::protobuf::Message> request(
      factory.GetPrototype(descriptor->input_type())->New());
  if (!google::protobuf::TextFormat::ParseFromString(textproto,
                                                     request.get())) {
    return absl::InvalidArgumentError(
        absl::StrCat("request: not a ", descriptor->input_type()->full_name(),
                     " in text format"));
  }
  return request->SerializeAsString();
}

}  // namespace kip::loadgen
