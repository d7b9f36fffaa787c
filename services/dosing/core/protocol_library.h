// The protocol library and the drug library above it, loaded from textproto
// files and validated at start-up (a bad file stops the server with a message
// naming the file and field). Carries a version and a content hash that every
// dosing answer repeats.
#ifndef KIP_SERVICES_DOSING_CORE_PROTOCOL_LIBRARY_H_
#define KIP_SERVICES_DOSING_CORE_PROTOCOL_LIBRARY_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kip/dosing/v1/dosing.pb.h"

namespace kip::dosing {

class ProtocolLibrary {
 public:
  // Reads `dir`/drug_library.textproto and `dir`/protocols/*.textproto.
  static absl::StatusOr<ProtocolLibrary> LoadFromDirectory(
      const std::string& dir);
  // Validates the messages; `sources` name where each came from, for errors.
  static absl::StatusOr<ProtocolLibrary> FromMessages(
      v1::DrugLibrary drug_library, std::vector<v1::Protocol> protocols,
      std::vector<std::string> sources = {});

  // nullptr when unknown.
  const v1::Protocol* Find(const std::string& protocol_id) const;
  // nullptr when the library has no limits for `area`.
  const v1::CareAreaLimits* Limits(kip::common::v1::CareArea area) const;
  const v1::DrugLibrary& drug_library() const { return drug_library_; }
  const std::vector<v1::Protocol>& protocols() const { return protocols_; }
  const kip::common::v1::LibraryVersion& version() const { return version_; }

 private:
  v1::DrugLibrary drug_library_;
  std::vector<v1::Protocol> protocols_;  // sorted by id
  std::map<std::string, size_t> by_id_;
  kip::common::v1::LibraryVersion version_;
};

// Durations of the protocol in hours (0 when unset).
double Hours(const google::protobuf::Duration& duration);

}  // namespace kip::dosing

#endif  // KIP_SERVICES_DOSING_CORE_PROTOCOL_LIBRARY_H_
