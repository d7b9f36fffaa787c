package kip.sdk

import java.io.Closeable
import java.util.concurrent.Executor

/**
 * One connection to a KIP endpoint, shared by the service clients built on it
 * ([DosingClient], [AnalyticsClient]). It is the C SDK's client underneath:
 * the SDK's retry policy, deadline and bearer token on every call. Create one
 * and keep it for the life of the app; [close] waits for calls in flight.
 *
 * @param target "host:port", or "dns:///dosing.kip.svc:50051"
 * @param rootCertsPem the CA that signed the server (TLS), or null for plaintext
 */
class KipConnection(
    target: String,
    bearerToken: String? = null,
    rootCertsPem: String? = null,
    deadlineMillis: Int = 10_000
) : Closeable {
    private val lock = Any()
    private var handle: Long = Native.clientCreate(target, bearerToken, rootCertsPem, deadlineMillis)

    /** A blocking call; throws [KipException]. */
    fun <T> call(method: String, request: ByteArray, parse: (ByteArray) -> T): T =
        parse(Native.call(live(), method, request))

    /**
     * An asynchronous call: [callback] runs on [executor] with the parsed
     * response or the [KipException].
     */
    fun <T> callAsync(method: String, request: ByteArray, parse: (ByteArray) -> T,
                      executor: Executor, callback: (Result<T>) -> Unit) {
        Native.callAsync(live(), method, request, object : NativeCallback {
            override fun onResult(code: Int, message: String?, response: ByteArray?) {
                val result: Result<T> =
                    if (code == StatusCode.OK.value && response != null) {
                        runCatching { parse(response) }
                    } else {
                        Result.failure(KipException(code, message ?: ""))
                    }
                executor.execute { callback(result) }
            }
        })
    }

    override fun close() {
        val closing = synchronized(lock) { handle.also { handle = 0 } }
        if (closing != 0L) Native.clientDestroy(closing)
    }

    private fun live(): Long = synchronized(lock) {
        check(handle != 0L) { "this KipConnection is closed" }
        handle
    }
}
