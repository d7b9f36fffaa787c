// The shipped library, loaded the way the server loads it, for the tests.
#ifndef KIP_SERVICES_DOSING_CORE_TEST_LIBRARY_H_
#define KIP_SERVICES_DOSING_CORE_TEST_LIBRARY_H_

#include "gtest/gtest.h"
#include "services/dosing/core/protocol_library.h"

namespace kip::dosing::testing {

inline const ProtocolLibrary& ShippedLibrary() {
  static const ProtocolLibrary* const library = [] {
    auto loaded = ProtocolLibrary::LoadFromDirectory("services/dosing/library");
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return new ProtocolLibrary(*std::move(loaded));
  }();
  return *library;
}

inline v1::PatientDosingInput Patient(double weight_kg) {
  v1::PatientDosingInput patient;
  patient.set_patient_id("P1");
  patient.set_weight_kg(weight_kg);
  return patient;
}

}  // namespace kip::dosing::testing

#endif  // KIP_SERVICES_DOSING_CORE_TEST_LIBRARY_H_
