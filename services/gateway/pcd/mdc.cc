#include "services/gateway/pcd/mdc.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace kip::pcd {
namespace {

bool RefMatches(absl::string_view written, absl::string_view ref) {
  written = absl::StripAsciiWhitespace(written);
  if (written == ref) return true;
  // IPEC 1.2's provisional spelling: MDCX_... for MDC_...
  return absl::StartsWith(written, "MDCX_") && absl::StartsWith(ref, "MDC_") &&
         written.substr(5) == ref.substr(4);
}

bool CodeMatches(absl::string_view written, int code) {
  int value = 0;
  return code > 0 &&
         absl::SimpleAtoi(absl::StripAsciiWhitespace(written), &value) &&
         value == code;
}

}  // namespace

bool Names(const hl7::Segment& segment, size_t field, const MdcTerm& term) {
  for (size_t triple : {0, 3}) {
    if (CodeMatches(segment.Get(field, triple + 1), term.code) ||
        RefMatches(segment.Get(field, triple + 2), term.ref)) {
      return true;
    }
  }
  return false;
}

std::string UnitField(const Unit& unit) {
  return absl::StrCat(unit.mdc.code, "^", unit.mdc.ref, "^MDC^", unit.ucum, "^",
                      unit.ucum, "^UCUM");
}

std::string TermField(const MdcTerm& term) {
  return absl::StrCat(term.code, "^", term.ref, "^MDC");
}

bool IsUnit(const hl7::Segment& segment, size_t field, const Unit& unit) {
  if (Names(segment, field, unit.mdc)) return true;
  for (size_t component : {1, 2, 4, 5}) {
    if (absl::StripAsciiWhitespace(segment.Get(field, component)) ==
        unit.ucum) {
      return true;
    }
  }
  return false;
}

}  // namespace kip::pcd
