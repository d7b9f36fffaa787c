// The demo's trial itself (pump_sim): each simulated patient enrolled (KIP
// randomises; the pharmacy sees the arm the simulated body responds to), the
// course planned by dosing, every programmed rate checked, and each session's
// events (rates, vitals, side effects and titration, pain scores, a one-month
// follow-up) logged through the pump's offline-first SessionLogger - the
// first third with the network down. Synthetic data from a seed.
#ifndef KIP_SDK_EXAMPLES_PUMP_SIM_TRIAL_RUN_H_
#define KIP_SDK_EXAMPLES_PUMP_SIM_TRIAL_RUN_H_

#include <random>
#include <string>

#include "sdk/cpp/clients.h"

namespace kip::demo {

struct Simulator {
  std::mt19937 rng;
  double Uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  }
  bool Chance(double p) { return Uniform(0, 1) < p; }
};

struct TrialRunOptions {
  std::string study_id;
  std::string out_dir;           // the pump's outbox goes here
  std::string sessions_address;  // where the pump reconnects
  std::string device_token;
  std::string site;
  int patients = 24;
  // The site's ondansetron dose for nausea; 0 logs no adjunct (the protocol
  // names the drug, not the dose).
  double ondansetron_dose_mg = 0;
};

// Runs every patient's course and waits until the outbox has delivered it
// all. Exits the process with a message when a call fails.
void LogTrial(const TrialRunOptions& options, Simulator& sim,
              DosingClient& dosing, SessionLogClient& clinician,
              SessionLogClient& pharmacy);

}  // namespace kip::demo

#endif  // KIP_SDK_EXAMPLES_PUMP_SIM_TRIAL_RUN_H_
