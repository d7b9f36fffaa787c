// Fuzz target: the study CSV that `kipctl analytics meta --data` imports.
#include <cstdint>
#include <string>

#include "sdk/kipctl/study_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)kip::kipctl::ParseStudyCsv(
      std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
