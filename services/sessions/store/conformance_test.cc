// One conformance suite, run against both real backends (SQLite file,
// throwaway PostgreSQL): append/read back, batch atomicity, idempotent and
// conflicting replay, ordering under concurrency, paging, cumulative dose,
// exports, checkpoints and proofs.
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "services/sessions/log/checkpoint_signer.h"
#include "services/sessions/log/merkle.h"
#include "services/sessions/log/study_export.h"
#include "services/sessions/store/row_codec.h"
#include "services/sessions/store/store_test_fixture.h"

namespace kip::sessions::testing {
namespace {

using ::testing::HasSubstr;

class ConformanceTest : public StoreTest {};

TEST_P(ConformanceTest, AppendedEventsReadBackInOrderWithTheirChain) {
  const std::string session_id = SeedOneSession();
  std::vector<v1::Event> batch;
  for (double nrs : {7.0, 5.5, 3.0})
    batch.push_back(PainEvent(session_id, nrs));
  auto acks = log_->Append(batch, "nurse-1");
  ASSERT_TRUE(acks.ok()) << acks.status();
  ASSERT_EQ(acks->size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ((*acks)[i].event_id(), batch[i].event_id());
    EXPECT_EQ((*acks)[i].session_sequence(), i + 1);
    EXPECT_EQ((*acks)[i].global_index(), i);
    EXPECT_EQ((*acks)[i].hash_hex().size(), 64u);
    EXPECT_FALSE((*acks)[i].replayed());
  }
  auto session = log_->GetSession(session_id);
  ASSERT_TRUE(session.ok()) << session.status();
  ASSERT_EQ(session->events_size(), 3);
  EXPECT_EQ(session->session().event_count(), 3);
  EXPECT_EQ(session->session().head_hash_hex(), (*acks)[2].hash_hex());
  EXPECT_DOUBLE_EQ(session->events(1).pain_score().nrs(), 5.5);
  EXPECT_EQ(session->events(1).recorded_by(), "nurse-1");
  EXPECT_EQ(session->events(2).prev_hash_hex(), (*acks)[1].hash_hex());
  auto verified = log_->VerifySession(session_id);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok()) << verified->problem();
  EXPECT_EQ(verified->events_checked(), 3);
}

TEST_P(ConformanceTest, ABatchWhoseCallerGaveUpIsNotWritten) {
  const std::string session_id = SeedOneSession();
  const std::vector<v1::Event> batch = {PainEvent(session_id, 4)};
  auto late = log_->Append(batch, "nurse-1", absl::Now() - absl::Seconds(1));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(std::string(late.status().message()),
              HasSubstr("nothing of it was written"));
  EXPECT_EQ(log_->TreeSize(), 0);
  // The retry the client makes is a first write, not a replay.
  auto retried = log_->Append(batch, "nurse-1", absl::Now() + absl::Hours(1));
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_FALSE((*retried)[0].replayed());
  EXPECT_EQ(log_->TreeSize(), 1);
}

TEST_P(ConformanceTest, ABatchWithOneBadEventWritesNothing) {
  const std::string session_id = SeedOneSession();
  std::vector<v1::Event> batch = {PainEvent(session_id, 4),
                                  PainEvent(session_id, 4)};
  batch.push_back(PainEvent(NewUuid(), 4));  // unknown session
  auto refused = log_->Append(batch, "nurse-1");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("events[2].session_id"));
  batch.back() = PainEvent(session_id, 10.5);  // out of range
  refused = log_->Append(batch, "nurse-1");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("events[2].pain_score.nrs: 10.5 is outside 0..10"));
  EXPECT_EQ(log_->GetSession(session_id)->events_size(), 0);
  EXPECT_EQ(log_->TreeSize(), 0);
}

TEST_P(ConformanceTest, ReplayReturnsTheOriginalAcknowledgement) {
  const std::string session_id = SeedOneSession();
  std::vector<v1::Event> batch = {PainEvent(session_id, 6),
                                  PainEvent(session_id, 5)};
  auto first = log_->Append(batch, "pump-7");
  ASSERT_TRUE(first.ok());
  auto again = log_->Append(batch, "pump-7");
  ASSERT_TRUE(again.ok()) << again.status();
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE((*again)[i].replayed());
    EXPECT_EQ((*again)[i].hash_hex(), (*first)[i].hash_hex());
    EXPECT_EQ((*again)[i].session_sequence(), (*first)[i].session_sequence());
    EXPECT_EQ(ToAbslTime((*again)[i].server_time()),
              ToAbslTime((*first)[i].server_time()));
  }
  EXPECT_EQ(log_->TreeSize(), 2);
  // A partial replay plus a new event: the old one replays, the new one lands.
  std::vector<v1::Event> mixed = {batch[1], PainEvent(session_id, 2)};
  auto mixed_acks = log_->Append(mixed, "pump-7");
  ASSERT_TRUE(mixed_acks.ok());
  EXPECT_TRUE((*mixed_acks)[0].replayed());
  EXPECT_EQ((*mixed_acks)[1].session_sequence(), 3);
}

