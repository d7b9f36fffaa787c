#include "services/gateway/hl7/mllp.h"

#include "absl/strings/str_cat.h"

namespace kip::hl7 {

std::string MllpFrame(absl::string_view message) {
  return absl::StrCat(std::string(1, kMllpStart), message,
                      std::string(1, kMllpEnd), std::string(1, kMllpEndCr));
}

void MllpDeframer::Feed(absl::string_view bytes) {
  for (char c : bytes) Step(c);
}

void MllpDeframer::Step(char c) {
  switch (state_) {
    case State::kBetweenFrames:
      if (c == kMllpStart) {
        if (stray_bytes_ > 0) {
          ready_.push_back(absl::InvalidArgumentError(absl::StrCat(
              "MLLP: ", stray_bytes_,
              " byte(s) outside a frame were skipped (a frame starts with "
              "0x0B)")));
          stray_bytes_ = 0;
        }
        state_ = State::kInFrame;
        frame_.clear();
      } else if (c != '\r' && c != '\n') {
        ++stray_bytes_;  // line ends between frames are harmless
      }
      return;
    case State::kInFrame:
      if (c == kMllpEnd) {
        state_ = State::kSawEnd;
      } else if (c == kMllpStart) {
        // A new frame before this one ended: this one was truncated.
        ready_.push_back(absl::InvalidArgumentError(absl::StrCat(
            "MLLP: a frame of ", frame_.size(),
            " bytes ended without 0x1C 0x0D (truncated) and was skipped")));
        frame_.clear();
      } else if (frame_.size() == max_message_bytes_) {
        state_ = State::kSkippingOversized;
        frame_.clear();
        frame_.shrink_to_fit();
      } else {
        frame_.push_back(c);
      }
      return;
    case State::kSawEnd:
      if (c == kMllpEndCr) {
        ready_.push_back(std::move(frame_));
        frame_.clear();
        state_ = State::kBetweenFrames;
      } else {
        // 0x1C inside the message: data, as some senders write it.
        frame_.push_back(kMllpEnd);
        state_ = State::kInFrame;
        Step(c);
      }
      return;
    case State::kSkippingOversized:
      if (c == kMllpEnd) {
        ready_.push_back(absl::InvalidArgumentError(
            absl::StrCat("MLLP: a message over the limit of ",
                         max_message_bytes_, " bytes was skipped")));
        state_ = State::kBetweenFrames;
      }
      return;
  }
}

absl::StatusOr<std::string> MllpDeframer::Next() {
  if (ready_.empty()) return absl::NotFoundError("no whole frame yet");
  absl::StatusOr<std::string> next = std::move(ready_.front());
  ready_.pop_front();
  return next;
}

}  // namespace kip::hl7
