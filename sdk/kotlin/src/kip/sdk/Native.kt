package kip.sdk

/**
 * The JNI shim over the C ABI (sdk/kotlin/kip_jni.cc → sdk/c/kip.h). Not for
 * apps: use [KipConnection], [DosingClient], [AnalyticsClient] and
 * [SessionLogger]. Public only because JNI binds by name.
 */
object Native {
    init {
        System.loadLibrary("kip_jni")
    }

    @JvmStatic external fun clientCreate(target: String, bearerToken: String?,
                                         rootCertsPem: String?, deadlineMillis: Int): Long
    @JvmStatic external fun clientDestroy(client: Long)
    @JvmStatic external fun call(client: Long, method: String, request: ByteArray): ByteArray
    @JvmStatic external fun callAsync(client: Long, method: String, request: ByteArray,
                                      callback: NativeCallback)
    @JvmStatic external fun loggerCreate(outboxPath: String, outboxKey: ByteArray,
                                         target: String, bearerToken: String?): Long
    @JvmStatic external fun loggerDestroy(logger: Long)
    @JvmStatic external fun loggerRecord(logger: Long, isSession: Boolean, record: ByteArray): String
    @JvmStatic external fun loggerFlush(logger: Long, timeoutMillis: Int)
    @JvmStatic external fun loggerPending(logger: Long): Long
}

/** What the shim calls, on a library thread, when an asynchronous call ends. */
interface NativeCallback {
    fun onResult(code: Int, message: String?, response: ByteArray?)
}
