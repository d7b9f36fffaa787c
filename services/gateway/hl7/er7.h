// HL7 v2 messages in ER7 ("pipe and hat") encoding, as pump servers send them
// under the IHE PCD profiles: parsed into segments, fields, repetitions,
// components and subcomponents with escape sequences decoded, and text
// escaped back for messages KIP writes. The groundwork of the pump gateway
// (issue #18); no Debian package parses HL7 v2 for C++.
//
// Tolerant where senders are loose without changing meaning (CR, LF or CRLF
// segment ends, a missing final terminator, unknown escape sequences kept as
// written); strict where meaning is at stake (a message starts with MSH and
// declares its delimiters, segment ids are three letters or digits, and size
// limits hold). Errors are INVALID_ARGUMENT naming the place, as HL7's ERR
// segment does: "MSH-2 (segment 1): ...".
#ifndef KIP_SERVICES_GATEWAY_HL7_ER7_H_
#define KIP_SERVICES_GATEWAY_HL7_ER7_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kip::hl7 {

struct Delimiters {
  char field = '|';
  char component = '^';
  char repetition = '~';
  char escape = '\\';
  char subcomponent = '&';
};

struct Limits {
  size_t max_message_bytes = 1 << 20;
  size_t max_segments = 2000;
  size_t max_fields_per_segment = 256;
  size_t max_repetitions_per_field = 100;
  size_t max_components = 100;  // per repetition, and subcomponents per one
};

using Component = std::vector<std::string>;  // its subcomponents, unescaped
using Repetition = std::vector<Component>;
using Field = std::vector<Repetition>;

struct Segment {
  std::string id;
  // fields[n] is field n as HL7 numbers them; fields[0] is empty. In MSH,
  // field 1 is the field separator and field 2 the encoding characters, both
  // as written.
  std::vector<Field> fields;

  // The value at field `field`, component, subcomponent and repetition (all
  // 1-based, as HL7 writes "OBX-5.1"); "" where the message has none.
  std::string Get(size_t field, size_t component = 1, size_t subcomponent = 1,
                  size_t repetition = 1) const;
  size_t RepetitionCount(size_t field) const;
};

struct Message {
  Delimiters delimiters;
  std::vector<Segment> segments;

  // The `nth` (0-based) segment with `id`, or null.
  const Segment* Find(absl::string_view id, size_t nth = 0) const;
};

absl::StatusOr<Message> Parse(absl::string_view er7, const Limits& limits = {});

// Decodes \F\ \S\ \T\ \R\ \E\ and \Xhh..\; drops the highlighting escapes
// \H\ and \N\; keeps anything else (formatting commands, an unterminated
// escape) as written.
std::string Unescape(absl::string_view text, const Delimiters& delimiters);
// Escapes every delimiter (and the escape character) in `text`, and CR/LF as
// \X0D\ and \X0A\, so that it reads back as one value.
std::string Escape(absl::string_view text, const Delimiters& delimiters);

}  // namespace kip::hl7

#endif  // KIP_SERVICES_GATEWAY_HL7_ER7_H_
