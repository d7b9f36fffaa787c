#include "services/gateway/hl7/er7.h"

#include <cctype>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace kip::hl7 {
namespace {

absl::Status Invalid(absl::string_view where, size_t segment_index,
                     absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat(where, " (segment ", segment_index, "): ", message));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The bytes of "\Xhhhh\" (`hex` = "hhhh"), or false if `hex` is not an even
// number of hex digits.
bool DecodeHex(absl::string_view hex, std::string& out) {
  if (hex.empty() || hex.size() % 2 != 0) return false;
  std::string bytes;
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexValue(hex[i]), lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes.push_back(static_cast<char>(hi * 16 + lo));
  }
  absl::StrAppend(&out, bytes);
  return true;
}

bool IsSegmentId(absl::string_view id) {
  if (id.size() != 3) return false;
  for (char c : id) {
    if (!std::isupper(static_cast<unsigned char>(c)) &&
        !std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

// MSH-1 and MSH-2: the five delimiters (a v2.7 truncation character after
// them is accepted and ignored).
absl::StatusOr<Delimiters> ReadDelimiters(absl::string_view msh) {
  if (msh.size() < 8) {
    return Invalid("MSH-2", 1, "the message ends before its delimiters");
  }
  Delimiters d;
  d.field = msh[3];
  if (std::isalnum(static_cast<unsigned char>(d.field)) || d.field == ' ') {
    return Invalid("MSH-1", 1, "the field separator must be punctuation");
  }
  const size_t end = msh.find(d.field, 4);
  const absl::string_view encoding =
      msh.substr(4, end == absl::string_view::npos ? msh.size() - 4 : end - 4);
  if (encoding.size() != 4 && encoding.size() != 5) {
    return Invalid("MSH-2", 1,
                   absl::StrCat("has ", encoding.size(),
                                " encoding characters, 4 (or 5) are needed"));
  }
  d.component = encoding[0];
  d.repetition = encoding[1];
  d.escape = encoding[2];
  d.subcomponent = encoding[3];
  const std::string all = {d.field, d.component, d.repetition, d.escape,
                           d.subcomponent};
  for (size_t i = 0; i < all.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(all[i]);
    if (std::isalnum(c) || c == '\r' || c == '\n' || c == ' ' ||
        all.find(all[i]) != i) {
      return Invalid(i == 0 ? "MSH-1" : "MSH-2", 1,
                     "delimiters must be five distinct punctuation characters");
    }
  }
  return d;
}

absl::StatusOr<Field> ParseField(absl::string_view text, const Delimiters& d,
                                 const Limits& limits, absl::string_view where,
                                 size_t segment_index) {
  Field field;
  for (absl::string_view rep : absl::StrSplit(text, d.repetition)) {
    if (field.size() == limits.max_repetitions_per_field) {
      return Invalid(
          where, segment_index,
          absl::StrCat("more than ", limits.max_repetitions_per_field,
                       " repetitions"));
    }
    Repetition& repetition = field.emplace_back();
    for (absl::string_view comp : absl::StrSplit(rep, d.component)) {
      if (repetition.size() == limits.max_components) {
        return Invalid(
            where, segment_index,
            absl::StrCat("more than ", limits.max_components, " components"));
      }
      Component& component = repetition.emplace_back();
      for (absl::string_view sub : absl::StrSplit(comp, d.subcomponent)) {
        if (component.size() == limits.max_components) {
          return Invalid(where, segment_index,
                         absl::StrCat("more than ", limits.max_components,
                                      " subcomponents"));
        }
        component.push_back(Unescape(sub, d));
      }
    }
  }
  return field;
}

absl::StatusOr<Segment> ParseSegment(absl::string_view line,
                                     size_t segment_index, const Delimiters& d,
                                     const Limits& limits) {
  Segment segment;
  segment.id = std::string(line.substr(0, 3));
  if (!IsSegmentId(segment.id) || (line.size() > 3 && line[3] != d.field)) {
    return Invalid(absl::StrCat("segment ", segment_index), segment_index,
                   "does not start with a segment id (three upper-case "
                   "letters or digits) and the field separator");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(line, d.field);
  const bool msh = segment.id == "MSH";
  if (parts.size() - (msh ? 0 : 1) > limits.max_fields_per_segment) {
    return Invalid(
        segment.id, segment_index,
        absl::StrCat("more than ", limits.max_fields_per_segment, " fields"));
  }
  segment.fields.emplace_back();  // field 0: the id
  if (msh) {
    // MSH-1 is the separator itself, MSH-2 the encoding characters as
    // written: neither is split or unescaped.
    segment.fields.push_back({{{std::string(1, d.field)}}});
    segment.fields.push_back(
        {{{std::string(parts.size() > 1 ? parts[1] : "")}}});
  }
  for (size_t i = msh ? 2 : 1; i < parts.size(); ++i) {
    const std::string where =
        absl::StrCat(segment.id, "-", segment.fields.size());
    absl::StatusOr<Field> field =
        ParseField(parts[i], d, limits, where, segment_index);
    if (!field.ok()) return field.status();
    segment.fields.push_back(*std::move(field));
  }
  return segment;
}

}  // namespace

std::string Segment::Get(size_t field, size_t component, size_t subcomponent,
                         size_t repetition) const {
  if (field == 0 || component == 0 || subcomponent == 0 || repetition == 0 ||
      field >= fields.size()) {
    return "";
  }
  const Field& f = fields[field];
  if (repetition > f.size()) return "";
  const Repetition& r = f[repetition - 1];
  if (component > r.size()) return "";
  const Component& c = r[component - 1];
  return subcomponent > c.size() ? "" : c[subcomponent - 1];
}

size_t Segment::RepetitionCount(size_t field) const {
  return field < fields.size() ? fields[field].size() : 0;
}

const Segment* Message::Find(absl::string_view id, size_t nth) const {
  for (const Segment& s : segments) {
    if (s.id == id && nth-- == 0) return &s;
  }
  return nullptr;
}

absl::StatusOr<Message> Parse(absl::string_view er7, const Limits& limits) {
  if (er7.size() > limits.max_message_bytes) {
    return Invalid("message", 0,
                   absl::StrCat(er7.size(), " bytes is over the limit of ",
                                limits.max_message_bytes));
  }
  if (er7.substr(0, 3) != "MSH") {
    return Invalid("MSH", 1, "a message starts with an MSH segment");
  }
  Message message;
  absl::StatusOr<Delimiters> delimiters =
      ReadDelimiters(er7.substr(0, er7.find_first_of("\r\n")));
  if (!delimiters.ok()) return delimiters.status();
  message.delimiters = *delimiters;
  // CR ends a segment; LF and CRLF are accepted, blank lines skipped.
  for (absl::string_view line :
       absl::StrSplit(er7, absl::ByAnyChar("\r\n"), absl::SkipEmpty())) {
    if (message.segments.size() == limits.max_segments) {
      return Invalid(
          "message", message.segments.size(),
          absl::StrCat("more than ", limits.max_segments, " segments"));
    }
    absl::StatusOr<Segment> segment = ParseSegment(
        line, message.segments.size() + 1, message.delimiters, limits);
    if (!segment.ok()) return segment.status();
    message.segments.push_back(*std::move(segment));
  }
  const Segment& msh = message.segments.front();
  if (msh.Get(9).empty()) {
    return Invalid("MSH-9", 1, "the message type is required");
  }
  if (msh.Get(10).empty()) {
    return Invalid("MSH-10", 1, "the message control id is required");
  }
  return message;
}

std::string Unescape(absl::string_view text, const Delimiters& d) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = text.find(d.escape, i);
    if (start == absl::string_view::npos) break;
    const size_t end = text.find(d.escape, start + 1);
    if (end == absl::string_view::npos) break;  // unterminated: kept as is
    absl::StrAppend(&out, text.substr(i, start - i));
    const absl::string_view code = text.substr(start + 1, end - start - 1);
    if (code == "F") {
      out.push_back(d.field);
    } else if (code == "S") {
      out.push_back(d.component);
    } else if (code == "T") {
      out.push_back(d.subcomponent);
    } else if (code == "R") {
      out.push_back(d.repetition);
    } else if (code == "E") {
      out.push_back(d.escape);
    } else if (code == "H" || code == "N") {
      // highlighting on/off: no meaning in a value
    } else if (code.empty() || code[0] != 'X' ||
               !DecodeHex(code.substr(1), out)) {
      absl::StrAppend(&out, text.substr(start, end - start + 1));
    }
    i = end + 1;
  }
  absl::StrAppend(&out, text.substr(i));
  return out;
}

std::string Escape(absl::string_view text, const Delimiters& d) {
  std::string out;
  for (char c : text) {
    const char* code = c == d.field          ? "F"
                       : c == d.component    ? "S"
                       : c == d.subcomponent ? "T"
                       : c == d.repetition   ? "R"
                       : c == d.escape       ? "E"
                       : c == '\r'           ? "X0D"
                       : c == '\n'           ? "X0A"
                                             : nullptr;
    if (code == nullptr) {
      out.push_back(c);
    } else {
      absl::StrAppend(&out, std::string(1, d.escape), code,
                      std::string(1, d.escape));
    }
  }
  return out;
}

}  // namespace kip::hl7
