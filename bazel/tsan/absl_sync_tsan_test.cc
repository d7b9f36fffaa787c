// Under --config=tsan: state handed over through absl::Mutex, Await,
// CondVar, Notification and BlockingCounter is not reported (the shim makes
// them visible), while a real race still is (so the shim and its
// suppressions have not blinded TSan). Without TSan the checks still run,
// as plain concurrency tests, and the race probe is skipped.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace {

TEST(AbslSyncTsanTest, MutexGuardedCounter) {
  absl::Mutex mu;
  int counter = 0;  // guarded by mu
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        absl::MutexLock lock(&mu);
        ++counter;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  absl::MutexLock lock(&mu);
  EXPECT_EQ(counter, 4000);
}

TEST(AbslSyncTsanTest, AwaitSeesTheWriterAndTheWriterSeesTheWaiter) {
  absl::Mutex mu;
  int stage = 0;    // guarded by mu
  int payload = 0;  // written before stage moves, read after
  std::thread other([&] {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](int* s) { return *s == 1; }, &stage));
    payload += 10;
    stage = 2;
  });
  {
    absl::MutexLock lock(&mu);
    payload = 1;
    stage = 1;
    mu.Await(absl::Condition(
        +[](int* s) { return *s == 2; }, &stage));
    EXPECT_EQ(payload, 11);
  }
  other.join();
}

TEST(AbslSyncTsanTest, CondVarNotificationAndBlockingCounterOrderHandOffs) {
  absl::Mutex mu;
  absl::CondVar cv;
  bool ready = false;
  int from_cv = 0;
  std::thread signaller([&] {
    from_cv = 42;
    absl::MutexLock lock(&mu);
    ready = true;
    cv.Signal();
  });
  {
    absl::MutexLock lock(&mu);
    while (!ready) cv.Wait(&mu);
  }
  EXPECT_EQ(from_cv, 42);
  signaller.join();

  absl::Notification done;
  int from_notify = 0;
  std::thread notifier([&] {
    from_notify = 7;
    done.Notify();
  });
  done.WaitForNotification();
  EXPECT_EQ(from_notify, 7);
  notifier.join();

  absl::BlockingCounter counter(3);
  std::vector<int> slots(3, 0);
  std::vector<std::thread> workers;
  for (int i = 0; i < 3; ++i) {
    workers.emplace_back([&, i] {
      slots[i] = i + 1;
      counter.DecrementCount();
    });
  }
  counter.Wait();
  EXPECT_EQ(slots[0] + slots[1] + slots[2], 6);
  for (std::thread& t : workers) t.join();
}

#if defined(__SANITIZE_THREAD__)
TEST(AbslSyncTsanTest, ARealRaceIsStillReported) {
  const std::string report =
      std::string(getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp") +
      "/race_report.txt";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::freopen(report.c_str(), "w", stderr);
    int unguarded = 0;
    std::thread a([&] { unguarded = 1; });
    std::thread b([&] { unguarded = 2; });
    a.join();
    b.join();
    std::fflush(stderr);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  std::ifstream in(report);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("ThreadSanitizer: data race"), std::string::npos)
      << text.str();
}
#endif

}  // namespace
