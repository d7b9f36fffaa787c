// The C ABI over the C++ SDK: generic unary calls on raw protobuf bytes, and
// the SessionLogger. No C++ exception or type crosses the boundary.
#include "sdk/c/kip.h"

#include <grpc/grpc.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "sdk/cpp/connection_options.h"
#include "sdk/cpp/retry_policy.h"
#include "sdk/cpp/session_logger.h"

namespace {
struct AsyncCall {
  // The SDK's context: the client's deadline and token, as every SDK call.
  std::unique_ptr<grpc::ClientContext> context;
  grpc::ByteBuffer request, response;
};

// Calls whose callback has not returned yet; shared with the callbacks, so it
// outlives the client while the last one unlocks it.
struct InFlight {
  absl::Mutex mu;
  int calls ABSL_GUARDED_BY(mu) = 0;
};

}  // namespace

struct kip_client {
  std::shared_ptr<InFlight> in_flight = std::make_shared<InFlight>();
  kip::ConnectionOptions options;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::GenericStub> stub;
  // Finished calls, released later on an app thread: gRPC must not see a
  // call's context destroyed from inside that call's own completion.
  absl::Mutex mu;
  std::vector<std::shared_ptr<AsyncCall>> finished ABSL_GUARDED_BY(mu);
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

grpc::ByteBuffer ToBuffer(const uint8_t* data, size_t size) {
  grpc::Slice slice(data, size);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (buffer.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices)
      out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
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
  auto client = std::make_unique<kip_client>();
  client->options.target = target;
  if (bearer_token != nullptr) client->options.bearer_token = bearer_token;
  if (root_certs_pem != nullptr)
    client->options.root_certs_pem = root_certs_pem;
  if (deadline_ms > 0)
    client->options.default_deadline = absl::Milliseconds(deadline_ms);
  // One channel for every service: the SDK's retry policy for all of them.
  client->channel =
      kip::MakeChannel(client->options, kip::RetriedMethodsOfAllServices());
  client->stub = std::make_unique<grpc::GenericStub>(client->channel);
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
  struct Result {
    absl::Notification done;
    int code = KIP_UNKNOWN;
    std::string message, bytes;
  } result;
  const int started = kip_call_async(
      client, method, request, request_size,
      [](void* user_data, int c, const char* m, const uint8_t* r, size_t n) {
        auto* out = static_cast<Result*>(user_data);
        out->code = c;
        if (m != nullptr) out->message = m;
        if (r != nullptr)
          out->bytes.assign(reinterpret_cast<const char*>(r), n);
        out->done.Notify();
      },
      &result);
  if (started != KIP_OK)
    return Fail(error_message, started, "the call could not start");
  result.done.WaitForNotification();
  const std::string& bytes = result.bytes;
  if (result.code != KIP_OK)
    return Fail(error_message, result.code, result.message);
  *response =
      static_cast<uint8_t*>(std::malloc(bytes.empty() ? 1 : bytes.size()));
  if (!bytes.empty()) std::memcpy(*response, bytes.data(), bytes.size());
  *response_size = bytes.size();
  return KIP_OK;
}

int kip_call_async(kip_client* client, const char* method,
                   const uint8_t* request, size_t request_size,
                   kip_callback callback, void* user_data) {
  if (client == nullptr || method == nullptr || callback == nullptr)
    return KIP_INVALID_ARGUMENT;
  {
    absl::MutexLock lock(&client->mu);
    client->finished.clear();
  }
  auto call = std::make_shared<AsyncCall>();
  absl::StatusOr<std::unique_ptr<grpc::ClientContext>> context =
      kip::MakeContext(client->options);
  if (!context.ok()) return static_cast<int>(context.status().code());
  call->context = *std::move(context);
  call->request = ToBuffer(request, request_size);
  std::shared_ptr<InFlight> in_flight = client->in_flight;
  {
    absl::MutexLock lock(&in_flight->mu);
    ++in_flight->calls;
  }
  client->stub->UnaryCall(
      call->context.get(), method, grpc::StubOptions(), &call->request,
      &call->response,
      [client, call, callback, user_data, in_flight](grpc::Status status) {
        const std::string bytes = status.ok() ? FromBuffer(call->response) : "";
        {
          absl::MutexLock lock(&client->mu);
          client->finished.push_back(call);
        }
        callback(user_data, status.error_code(),
                 status.ok() ? nullptr : status.error_message().c_str(),
                 reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
        absl::MutexLock lock(&in_flight->mu);
        --in_flight->calls;
      });
  return KIP_OK;
}

kip_logger* kip_logger_create(const char* outbox_path, const char* target,
                              const char* bearer_token, char** error_message) {
  if (outbox_path == nullptr || target == nullptr) {
    SetError(error_message, "outbox_path and target are required");
    return nullptr;
  }
  KeepGrpcInitialized();
  kip::ConnectionOptions options;
  options.target = target;
  if (bearer_token != nullptr) options.bearer_token = bearer_token;
  kip::SessionLoggerOptions logger_options;
  logger_options.outbox_path = outbox_path;
  auto logger = kip::SessionLogger::Create(
      logger_options, kip::MakeSessionLogConnection(options));
  if (!logger.ok()) {
    SetError(error_message, std::string(logger.status().message()));
    return nullptr;
  }
  return new kip_logger{std::move(*logger)};
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
