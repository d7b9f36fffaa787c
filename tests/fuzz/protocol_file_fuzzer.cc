// Fuzz target: a protocol library file (textproto), parsed and validated as
// the dosing server does at start-up, beside the shipped drug library.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "kip/dosing/v1/dosing.pb.h"
#include "services/dosing/core/protocol_library.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const kip::dosing::v1::DrugLibrary* const drug_library = [] {
    auto shipped = kip::dosing::ProtocolLibrary::LoadFromDirectory(
        "services/dosing/library");
    if (!shipped.ok()) std::abort();  // run from the workspace or runfiles root
    return new kip::dosing::v1::DrugLibrary(shipped->drug_library());
  }();
  kip::dosing::v1::Protocol protocol;
  google::protobuf::TextFormat::Parser parser;
  parser.AllowPartialMessage(true);
  class Silent : public google::protobuf::io::ErrorCollector {
    void AddError(int, int, const std::string&) override {}
  } silent;
  parser.RecordErrorsTo(&silent);
  if (!parser.ParseFromString(
          std::string(reinterpret_cast<const char*>(data), size), &protocol)) {
    return 0;
  }
  (void)kip::dosing::ProtocolLibrary::FromMessages(*drug_library, {protocol},
                                                   {"fuzz.textproto"});
  return 0;
}
