#include "services/gateway/hl7/ack.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace kip::hl7 {
namespace {

const char* CodeName(AckCode code) {
  switch (code) {
    case AckCode::kAccept:
      return "AA";
    case AckCode::kError:
      return "AE";
    case AckCode::kReject:
      return "AR";
  }
  return "AR";
}

// MSH fields of what was received, read leniently: a message that failed to
// parse still gets an answer that names its control id when it has one.
struct Received {
  std::string sender_field;    // MSH-3, as written
  std::string receiver_field;  // MSH-5, as written
  std::string trigger;         // MSH-9.2
  std::string control_id;      // MSH-10
  std::string version;         // MSH-12
  bool standard_delimiters = false;
};

// HL7 table 0357's text for the codes KIP sends.
const char* ErrorText(int code) {
  switch (code) {
    case 100:
      return "Segment sequence error";
    case 101:
      return "Required field missing";
    case 102:
      return "Data type error";
    case 103:
      return "Table value not found";
    case 200:
      return "Unsupported message type";
    case 204:
      return "Unknown key identifier";
    default:
      return "Application internal error";
  }
}

Received ReadHeader(absl::string_view received) {
  Received r;
  const absl::string_view first =
      received.substr(0, received.find_first_of("\r\n"));
  if (first.size() < 8 || first.substr(0, 3) != "MSH") return r;
  const char field = first[3];
  std::vector<absl::string_view> fields = absl::StrSplit(first, field);
  // fields[i] is MSH-(i+1) for i >= 1 (MSH-1 is the separator itself).
  auto at = [&](size_t msh) -> std::string {
    return msh - 1 < fields.size() ? std::string(fields[msh - 1]) : "";
  };
  r.standard_delimiters =
      fields.size() > 1 && fields[1].substr(0, 4) == "^~\\&";
  r.sender_field = at(3);
  r.receiver_field = at(5);
  const std::string type = at(9);
  const char component =
      fields.size() > 1 && !fields[1].empty() ? fields[1][0] : '^';
  std::vector<std::string> parts = absl::StrSplit(type, component);
  r.trigger = parts.size() > 1 ? parts[1] : "";
  r.control_id = at(10);
  r.version = at(12);
  return r;
}

}  // namespace

std::string BuildAck(absl::string_view received, AckCode code,
                     const AckError* error, absl::Time now,
                     const std::string& sender, const std::string& control_id) {
  const Delimiters d;  // KIP writes the standard delimiters
  const Received in = ReadHeader(received);
  auto esc = [&](const std::string& text) { return Escape(text, d); };
  // The receiver and sender swap; the sender's MSH-3 is passed through as
  // written only when it was written with KIP's delimiters.
  const std::string to = in.standard_delimiters ? in.sender_field : "";
  std::string ack =
      absl::StrCat("MSH|^~\\&|", esc(sender), "||", to, "||",
                   absl::FormatTime("%Y%m%d%H%M%S%z", now, absl::UTCTimeZone()),
                   "||ACK^", esc(in.trigger), "^ACK|", esc(control_id), "|P|",
                   in.version.empty() ? "2.6" : esc(in.version), "\r");
  absl::StrAppend(&ack, "MSA|", CodeName(code), "|", esc(in.control_id), "\r");
  if (error != nullptr) {
    const std::string location =
        error->segment.empty()
            ? ""
            : absl::StrCat(
                  esc(error->segment), "^", error->segment_sequence,
                  error->field > 0 ? absl::StrCat("^", error->field) : "");
    absl::StrAppend(&ack, "ERR||", location, "|", error->hl7_code, "^",
                    ErrorText(error->hl7_code), "^HL70357|",
                    code == AckCode::kAccept ? "W" : "E", "||||",
                    esc(error->text), "\r");
  }
  return ack;
}

}  // namespace kip::hl7
