/* The KIP C ABI, for apps in Swift, Kotlin/JNI or C: opaque handles with
 * create/destroy pairs, requests and responses as serialized protobuf bytes
 * (the messages of protos/kip/.../v1), results as gRPC-style status codes
 * (0 = OK ... 16 = UNAUTHENTICATED) with a message, asynchronous results via a
 * callback and user data, and one function, kip_free(), for every buffer or
 * string the library hands out. Pure C99. Thread-safe: a handle may be used
 * from several threads; callbacks run on a library thread.
 */
#ifndef KIP_SDK_C_KIP_H_
#define KIP_SDK_C_KIP_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kip_client kip_client; /* one service endpoint */
typedef struct kip_logger kip_logger; /* the offline-first session logger */

/* Status codes, as gRPC's. */
enum {
  KIP_OK = 0,
  KIP_CANCELLED = 1,
  KIP_UNKNOWN = 2,
  KIP_INVALID_ARGUMENT = 3,
  KIP_DEADLINE_EXCEEDED = 4,
  KIP_NOT_FOUND = 5,
  KIP_ALREADY_EXISTS = 6,
  KIP_PERMISSION_DENIED = 7,
  KIP_RESOURCE_EXHAUSTED = 8,
  KIP_FAILED_PRECONDITION = 9,
  KIP_ABORTED = 10,
  KIP_OUT_OF_RANGE = 11,
  KIP_UNIMPLEMENTED = 12,
  KIP_INTERNAL = 13,
  KIP_UNAVAILABLE = 14,
  KIP_DATA_LOSS = 15,
  KIP_UNAUTHENTICATED = 16
};

/* Frees any buffer or string returned by this library (NULL is fine). */
void kip_free(void* pointer);

/* A client of one KIP service. `target` e.g. "127.0.0.1:50051" or
 * "dns:///dosing.kip.svc:50051"; `root_certs_pem` NULL for plaintext.
 * Returns NULL and sets *error_message (free with kip_free) on failure. */
kip_client* kip_client_create(const char* target, const char* bearer_token,
                              const char* root_certs_pem, int deadline_ms,
                              char** error_message);
/* Waits for the client's calls in flight to finish (their callbacks have
 * returned), then releases it. Never call it from inside a callback.
 * Create a client once and keep it for the life of the app: destroying the
 * last client while another KIP object starts calling has crashed inside
 * gRPC 1.51's completion queues (about 1 run in 10 under ThreadSanitizer). */
void kip_client_destroy(kip_client* client);

/* A unary call, made by the C++ SDK's typed client of that service (its
 * retry policy, deadline and token). `method` is the full name, e.g.
 * "/kip.dosing.v1.DosingService/PlanCourse"; a name that is not a unary KIP
 * RPC is KIP_UNIMPLEMENTED. On KIP_OK *response holds the serialized
 * response; otherwise *error_message says why. */
int kip_call(kip_client* client, const char* method, const uint8_t* request,
             size_t request_size, uint8_t** response, size_t* response_size,
             char** error_message);

/* The same, asynchronously: `callback` runs once, on a library thread; its
 * buffers are valid only during the call. */
typedef void (*kip_callback)(void* user_data, int code,
                             const char* error_message, const uint8_t* response,
                             size_t response_size);
int kip_call_async(kip_client* client, const char* method,
                   const uint8_t* request, size_t request_size,
                   kip_callback callback, void* user_data);

/* The offline-first session logger (see sdk/cpp/session_logger.h): records
 * are durable in `outbox_path` when these return KIP_OK. A device gives
 * `outbox_key`, 32 random bytes it keeps in its keystore: the outbox is then
 * encrypted at rest (SQLCipher, AES-256). A key that does not open an
 * existing outbox is KIP_PERMISSION_DENIED with a message saying so; nothing
 * is read or replaced. On KIP_OK *logger is the new logger.
 * kip_logger_create() is the same without a key (a plain SQLite outbox, for
 * development), returning NULL on failure. */
int kip_logger_create_with_key(const char* outbox_path,
                               const uint8_t* outbox_key,
                               size_t outbox_key_size, const char* target,
                               const char* bearer_token, kip_logger** logger,
                               char** error_message);
kip_logger* kip_logger_create(const char* outbox_path, const char* target,
                              const char* bearer_token, char** error_message);
void kip_logger_destroy(kip_logger* logger);
/* A serialized kip.sessions.v1.InfusionSession / Event; the id is returned
 * in *id (free with kip_free). */
int kip_logger_start_session(kip_logger* logger, const uint8_t* session,
                             size_t size, char** id, char** error_message);
int kip_logger_log_event(kip_logger* logger, const uint8_t* event, size_t size,
                         char** id, char** error_message);
/* Waits up to `timeout_ms` until every record is delivered. */
int kip_logger_flush(kip_logger* logger, int timeout_ms, char** error_message);
int64_t kip_logger_pending(kip_logger* logger);

#ifdef __cplusplus
}
#endif

#endif /* KIP_SDK_C_KIP_H_ */
