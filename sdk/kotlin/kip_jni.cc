// The JNI shim of the Kotlin SDK (sdk/kotlin/src/kip/sdk/Native.kt) over the
// C ABI (sdk/c/kip.h) and nothing else: ByteArray in and out, a failed call
// thrown as kip.sdk.KipException(code, message), asynchronous results handed
// to a kip.sdk.NativeCallback on the C ABI's thread (attached to the JVM for
// the call; the Kotlin side moves them to the caller's executor).
#include <jni.h>

#include <string>

#include "sdk/c/kip.h"

namespace {

JavaVM* g_vm = nullptr;
jclass g_exception_class = nullptr;    // kip.sdk.KipException
jmethodID g_exception_init = nullptr;  // (int code, String message)
jclass g_callback_class = nullptr;     // kip.sdk.NativeCallback
jmethodID g_on_result = nullptr;       // (int, String?, byte[]?)

void Throw(JNIEnv* env, int code, const char* message) {
  jstring text = env->NewStringUTF(message != nullptr ? message : "");
  jobject error =
      env->NewObject(g_exception_class, g_exception_init, code, text);
  if (error != nullptr) env->Throw(static_cast<jthrowable>(error));
}

// Throws the C ABI's error and frees its message.
void ThrowAndFree(JNIEnv* env, int code, char* message) {
  Throw(env, code, message);
  kip_free(message);
}

// A Java string as UTF-8 (null stays empty with `present` false).
struct Utf8 {
  Utf8(JNIEnv* env, jstring text) : env_(env), text_(text) {
    if (text != nullptr) chars_ = env->GetStringUTFChars(text, nullptr);
  }
  ~Utf8() {
    if (chars_ != nullptr) env_->ReleaseStringUTFChars(text_, chars_);
  }
  const char* get() const { return chars_; }

 private:
  JNIEnv* env_;
  jstring text_;
  const char* chars_ = nullptr;
};

std::string Bytes(JNIEnv* env, jbyteArray array) {
  if (array == nullptr) return std::string();
  std::string out(static_cast<size_t>(env->GetArrayLength(array)), '\0');
  env->GetByteArrayRegion(array, 0, static_cast<jsize>(out.size()),
                          reinterpret_cast<jbyte*>(&out[0]));
  return out;
}

jbyteArray ByteArray(JNIEnv* env, const uint8_t* data, size_t size) {
  jbyteArray array = env->NewByteArray(static_cast<jsize>(size));
  if (array != nullptr && size > 0) {
    env->SetByteArrayRegion(array, 0, static_cast<jsize>(size),
                            reinterpret_cast<const jbyte*>(data));
  }
  return array;
}

const uint8_t* Data(const std::string& bytes) {
  return reinterpret_cast<const uint8_t*>(bytes.data());
}

jclass GlobalClass(JNIEnv* env, const char* name) {
  jclass local = env->FindClass(name);
  if (local == nullptr) return nullptr;
  auto global = static_cast<jclass>(env->NewGlobalRef(local));
  env->DeleteLocalRef(local);
  return global;
}

// The C ABI's asynchronous callback: runs on a library thread.
void OnResult(void* user_data, int code, const char* message,
              const uint8_t* response, size_t response_size) {
  auto callback = static_cast<jobject>(user_data);
  JNIEnv* env = nullptr;
  if (g_vm->AttachCurrentThreadAsDaemon(reinterpret_cast<void**>(&env),
                                        nullptr) != JNI_OK) {
    return;  // no JVM to deliver to: it is shutting down
  }
  jstring text = message != nullptr ? env->NewStringUTF(message) : nullptr;
  jbyteArray bytes =
      code == KIP_OK ? ByteArray(env, response, response_size) : nullptr;
  env->CallVoidMethod(callback, g_on_result, code, text, bytes);
  if (env->ExceptionCheck()) env->ExceptionClear();  // the callback's own
  env->DeleteGlobalRef(callback);
  g_vm->DetachCurrentThread();
}

}  // namespace

extern "C" {

JNIEXPORT jint JNI_OnLoad(JavaVM* vm, void*) {
  JNIEnv* env = nullptr;
  if (vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_1_6) != JNI_OK)
    return JNI_ERR;
  g_vm = vm;
  g_exception_class = GlobalClass(env, "kip/sdk/KipException");
  g_callback_class = GlobalClass(env, "kip/sdk/NativeCallback");
  if (g_exception_class == nullptr || g_callback_class == nullptr)
    return JNI_ERR;
  g_exception_init =
      env->GetMethodID(g_exception_class, "<init>", "(ILjava/lang/String;)V");
  g_on_result = env->GetMethodID(g_callback_class, "onResult",
                                 "(ILjava/lang/String;[B)V");
  if (g_exception_init == nullptr || g_on_result == nullptr) return JNI_ERR;
  return JNI_VERSION_1_6;
}

