#include "sdk/kipctl/proto_json.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace kip::kipctl {

absl::StatusOr<std::string> ProtoJson(
    const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string out;
  const auto printed =
      google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!printed.ok()) {
    return absl::InternalError(
        absl::StrCat(message.GetTypeName(),
                     " could not be printed as JSON: ", printed.ToString()));
  }
  return out;
}

int PrintProtoJson(const google::protobuf::Message& message) {
  absl::StatusOr<std::string> json = ProtoJson(message);
  if (!json.ok()) {
    std::cerr << "kipctl: " << json.status().message() << "\n";
    return 1;
  }
  std::cout << *json;
  if (json->empty() || json->back() != '\n') std::cout << "\n";
  return 0;
}

}  // namespace kip::kipctl
