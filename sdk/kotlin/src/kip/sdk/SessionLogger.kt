package kip.sdk

import java.io.Closeable
import kip.sessions.v1.Event
import kip.sessions.v1.InfusionSession

/**
 * The offline-first session log (the C++ SDK's SessionLogger): [start] and
 * [log] return once the record is durable in the outbox on this device, with
 * the network up or down; a library thread delivers the outbox in order, and
 * the service keeps each record once. The outbox is encrypted at rest with
 * [outboxKey], 32 random bytes the app keeps in its keystore (on Android:
 * generate them once, store them wrapped by an Android Keystore key). A key
 * that does not open an existing outbox throws PERMISSION_DENIED: nothing is
 * read, replaced or lost.
 */
class SessionLogger(
    outboxPath: String,
    outboxKey: ByteArray,
    target: String,
    bearerToken: String? = null
) : Closeable {
    private val lock = Any()
    private var handle: Long = Native.loggerCreate(outboxPath, outboxKey, target, bearerToken)

    /** Queues a session start (session_id generated when empty); returns its id. */
    fun start(session: InfusionSession): String =
        Native.loggerRecord(live(), true, session.toByteArray())

    /** Queues an event (event_id generated when empty); returns its id once durable. */
    fun log(event: Event): String = Native.loggerRecord(live(), false, event.toByteArray())

    /** Waits until everything is delivered; DEADLINE_EXCEEDED after [timeoutMillis]. */
    fun flush(timeoutMillis: Int) = Native.loggerFlush(live(), timeoutMillis)

    /** Records not yet delivered. */
    val pending: Long get() = Native.loggerPending(live())

    override fun close() {
        val closing = synchronized(lock) { handle.also { handle = 0 } }
        if (closing != 0L) Native.loggerDestroy(closing)
    }

    private fun live(): Long = synchronized(lock) {
        check(handle != 0L) { "this SessionLogger is closed" }
        handle
    }
}