JNIEXPORT jlong JNICALL Java_kip_sdk_Native_clientCreate(JNIEnv* env, jclass,
                                                         jstring target,
                                                         jstring token,
                                                         jstring root_certs,
                                                         jint deadline_ms) {
  Utf8 target_utf8(env, target), token_utf8(env, token),
      certs_utf8(env, root_certs);
  char* error = nullptr;
  kip_client* client = kip_client_create(target_utf8.get(), token_utf8.get(),
                                         certs_utf8.get(), deadline_ms, &error);
  if (client == nullptr) ThrowAndFree(env, KIP_INVALID_ARGUMENT, error);
  return reinterpret_cast<jlong>(client);
}

JNIEXPORT void JNICALL Java_kip_sdk_Native_clientDestroy(JNIEnv*, jclass,
                                                         jlong client) {
  kip_client_destroy(reinterpret_cast<kip_client*>(client));
}

JNIEXPORT jbyteArray JNICALL Java_kip_sdk_Native_call(JNIEnv* env, jclass,
                                                      jlong client,
                                                      jstring method,
                                                      jbyteArray request) {
  Utf8 method_utf8(env, method);
  const std::string bytes = Bytes(env, request);
  uint8_t* response = nullptr;
  size_t response_size = 0;
  char* error = nullptr;
  const int code =
      kip_call(reinterpret_cast<kip_client*>(client), method_utf8.get(),
               Data(bytes), bytes.size(), &response, &response_size, &error);
  if (code != KIP_OK) {
    ThrowAndFree(env, code, error);
    return nullptr;
  }
  jbyteArray out = ByteArray(env, response, response_size);
  kip_free(response);
  return out;
}

JNIEXPORT void JNICALL Java_kip_sdk_Native_callAsync(JNIEnv* env, jclass,
                                                     jlong client,
                                                     jstring method,
                                                     jbyteArray request,
                                                     jobject callback) {
  Utf8 method_utf8(env, method);
  const std::string bytes = Bytes(env, request);
  jobject global = env->NewGlobalRef(callback);
  const int code =
      kip_call_async(reinterpret_cast<kip_client*>(client), method_utf8.get(),
                     Data(bytes), bytes.size(), OnResult, global);
  if (code != KIP_OK) {
    env->DeleteGlobalRef(global);
    Throw(env, code, "the call could not start (an unknown method?)");
  }
}

JNIEXPORT jlong JNICALL Java_kip_sdk_Native_loggerCreate(JNIEnv* env, jclass,
                                                         jstring outbox_path,
                                                         jbyteArray outbox_key,
                                                         jstring target,
                                                         jstring token) {
  Utf8 path_utf8(env, outbox_path), target_utf8(env, target),
      token_utf8(env, token);
  const std::string key = Bytes(env, outbox_key);
  kip_logger* logger = nullptr;
  char* error = nullptr;
  const int code = kip_logger_create_with_key(
      path_utf8.get(), Data(key), key.size(), target_utf8.get(),
      token_utf8.get(), &logger, &error);
  if (code != KIP_OK) ThrowAndFree(env, code, error);
  return reinterpret_cast<jlong>(logger);
}

JNIEXPORT void JNICALL Java_kip_sdk_Native_loggerDestroy(JNIEnv*, jclass,
                                                         jlong logger) {
  kip_logger_destroy(reinterpret_cast<kip_logger*>(logger));
}

JNIEXPORT jstring JNICALL Java_kip_sdk_Native_loggerRecord(JNIEnv* env, jclass,
                                                           jlong logger,
                                                           jboolean is_session,
                                                           jbyteArray record) {
  const std::string bytes = Bytes(env, record);
  char* id = nullptr;
  char* error = nullptr;
  auto* handle = reinterpret_cast<kip_logger*>(logger);
  const int code = is_session
                       ? kip_logger_start_session(handle, Data(bytes),
                                                  bytes.size(), &id, &error)
                       : kip_logger_log_event(handle, Data(bytes), bytes.size(),
                                              &id, &error);
  if (code != KIP_OK) {
    ThrowAndFree(env, code, error);
    return nullptr;
  }
  jstring out = env->NewStringUTF(id);
  kip_free(id);
  return out;
}

JNIEXPORT void JNICALL Java_kip_sdk_Native_loggerFlush(JNIEnv* env, jclass,
                                                       jlong logger,
                                                       jint timeout_ms) {
  char* error = nullptr;
  const int code = kip_logger_flush(reinterpret_cast<kip_logger*>(logger),
                                    timeout_ms, &error);
  if (code != KIP_OK) ThrowAndFree(env, code, error);
}

JNIEXPORT jlong JNICALL Java_kip_sdk_Native_loggerPending(JNIEnv*, jclass,
                                                          jlong logger) {
  return kip_logger_pending(reinterpret_cast<kip_logger*>(logger));
}

}  // extern "C"
