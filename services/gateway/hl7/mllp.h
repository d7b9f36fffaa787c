// MLLP, the Minimal Lower Layer Protocol HL7 v2 travels in over TCP: each
// message is framed as <VT> message <FS><CR> (0x0B ... 0x1C 0x0D). The
// deframer takes bytes as they arrive and yields whole messages; bytes
// outside a frame and frames over the size limit are reported by name and
// skipped, so one bad message never costs the connection the next good one.
#ifndef KIP_SERVICES_GATEWAY_HL7_MLLP_H_
#define KIP_SERVICES_GATEWAY_HL7_MLLP_H_

#include <cstddef>
#include <deque>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kip::hl7 {

inline constexpr char kMllpStart = 0x0B;
inline constexpr char kMllpEnd = 0x1C;
inline constexpr char kMllpEndCr = 0x0D;

std::string MllpFrame(absl::string_view message);

class MllpDeframer {
 public:
  explicit MllpDeframer(size_t max_message_bytes = 1 << 20)
      : max_message_bytes_(max_message_bytes) {}

  // Takes the next bytes read from the connection.
  void Feed(absl::string_view bytes);

  // The next whole frame's message, or: INVALID_ARGUMENT naming what was
  // skipped (bytes before a start block, a frame over the limit - whose
  // bytes are dropped until its end), or NOT_FOUND when no whole frame has
  // arrived yet.
  absl::StatusOr<std::string> Next();

  // Bytes of an unfinished frame held (at most the limit).
  size_t Pending() const { return frame_.size(); }

 private:
  enum class State { kBetweenFrames, kInFrame, kSkippingOversized, kSawEnd };
  void Step(char c);

  size_t max_message_bytes_;
  State state_ = State::kBetweenFrames;
  std::string frame_;
  size_t stray_bytes_ = 0;  // outside a frame, since the last report
  std::deque<absl::StatusOr<std::string>> ready_;
};

}  // namespace kip::hl7

#endif  // KIP_SERVICES_GATEWAY_HL7_MLLP_H_
