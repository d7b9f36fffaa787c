#include "sdk/kipctl/trial_commands.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "sdk/kipctl/args.h"
#include "sdk/kipctl/exit_status.h"
#include "sdk/kipctl/proto_json.h"

namespace kip::kipctl {
namespace {

namespace sv1 = kip::sessions::v1;

std::string Csv(const std::string& cell) {
  if (cell.find_first_of(",\"\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell)
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// "--arms ketamine:Ketamine 0.5 mg/kg/h,placebo:Saline" with optional
// "--ratios 2,1".
absl::Status AddArms(const Args& args, sv1::Study& study) {
  for (absl::string_view spec : absl::StrSplit(args.Get("arms"), ',')) {
    std::pair<std::string, std::string> id_title =
        absl::StrSplit(spec, absl::MaxSplits(':', 1));
    sv1::Arm* arm = study.add_arms();
    arm->set_id(id_title.first);
    arm->set_title(id_title.second.empty() ? id_title.first : id_title.second);
  }
  if (!args.Has("ratios")) return absl::OkStatus();
  std::vector<std::string> ratios = absl::StrSplit(args.Get("ratios"), ',');
  if (static_cast<int>(ratios.size()) != study.arms_size())
    return absl::InvalidArgumentError("--ratios: one ratio per arm");
  for (size_t i = 0; i < ratios.size(); ++i) {
    int ratio = 0;
    if (!absl::SimpleAtoi(ratios[i], &ratio))
      return absl::InvalidArgumentError("--ratios: not a list of integers");
    study.mutable_arms(i)->set_ratio(ratio);
  }
  return absl::OkStatus();
}

int CreateStudy(const Args& args, SessionLogClient& sessions) {
  if (!args.Has("study") || !args.Has("arms"))
    return InvalidInput("--study and --arms are required");
  sv1::CreateStudyRequest request;
  sv1::Study& study = *request.mutable_study();
  study.set_id(args.Get("study"));
  study.set_title(args.Get("title", args.Get("study")));
  if (absl::Status s = AddArms(args, study); !s.ok())
    return InvalidInput(std::string(s.message()));
  for (const std::string& id : args.GetAll("protocol"))
    study.add_protocol_ids(id);
  for (const std::string& id : args.GetAll("site")) study.add_site_ids(id);
  const std::string method =
      absl::AsciiStrToLower(args.Get("randomise", "caller"));
  sv1::Randomisation& r = *study.mutable_randomisation();
  if (method == "blocks") {
    r.set_method(sv1::PERMUTED_BLOCKS);
  } else if (method == "minimisation") {
    r.set_method(sv1::MINIMISATION);
  } else if (method != "caller") {
    return InvalidInput("--randomise: is not caller, blocks or minimisation");
  }
  for (absl::string_view f :
       absl::StrSplit(args.Get("factors"), ',', absl::SkipEmpty()))
    r.add_factors(std::string(f));
  if (args.Has("follow-probability")) {
    auto p = args.Number("follow-probability");
    if (!p.ok()) return InvalidInput(std::string(p.status().message()));
    r.set_follow_probability(*p);
  }
  study.set_blinded(args.Has("blinded"));
  auto created = sessions.CreateStudy(request);
  if (!created.ok()) return CallFailed(created.status());
  if (args.Has("json")) {
    if (int rc = PrintProtoJson(*created)) return rc;
  } else {
    std::printf("%s: %s%s\n", created->study().id().c_str(),
                sv1::AllocationMethod_Name(r.method()).c_str(),
                created->study().blinded() ? ", blinded" : "");
  }
  return 0;
}

absl::Status FillPatient(const Args& args, sv1::Patient& p) {
  p.set_study_id(args.Get("study"));
  p.set_patient_id(args.Get("patient"));
  p.set_site_id(args.Get("site"));
  p.set_arm_id(args.Get("arm"));  // only where the caller chooses
  for (const auto& [name, setter] :
       std::vector<std::pair<const char*, void (sv1::Patient::*)(double)>>{
           {"weight-kg", &sv1::Patient::set_baseline_weight_kg},
           {"height-cm", &sv1::Patient::set_height_cm},
           {"baseline-pain", &sv1::Patient::set_baseline_pain_nrs}}) {
    if (!args.Has(name)) continue;
    auto value = args.Number(name);
    if (!value.ok()) return value.status();
    (p.*setter)(*value);
  }
  const std::string sex = absl::AsciiStrToUpper(args.Get("sex", "U"));
  p.set_sex(sex == "F"   ? kip::common::v1::FEMALE
            : sex == "M" ? kip::common::v1::MALE
                         : kip::common::v1::SEX_UNSPECIFIED);
  p.set_age_band(args.Get("age-band"));
  sv1::Condition condition = sv1::NEUROPATHIC;
  if (args.Has("condition") &&
      !sv1::Condition_Parse(absl::AsciiStrToUpper(args.Get("condition")),
                            &condition)) {
    return absl::InvalidArgumentError("--condition: is not a Condition");
  }
  p.set_condition(condition);
  return absl::OkStatus();
}

int Enroll(const Args& args, SessionLogClient& sessions) {
  for (const char* required : {"study", "patient", "site", "weight-kg"}) {
    if (!args.Has(required))
      return InvalidInput(absl::StrCat("--", required, ": is required"));
  }
  sv1::EnrollPatientRequest request;
  if (absl::Status s = FillPatient(args, *request.mutable_patient()); !s.ok())
    return InvalidInput(std::string(s.message()));
  auto enrolled = sessions.EnrollPatient(request);
  if (!enrolled.ok()) return CallFailed(enrolled.status());
  const sv1::Patient& p = enrolled->patient();
  if (args.Has("json")) {
    if (int rc = PrintProtoJson(p)) return rc;
    return 0;
  }
  std::string allocation =
      p.arm_withheld() ? "arm withheld (blinded)" : "arm " + p.arm_id();
  if (!p.kit_code().empty())
    allocation = "kit " + p.kit_code() + ", " + allocation;
  std::printf("%s enrolled in %s: %s\n", p.patient_id().c_str(),
              p.study_id().c_str(), allocation.c_str());
  return 0;
}

void WriteAllocationCsvs(const sv1::GetAllocationListResponse& list,
                         const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/seed.txt") << list.seed_hex() << "\n";
  std::ofstream entries(dir + "/allocations.csv");
  entries << "sequence,kind,patient_id,stratum,stratum_index,arm_id,kit_code,"
             "followed_minimising_arm,by,time,reason\n";
  for (const sv1::TrialLogEntry& e : list.entries()) {
    entries << absl::StrJoin(
                   std::vector<std::string>{
                       absl::StrCat(e.sequence()),
                       sv1::TrialLogEntry::Kind_Name(e.kind()), e.patient_id(),
                       Csv(e.stratum()), absl::StrCat(e.stratum_index()),
                       e.arm_id(), e.kit_code(),
                       e.followed_minimising_arm() ? "true" : "false",
                       e.by_subject(),
                       google::protobuf::util::TimeUtil::ToString(e.time()),
                       Csv(e.reason())},
                   ",")
            << "\n";
  }
  std::ofstream schedule(dir + "/schedule.csv");
  schedule << "stratum,index,block,arm_id\n";
  for (const sv1::ScheduledAllocation& s : list.schedule()) {
    schedule << Csv(s.stratum()) << "," << s.index() << "," << s.block() << ","
             << s.arm_id() << "\n";
  }
}

int Allocation(const Args& args, SessionLogClient& sessions) {
  if (!args.Has("study")) return InvalidInput("--study: is required");
  sv1::GetAllocationListRequest request;
  request.set_study_id(args.Get("study"));
  auto length = args.NumberOr("schedule", 0);
  if (!length.ok()) return InvalidInput(std::string(length.status().message()));
  request.set_schedule_length(static_cast<int>(*length));
  auto list = sessions.GetAllocationList(request);
  if (!list.ok()) return CallFailed(list.status());
  if (args.Has("out")) {
    WriteAllocationCsvs(*list, args.Get("out"));
    std::printf("%s/{seed.txt,allocations.csv,schedule.csv}\n",
                args.Get("out").c_str());
    return 0;
  }
  if (args.Has("json")) {
    if (int rc = PrintProtoJson(*list)) return rc;
    return 0;
  }
  std::printf("study %s (%s), seed %s\n", list->study().id().c_str(),
              sv1::AllocationMethod_Name(list->study().randomisation().method())
                  .c_str(),
              list->seed_hex().c_str());
  for (const sv1::TrialLogEntry& e : list->entries()) {
    std::printf(
        "%4ld %-20s %-10s %-24s %-10s %s\n", static_cast<long>(e.sequence()),
        sv1::TrialLogEntry::Kind_Name(e.kind()).c_str(), e.patient_id().c_str(),
        e.stratum().c_str(), e.arm_id().c_str(), e.kit_code().c_str());
  }
  return 0;
}

int Unblind(const Args& args, SessionLogClient& sessions) {
  if (!args.Has("patient") || !args.Has("reason"))
    return InvalidInput("--patient and --reason are required");
  sv1::UnblindPatientRequest request;
  request.set_study_id(args.Get("study"));
  request.set_patient_id(args.Get("patient"));
  request.set_reason(args.Get("reason"));
  auto unblinded = sessions.UnblindPatient(request);
  if (!unblinded.ok()) return CallFailed(unblinded.status());
  if (args.Has("json")) {
    if (int rc = PrintProtoJson(*unblinded)) return rc;
    return 0;
  }
  const sv1::Patient& p = unblinded->patient();
  std::printf("%s (kit %s) in %s: arm %s; logged as trial log entry %ld\n",
              p.patient_id().c_str(), p.kit_code().c_str(),
              p.study_id().c_str(), p.arm_id().c_str(),
              static_cast<long>(unblinded->entry().sequence()));
  return 0;
}

int UnblindStudy(const Args& args, SessionLogClient& sessions) {
  if (!args.Has("study") || !args.Has("reason"))
    return InvalidInput("--study and --reason are required");
  sv1::UnblindStudyRequest request;
  request.set_study_id(args.Get("study"));
  request.set_reason(args.Get("reason"));
  auto unblinded = sessions.UnblindStudy(request);
  if (!unblinded.ok()) return CallFailed(unblinded.status());
  if (args.Has("json")) {
    if (int rc = PrintProtoJson(*unblinded)) return rc;
  } else {
    std::printf("%s unblinded at %s\n", unblinded->study().id().c_str(),
                google::protobuf::util::TimeUtil::ToString(
                    unblinded->study().unblinded_time())
                    .c_str());
  }
  return 0;
}

int VerifyAllocations(const Args& args, SessionLogClient& sessions) {
  if (!args.Has("study")) return InvalidInput("--study: is required");
  sv1::VerifyAllocationsRequest request;
  request.set_study_id(args.Get("study"));
  auto verified = sessions.VerifyAllocations(request);
  if (!verified.ok()) return CallFailed(verified.status());
  if (args.Has("json")) {
    if (int rc = PrintProtoJson(*verified)) return rc;
  } else if (verified->ok()) {
    std::printf("ok: %ld trial log entries\n",
                static_cast<long>(verified->entries_checked()));
  } else {
    std::printf("TAMPERED at entry %ld: %s\n",
                static_cast<long>(verified->first_bad_sequence()),
                verified->problem().c_str());
  }
  return verified->ok() ? 0 : 1;
}

}  // namespace

bool IsTrialCommand(const std::string& command) {
  return command == "create-study" || command == "enroll" ||
         command == "allocation" || command == "unblind" ||
         command == "unblind-study" || command == "verify-allocations";
}

int RunTrialCommand(const std::string& command,
                    const std::vector<std::string>& argv,
                    SessionLogClient& sessions) {
  auto args =
      Args::Parse(argv, {"study",     "title",         "arms",
                         "ratios",    "protocol",      "site",
                         "randomise", "factors",       "follow-probability",
                         "patient",   "arm",           "weight-kg",
                         "height-cm", "sex",           "age-band",
                         "condition", "baseline-pain", "schedule",
                         "out",       "reason"},
                  {"json", "blinded"});
  if (!args.ok()) return InvalidInput(std::string(args.status().message()));
  if (command == "create-study") return CreateStudy(*args, sessions);
  if (command == "enroll") return Enroll(*args, sessions);
  if (command == "allocation") return Allocation(*args, sessions);
  if (command == "unblind") return Unblind(*args, sessions);
  if (command == "unblind-study") return UnblindStudy(*args, sessions);
  return VerifyAllocations(*args, sessions);
}

}  // namespace kip::kipctl
