// Makes Debian's (uninstrumented) absl::Mutex, CondVar, Notification and
// BlockingCounter visible to ThreadSanitizer, linked into every binary built
// with --config=tsan only.
//
// Why: TSan learns "happens before" from the synchronisation it sees. Debian
// builds Abseil without TSan, so absl::Mutex's lock word and futex waits are
// invisible and every access it guards would be reported as a race. Each
// function below interposes the shared library's symbol of the same name (the
// executable's definition wins in the dynamic linker's lookup, for our code
// and for gRPC's, which locks through absl too), calls the real one found
// with dlsym(RTLD_NEXT) and tells TSan what it did: __tsan_acquire after a
// lock is taken or a wait returns, __tsan_release before a lock is given up,
// a waiter blocks or a notification is sent.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"

extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
extern "C" void __tsan_ignore_thread_begin();
extern "C" void __tsan_ignore_thread_end();

#define KIP_STR2(x) #x
#define KIP_STR(x) KIP_STR2(x)

namespace {

// "_ZN4absl" + <len><inline namespace> + rest: the mangled name of an absl
// symbol in this build's inline namespace.
template <typename Fn>
Fn Real(const char* rest) {
  const char* ns = KIP_STR(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  const std::string prefix = rest[0] == 'K' ? "_ZNK4absl" : "_ZN4absl";
  const std::string name = prefix + std::to_string(std::strlen(ns)) + ns +
                           (rest[0] == 'K' ? rest + 1 : rest);
  void* symbol = dlsym(RTLD_NEXT, name.c_str());
  if (symbol == nullptr) {
    std::fprintf(stderr, "absl_sync_tsan: %s not found: %s\n", name.c_str(),
                 dlerror());
    std::abort();
  }
  return reinterpret_cast<Fn>(symbol);
}

// Notification::HasBeenNotified() is inline (instrumented in our code): it
// loads this flag with acquire, so Notify() must release the same address.
void* NotifiedFlag(const absl::Notification* n) {
  static_assert(sizeof(absl::Notification) == 2 * sizeof(absl::Mutex),
                "absl::Notification is {Mutex mutex_; atomic<bool> flag}");
  return reinterpret_cast<char*>(const_cast<absl::Notification*>(n)) +
         sizeof(absl::Mutex);
}

// absl's own deadlock detector keeps a graph under an (uninstrumented)
// spinlock and copies it with memmove, which TSan intercepts and reports as
// racing; TSan detects lock-order inversions itself.
const bool kDeadlockGraphOff = [] {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return true;
}();

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

using Cond = const Condition&;

// absl evaluates a waiter's condition in whichever thread holds the lock at
// the time - often the unlocking one, after its release was published - so
// its reads of the waiter's state would look unordered. The lock is held
// throughout; Abseil's own TSan build ignores these reads the same way.
bool Condition::Eval() const {
  static auto real = Real<bool (*)(const Condition*)>("K9Condition4EvalEv");
  __tsan_ignore_thread_begin();
  const bool met = real(this);
  __tsan_ignore_thread_end();
  return met;
}

void Mutex::Lock() {
  static auto real = Real<void (*)(Mutex*)>("5Mutex4LockEv");
  real(this);
  __tsan_acquire(this);
}
void Mutex::ReaderLock() {
  static auto real = Real<void (*)(Mutex*)>("5Mutex10ReaderLockEv");
  real(this);
  __tsan_acquire(this);
}
bool Mutex::TryLock() {
  static auto real = Real<bool (*)(Mutex*)>("5Mutex7TryLockEv");
  const bool locked = real(this);
  if (locked) __tsan_acquire(this);
  return locked;
}
bool Mutex::ReaderTryLock() {
  static auto real = Real<bool (*)(Mutex*)>("5Mutex13ReaderTryLockEv");
  const bool locked = real(this);
  if (locked) __tsan_acquire(this);
  return locked;
}
void Mutex::Unlock() {
  static auto real = Real<void (*)(Mutex*)>("5Mutex6UnlockEv");
  __tsan_release(this);
  real(this);
}
void Mutex::ReaderUnlock() {
  static auto real = Real<void (*)(Mutex*)>("5Mutex12ReaderUnlockEv");
  __tsan_release(this);
  real(this);
}
void Mutex::LockWhen(Cond cond) {
  static auto real =
      Real<void (*)(Mutex*, Cond)>("5Mutex8LockWhenERKNS0_9ConditionE");
  real(this, cond);
  __tsan_acquire(this);
}
void Mutex::ReaderLockWhen(Cond cond) {
  static auto real =
      Real<void (*)(Mutex*, Cond)>("5Mutex14ReaderLockWhenERKNS0_9ConditionE");
  real(this, cond);
  __tsan_acquire(this);
}
bool Mutex::LockWhenWithTimeout(Cond cond, Duration timeout) {
  static auto real = Real<bool (*)(Mutex*, Cond, Duration)>(
      "5Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  const bool met = real(this, cond, timeout);
  __tsan_acquire(this);  // held either way
  return met;
}
bool Mutex::LockWhenWithDeadline(Cond cond, Time deadline) {
  static auto real = Real<bool (*)(Mutex*, Cond, Time)>(
      "5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  const bool met = real(this, cond, deadline);
  __tsan_acquire(this);
  return met;
}
bool Mutex::ReaderLockWhenWithTimeout(Cond cond, Duration timeout) {
  static auto real = Real<bool (*)(Mutex*, Cond, Duration)>(
      "5Mutex25ReaderLockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  const bool met = real(this, cond, timeout);
  __tsan_acquire(this);
  return met;
}
bool Mutex::ReaderLockWhenWithDeadline(Cond cond, Time deadline) {
  static auto real = Real<bool (*)(Mutex*, Cond, Time)>(
      "5Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  const bool met = real(this, cond, deadline);
  __tsan_acquire(this);
  return met;
}
// Await gives the lock up while it waits: publish before, learn after.
void Mutex::Await(Cond cond) {
  static auto real =
      Real<void (*)(Mutex*, Cond)>("5Mutex5AwaitERKNS0_9ConditionE");
  __tsan_release(this);
  real(this, cond);
  __tsan_acquire(this);
}
bool Mutex::AwaitWithTimeout(Cond cond, Duration timeout) {
  static auto real = Real<bool (*)(Mutex*, Cond, Duration)>(
      "5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  __tsan_release(this);
  const bool met = real(this, cond, timeout);
  __tsan_acquire(this);
  return met;
}
bool Mutex::AwaitWithDeadline(Cond cond, Time deadline) {
  static auto real = Real<bool (*)(Mutex*, Cond, Time)>(
      "5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  __tsan_release(this);
  const bool met = real(this, cond, deadline);
  __tsan_acquire(this);
  return met;
}

void CondVar::Wait(Mutex* mu) {
  static auto real =
      Real<void (*)(CondVar*, Mutex*)>("7CondVar4WaitEPNS0_5MutexE");
  __tsan_release(mu);
  real(this, mu);
  __tsan_acquire(this);
  __tsan_acquire(mu);
}
bool CondVar::WaitWithTimeout(Mutex* mu, Duration timeout) {
  static auto real = Real<bool (*)(CondVar*, Mutex*, Duration)>(
      "7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  __tsan_release(mu);
  const bool timed_out = real(this, mu, timeout);
  __tsan_acquire(this);
  __tsan_acquire(mu);
  return timed_out;
}
bool CondVar::WaitWithDeadline(Mutex* mu, Time deadline) {
  static auto real = Real<bool (*)(CondVar*, Mutex*, Time)>(
      "7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  __tsan_release(mu);
  const bool timed_out = real(this, mu, deadline);
  __tsan_acquire(this);
  __tsan_acquire(mu);
  return timed_out;
}
void CondVar::Signal() {
  static auto real = Real<void (*)(CondVar*)>("7CondVar6SignalEv");
  __tsan_release(this);
  real(this);
}
void CondVar::SignalAll() {
  static auto real = Real<void (*)(CondVar*)>("7CondVar9SignalAllEv");
  __tsan_release(this);
  real(this);
}

void Notification::Notify() {
  static auto real = Real<void (*)(Notification*)>("12Notification6NotifyEv");
  __tsan_release(this);
  __tsan_release(NotifiedFlag(this));
  real(this);
}
void Notification::WaitForNotification() const {
  static auto real = Real<void (*)(const Notification*)>(
      "K12Notification19WaitForNotificationEv");
  real(this);
  __tsan_acquire(const_cast<Notification*>(this));
}
bool Notification::WaitForNotificationWithTimeout(Duration timeout) const {
  static auto real = Real<bool (*)(const Notification*, Duration)>(
      "K12Notification30WaitForNotificationWithTimeoutENS0_8DurationE");
  const bool notified = real(this, timeout);
  if (notified) __tsan_acquire(const_cast<Notification*>(this));
  return notified;
}
bool Notification::WaitForNotificationWithDeadline(Time deadline) const {
  static auto real = Real<bool (*)(const Notification*, Time)>(
      "K12Notification31WaitForNotificationWithDeadlineENS0_4TimeE");
  const bool notified = real(this, deadline);
  if (notified) __tsan_acquire(const_cast<Notification*>(this));
  return notified;
}

bool BlockingCounter::DecrementCount() {
  static auto real =
      Real<bool (*)(BlockingCounter*)>("15BlockingCounter14DecrementCountEv");
  __tsan_release(this);
  const bool zero = real(this);
  if (zero) __tsan_acquire(this);
  return zero;
}
void BlockingCounter::Wait() {
  static auto real =
      Real<void (*)(BlockingCounter*)>("15BlockingCounter4WaitEv");
  real(this);
  __tsan_acquire(this);
}

ABSL_NAMESPACE_END
}  // namespace absl

// gRPC, protobuf, OpenSSL and Abseil from Debian are not instrumented: their
// own lock-free hand-offs are invisible to TSan, yet the libc calls they make
// (memcpy, recvmsg, ...) are intercepted and would be reported. Only those
// interceptor calls are ignored; every access of KIP's code is checked.
extern "C" const char* __tsan_default_suppressions() {
  return "called_from_lib:libgrpc.so*\n"
         "called_from_lib:libgrpc++.so*\n"
         "called_from_lib:libgpr.so*\n"
         "called_from_lib:libaddress_sorting.so*\n"
         "called_from_lib:libprotobuf.so*\n"
         "called_from_lib:libcrypto.so*\n"
         "called_from_lib:libssl.so*\n"
         "called_from_lib:libabsl_status.so*\n"
         "called_from_lib:libabsl_statusor.so*\n"
         "called_from_lib:libabsl_cord.so*\n"
         "called_from_lib:libabsl_cord_internal.so*\n"
         "called_from_lib:libabsl_strings.so*\n"
         "called_from_lib:libabsl_str_format_internal.so*\n"
         // gRPC's C++ callback machinery (call-op sets, reactors) is header
         // code, so instrumented, started by one thread and finished by
         // another after a hand-off through gRPC core's uninstrumented
         // completion path.
         "race:grpc::internal::\n";
}