TEST_P(ConformanceTest, ConflictingReplayIsRefusedAndNamesTheId) {
  const std::string session_id = SeedOneSession();
  v1::Event event = PainEvent(session_id, 6);
  ASSERT_TRUE(log_->Append({event}, "pump-7").ok());
  v1::Event changed = event;
  changed.mutable_pain_score()->set_nrs(2);
  auto refused = log_->Append({PainEvent(session_id, 1), changed}, "pump-7");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr(event.event_id()));
  EXPECT_EQ(log_->TreeSize(), 1);
  EXPECT_DOUBLE_EQ(log_->GetSession(session_id)->events(0).pain_score().nrs(),
                   6);
}

TEST_P(ConformanceTest, ConcurrentBatchesKeepDenseOrderedChains) {
  ASSERT_TRUE(log_->CreateStudy(MakeStudy("S1")).ok());
  ASSERT_TRUE(log_->EnrollPatient(MakePatient("S1", "P1")).ok());
  std::vector<std::string> sessions;
  for (int i = 0; i < 4; ++i)
    sessions.push_back(
        log_->StartSession(MakeSession("S1", "P1"))->session_id());
  constexpr int kThreads = 8, kBatches = 10, kPerBatch = 5;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        std::vector<v1::Event> batch;
        for (int e = 0; e < kPerBatch; ++e) {
          v1::Event event = PainEvent(sessions[t % 4], 1);
          event.mutable_pain_score()->clear_nrs();
          event.clear_pain_score();
          event.mutable_note()->set_text(
              absl::StrCat(t, "/", b * kPerBatch + e));
          batch.push_back(event);
        }
        ASSERT_TRUE(log_->Append(batch, "pump").ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(log_->TreeSize(), kThreads * kBatches * kPerBatch);
  for (const std::string& id : sessions) {
    auto session = log_->GetSession(id);
    ASSERT_TRUE(session.ok());
    EXPECT_EQ(session->events_size(), 2 * kBatches * kPerBatch);
    std::map<std::string, int> last_per_writer;
    for (int i = 0; i < session->events_size(); ++i) {
      EXPECT_EQ(session->events(i).session_sequence(), i + 1);
      // Each writer's own events stay in the order it sent them.
      std::pair<std::string, std::string> parts =
          absl::StrSplit(session->events(i).note().text(), '/');
      const int n = std::stoi(parts.second);
      auto it = last_per_writer.find(parts.first);
      if (it != last_per_writer.end()) {
        EXPECT_EQ(n, it->second + 1);
      }
      last_per_writer[parts.first] = n;
    }
    EXPECT_TRUE(log_->VerifySession(id)->ok());
  }
}

TEST_P(ConformanceTest, SessionsPageWithoutGapsOrRepeats) {
  ASSERT_TRUE(log_->CreateStudy(MakeStudy("S1")).ok());
  ASSERT_TRUE(log_->EnrollPatient(MakePatient("S1", "P1")).ok());
  const absl::Time base = absl::Now() - absl::Hours(100);
  for (int i = 0; i < 25; ++i) {
    v1::InfusionSession session = MakeSession("S1", "P1");
    // Pairs share a start time, so the keyset's tie-break is exercised.
    *session.mutable_start_time() = ToTimestamp(base + absl::Hours(i / 2));
    ASSERT_TRUE(log_->StartSession(session).ok());
  }
  v1::ListSessionsRequest request;
  request.set_study_id("S1");
  request.set_page_size(10);
  std::set<std::string> seen;
  int pages = 0;
  absl::Time last = absl::InfinitePast();
  while (true) {
    auto page = log_->ListSessions(request);
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    for (const auto& s : page->sessions()) {
      EXPECT_TRUE(seen.insert(s.session_id()).second);
      EXPECT_GE(ToAbslTime(s.start_time()), last);
      last = ToAbslTime(s.start_time());
    }
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  EXPECT_EQ(seen.size(), 25u);
  EXPECT_EQ(pages, 3);
  request.set_page_token("%%%");
  EXPECT_EQ(log_->ListSessions(request).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(ConformanceTest, CumulativeDoseMatchesTheHandComputation) {
  const std::string session_id = SeedOneSession();  // 70 kg patient
  // 3 h ago: start at 0.35 mg/kg/h (24.5 mg/h); 1 h ago: rate 14 mg/h.
  const absl::Time as_of = absl::Now();
  v1::Event start = PainEvent(session_id, 0, as_of - absl::Hours(3));
  start.clear_pain_score();
  start.mutable_infusion_started()->set_rate_mg_per_kg_per_h(0.35);
  start.mutable_infusion_started()->set_concentration_mg_per_ml(1);
  v1::Event change = PainEvent(session_id, 0, as_of - absl::Hours(1));
  change.clear_pain_score();
  change.mutable_rate_changed()->set_rate_mg_per_h(14);
  change.mutable_rate_changed()->set_reason("nausea");
  ASSERT_TRUE(log_->Append({start, change}, "pump-7").ok());
  v1::GetCumulativeDoseRequest request;
  request.set_session_id(session_id);
  *request.mutable_as_of() = ToTimestamp(as_of);
  auto dose = log_->CumulativeDose(request);
  ASSERT_TRUE(dose.ok()) << dose.status();
  // 2 h x 24.5 + 1 h x 14 = 63 mg.
  EXPECT_NEAR(dose->session_mg(), 63, 1e-6);
  EXPECT_NEAR(dose->last_24h_mg(), 63, 1e-6);
  EXPECT_NEAR(dose->course_mg(), 63, 1e-6);
}

TEST_P(ConformanceTest, ExportsCarryEveryEventTypeAndSdtmDomains) {
  const std::string session_id = SeedOneSession();
  const absl::Time t0 = absl::Now() - absl::Hours(2);
  v1::Event start = PainEvent(session_id, 0, t0);
  start.clear_pain_score();
  start.mutable_infusion_started()->set_rate_mg_per_h(24.5);
  start.mutable_infusion_started()->set_concentration_mg_per_ml(1);
  v1::Event nausea = PainEvent(session_id, 0, t0 + absl::Minutes(30));
  nausea.clear_pain_score();
  nausea.mutable_side_effect()->set_type(v1::NAUSEA);
  nausea.mutable_side_effect()->set_severity(v1::MILD);
  v1::Event ondansetron = PainEvent(session_id, 0, t0 + absl::Minutes(31));
  ondansetron.clear_pain_score();
  ondansetron.mutable_adjunct_medication()->set_drug("ondansetron");
  ondansetron.mutable_adjunct_medication()->set_dose_mg(4);
  ondansetron.mutable_adjunct_medication()->set_route("IV");
  v1::Event stop = PainEvent(session_id, 0, t0 + absl::Hours(1));
  stop.clear_pain_score();
  stop.mutable_infusion_stopped()->set_reason("end of session");
  v1::Event pain = PainEvent(session_id, 3, t0 + absl::Hours(1));
  ASSERT_TRUE(
      log_->Append({start, nausea, ondansetron, stop, pain}, "pump").ok());

  auto csv =
      ExportStudyTables(*log_, *log_->GetStudy("S1"), v1::CSV_PER_EVENT_TYPE);
  ASSERT_TRUE(csv.ok()) << csv.status();
  std::map<std::string, std::string> by_name;
  for (const auto& t : *csv) by_name[t.name] = t.csv;
  EXPECT_THAT(by_name["pain_scores"], HasSubstr(",3,72514-3,DURING,0"));
  EXPECT_THAT(by_name["adjunct_medications"], HasSubstr("ondansetron,4,IV"));
  EXPECT_THAT(by_name["infusion_events"], HasSubstr("stopped"));

  auto sdtm = ExportStudyTables(*log_, *log_->GetStudy("S1"), v1::SDTM);
  ASSERT_TRUE(sdtm.ok());
  by_name.clear();
  for (const auto& t : *sdtm) by_name[t.name] = t.csv;
  // One constant-rate interval of 24.5 mg/h over one hour.
  EXPECT_THAT(by_name["EX"],
              HasSubstr("S1,EX,S1-P1,1,KETAMINE,24.5,mg/h,CONTINUOUS"));
  EXPECT_THAT(by_name["AE"], HasSubstr("NAUSEA,NAUSEA,MILD"));
  EXPECT_THAT(by_name["EC"], HasSubstr("KETAMINE,0,mL/h,CONTINUOUS"));
  EXPECT_THAT(by_name["CM"], HasSubstr("ondansetron,4,mg,IV"));
  EXPECT_THAT(by_name["QS"], HasSubstr("NRS,PAINNRS,3,3,DURING"));
  EXPECT_THAT(by_name["DM"],
              HasSubstr("S1,DM,S1-P1,P1,site-a,F,40-49,ketamine"));
}

TEST_P(ConformanceTest, GetSessionAfterASequenceReadsOnlyTheNewEvents) {
  const std::string session_id = SeedOneSession();
  auto before = log_->GetSession(session_id);
  ASSERT_TRUE(before.ok()) << before.status();
  const int64_t seen = before->events_size();
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(log_->Append({PainEvent(session_id, i)}, "p").ok());
  auto after = log_->GetSession(session_id, seen);
  ASSERT_TRUE(after.ok()) << after.status();
  ASSERT_EQ(after->events_size(), 3);
  EXPECT_EQ(after->events(0).session_sequence(), seen + 1);
  EXPECT_EQ(after->events(2).session_sequence(), seen + 3);
  EXPECT_EQ(after->session().event_count(), seen + 3);  // the header is whole
  EXPECT_EQ(log_->GetSession(session_id, seen + 3)->events_size(), 0);
  EXPECT_EQ(log_->GetSession(session_id, -1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(ConformanceTest, CheckpointsAreSignedAndProofsVerify) {
  const std::string session_id = SeedOneSession();
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(log_->Append({PainEvent(session_id, i)}, "p").ok());
  auto first = log_->Checkpoint();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->tree_size(), 5);
  EXPECT_TRUE(VerifyCheckpointSignature(
      first->public_key_pem(),
      CheckpointMessage(first->tree_size(), first->root_hash_hex(),
                        ToAbslTime(first->time())),
      first->signature()));
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(log_->Append({PainEvent(session_id, i)}, "p").ok());
  auto second = log_->Checkpoint();
  ASSERT_TRUE(second.ok());
  auto consistency = log_->ConsistencyProof(5, 11);
  ASSERT_TRUE(consistency.ok());
  std::vector<std::string> proof;
  for (const auto& h : consistency->proof_hex()) proof.push_back(*HexDecode(h));
  EXPECT_TRUE(VerifyMerkleConsistency(5, 11, *HexDecode(first->root_hash_hex()),
                                      *HexDecode(second->root_hash_hex()),
                                      proof));
  auto events = log_->GetSession(session_id);
  for (const v1::Event& event : events->events()) {
    auto inclusion = log_->InclusionProof(event.global_index(), 11);
    ASSERT_TRUE(inclusion.ok());
    std::vector<std::string> path;
    for (const auto& h : inclusion->audit_path_hex())
      path.push_back(*HexDecode(h));
    EXPECT_EQ(inclusion->leaf_hash_hex(),
              HexEncode(MerkleLeafHash(*HexDecode(event.hash_hex()))));
    EXPECT_TRUE(VerifyMerkleInclusion(*HexDecode(inclusion->leaf_hash_hex()),
                                      event.global_index(), 11, path,
                                      *HexDecode(second->root_hash_hex())));
  }
  EXPECT_EQ(log_->InclusionProof(11, 11).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(ConformanceTest, CatalogCreatesAreIdempotentAndConflictsNamed) {
  ASSERT_TRUE(log_->CreateStudy(MakeStudy("S1")).ok());
  EXPECT_TRUE(log_->CreateStudy(MakeStudy("S1")).ok());
  v1::Study other = MakeStudy("S1");
  other.set_title("something else");
  EXPECT_EQ(log_->CreateStudy(other).status().code(),
            absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(log_->EnrollPatient(MakePatient("S1", "P1")).ok());
  EXPECT_TRUE(log_->EnrollPatient(MakePatient("S1", "P1")).ok());
  v1::Patient wrong_arm = MakePatient("S1", "P2");
  wrong_arm.set_arm_id("midazolam");
  EXPECT_THAT(std::string(log_->EnrollPatient(wrong_arm).status().message()),
              HasSubstr("patient.arm_id"));
  v1::InfusionSession session = MakeSession("S1", "P1");
  ASSERT_TRUE(log_->StartSession(session).ok());
  EXPECT_TRUE(log_->StartSession(session).ok());
  session.set_device_id("pump-9");
  EXPECT_EQ(log_->StartSession(session).status().code(),
            absl::StatusCode::kAlreadyExists);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConformanceTest,
                         ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kip::sessions::testing
