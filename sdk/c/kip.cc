// The C ABI over the C++ SDK: unary calls on serialized protobuf, each
// dispatched by method name to the SDK's typed connection (sdk/c/typed_calls),
// and the SessionLogger. No C++ exception or type crosses the boundary.
#include "sdk/c/kip.h"

#include <grpc/grpc.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "sdk/c/typed_calls.h"
#include "sdk/cpp/connection_options.h"
#include "sdk/cpp/session_logger.h"

namespace {

// Calls whose callback has not returned yet; shared with the calls' threads,
// so it outlives the client while the last one unlocks it.
struct InFlight {
  absl::Mutex mu;
  int calls ABSL_GUARDED_BY(mu) = 0;
};

}  // namespace

struct kip_client {
  std::shared_ptr<InFlight> in_flight = std::make_shared<InFlight>();
  // Method name -> the typed SDK call; read-only once created.
  std::shared_ptr<const std::map<std::string, kip::c_abi::TypedCall>> calls;
};

struct kip_logger {
  std::unique_ptr<kip::SessionLogger> logger;
};

namespace {

// gRPC shuts itself down when its last object goes; a C app that destroys
// its only client while gRPC's callback thread is still finishing a call
// would tear gRPC down under that thread (seen as a double free under
// ASan). The C ABI initialises gRPC once and keeps it for the process.
void KeepGrpcInitialized() {
  static const bool initialized = [] {
    grpc_init();
    return true;
  }();
  (void)initialized;
}

char* CopyString(const std::string& text) {
  char* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (out != nullptr) std::memcpy(out, text.c_str(), text.size() + 1);
  return out;
}

void SetError(char** error_message, const std::string& text) {
  if (error_message != nullptr) *error_message = CopyString(text);
}

int Fail(char** error_message, int code, const std::string& text) {
  SetError(error_message, text);
  return code;
}

int FromStatus(const absl::Status& status, char** error_message) {
  if (status.ok()) return KIP_OK;
  SetError(error_message, std::string(status.message()));
  return static_cast<int>(status.code());
}

// The typed call for `method`, or UNIMPLEMENTED naming it.
absl::StatusOr<kip::c_abi::TypedCall> FindCall(const kip_client& client,
                                               const char* method) {
  auto it = client.calls->find(method);
  if (it == client.calls->end()) {
    return absl::UnimplementedError(
        std::string("method: ") + method +
        " is not a unary RPC of a KIP service (e.g. "
        "\"/kip.dosing.v1.DosingService/PlanCourse\"; streams are not in "
        "the C ABI)");
  }
  return it->second;
}

std::string Bytes(const uint8_t* data, size_t size) {
  return data == nullptr
             ? std::string()
             : std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace

extern "C" {

void kip_free(void* pointer) { std::free(pointer); }

kip_client* kip_client_create(const char* target, const char* bearer_token,
                              const char* root_certs_pem, int deadline_ms,
                              char** error_message) {
  if (target == nullptr || *target == '\0') {
    SetError(error_message, "target: is required");
    return nullptr;
  }
  KeepGrpcInitialized();
  kip::ConnectionOptions options;
  options.target = target;
  if (bearer_token != nullptr) options.bearer_token = bearer_token;
  if (root_certs_pem != nullptr) options.root_certs_pem = root_certs_pem;
  if (deadline_ms > 0)
    options.default_deadline = absl::Milliseconds(deadline_ms);
  auto client = std::make_unique<kip_client>();
  client->calls =
      std::make_shared<const std::map<std::string, kip::c_abi::TypedCall>>(
          kip::c_abi::TypedCalls(kip::MakeDosingConnection(options),
                                 kip::MakeSessionLogConnection(options),
                                 kip::MakeAnalyticsConnection(options)));
  return client.release();
}

void kip_client_destroy(kip_client* client) {
  if (client == nullptr) return;
  {
    std::shared_ptr<InFlight> in_flight = client->in_flight;
    absl::MutexLock lock(&in_flight->mu);
    in_flight->mu.Await(absl::Condition(
        +[](InFlight* f)
             ABSL_EXCLUSIVE_LOCKS_REQUIRED(f->mu) { return f->calls == 0; },
        in_flight.get()));
  }
  delete client;
}

int kip_call(kip_client* client, const char* method, const uint8_t* request,
             size_t request_size, uint8_t** response, size_t* response_size,
             char** error_message) {
  if (client == nullptr || method == nullptr || response == nullptr ||
      response_size == nullptr) {
    return Fail(error_message, KIP_INVALID_ARGUMENT,
                "client, method and response are required");
  }
  absl::StatusOr<kip::c_abi::TypedCall> call = FindCall(*client, method);
  if (!call.ok()) return FromStatus(call.status(), error_message);
  absl::StatusOr<std::string> bytes =
      (*call)(Bytes(request, request_size), kip::CallOptions());
  if (!bytes.ok()) return FromStatus(bytes.status(), error_message);
  *response =
      static_cast<uint8_t*>(std::malloc(bytes->empty() ? 1 : bytes->size()));
  if (*response == nullptr)
    return Fail(error_message, KIP_RESOURCE_EXHAUSTED, "out of memory");
  if (!bytes->empty()) std::memcpy(*response, bytes->data(), bytes->size());
  *response_size = bytes->size();
  return KIP_OK;
}

int kip_call_async(kip_client* client, const char* method,
                   const uint8_t* request, size_t request_size,
                   kip_callback callback, void* user_data) {
  if (client == nullptr || method == nullptr || callback == nullptr)
    return KIP_INVALID_ARGUMENT;
  absl::StatusOr<kip::c_abi::TypedCall> call = FindCall(*client, method);
  if (!call.ok()) return static_cast<int>(call.status().code());
  std::shared_ptr<InFlight> in_flight = client->in_flight;
  {
    absl::MutexLock lock(&in_flight->mu);
    ++in_flight->calls;
  }
  // The SDK's calls are blocking: each asynchronous one runs on its own
  // library thread, counted until its callback has returned.
  std::thread([call = *std::move(call), bytes = Bytes(request, request_size),
               callback, user_data, in_flight]() mutable {
    {
      const absl::StatusOr<std::string> response =
          call(bytes, kip::CallOptions());
      const std::string message(response.status().message());
      const std::string empty;
      const std::string& out = response.ok() ? *response : empty;
      callback(user_data, static_cast<int>(response.status().code()),
               response.ok() ? nullptr : message.c_str(),
               reinterpret_cast<const uint8_t*>(out.data()), out.size());
      call = nullptr;  // the connection's last use is before the count drops
    }
    absl::MutexLock lock(&in_flight->mu);
    --in_flight->calls;
  }).detach();
  return KIP_OK;
}

int kip_logger_create_with_key(const char* outbox_path,
                               const uint8_t* outbox_key,
                               size_t outbox_key_size, const char* target,
                               const char* bearer_token, kip_logger** logger,
                               char** error_message) {
  if (outbox_path == nullptr || target == nullptr || logger == nullptr) {
    return Fail(error_message, KIP_INVALID_ARGUMENT,
                "outbox_path, target and logger are required");
  }
  KeepGrpcInitialized();
  kip::ConnectionOptions options;
  options.target = target;
  if (bearer_token != nullptr) options.bearer_token = bearer_token;
  kip::SessionLoggerOptions logger_options;
  logger_options.outbox_path = outbox_path;
  logger_options.outbox_key = Bytes(outbox_key, outbox_key_size);
  auto created = kip::SessionLogger::Create(
      logger_options, kip::MakeSessionLogConnection(options));
  if (!created.ok()) return FromStatus(created.status(), error_message);
  *logger = new kip_logger{std::move(*created)};
  return KIP_OK;
}

kip_logger* kip_logger_create(const char* outbox_path, const char* target,
                              const char* bearer_token, char** error_message) {
  kip_logger* logger = nullptr;
  kip_logger_create_with_key(outbox_path, nullptr, 0, target, bearer_token,
                             &logger, error_message);
  return logger;
}

void kip_logger_destroy(kip_logger* logger) { delete logger; }

int kip_logger_start_session(kip_logger* logger, const uint8_t* session,
                             size_t size, char** id, char** error_message) {
  kip::sessions::v1::InfusionSession parsed;
  if (logger == nullptr ||
      !parsed.ParseFromArray(session, static_cast<int>(size))) {
    return Fail(error_message, KIP_INVALID_ARGUMENT,
                "session: not a serialized InfusionSession");
  }
  absl::StatusOr<std::string> started = logger->logger->Start(parsed);
  if (!started.ok()) return FromStatus(started.status(), error_message);
  if (id != nullptr) *id = CopyString(*started);
  return KIP_OK;
}

int kip_logger_log_event(kip_logger* logger, const uint8_t* event, size_t size,
                         char** id, char** error_message) {
  kip::sessions::v1::Event parsed;
  if (logger == nullptr ||
      !parsed.ParseFromArray(event, static_cast<int>(size))) {
    return Fail(error_message, KIP_INVALID_ARGUMENT,
                "event: not a serialized Event");
  }
  absl::StatusOr<std::string> logged = logger->logger->Log(parsed);
  if (!logged.ok()) return FromStatus(logged.status(), error_message);
  if (id != nullptr) *id = CopyString(*logged);
  return KIP_OK;
}

int kip_logger_flush(kip_logger* logger, int timeout_ms, char** error_message) {
  if (logger == nullptr)
    return Fail(error_message, KIP_INVALID_ARGUMENT, "logger: is required");
  return FromStatus(
      logger->logger->Flush(absl::Now() + absl::Milliseconds(timeout_ms)),
      error_message);
}

int64_t kip_logger_pending(kip_logger* logger) {
  return logger == nullptr ? -1 : logger->logger->PendingCount();
}

}  // extern "C"
