package kip.sdk

/** gRPC's status codes, as the C ABI returns them. */
enum class StatusCode(val value: Int) {
    OK(0), CANCELLED(1), UNKNOWN(2), INVALID_ARGUMENT(3), DEADLINE_EXCEEDED(4),
    NOT_FOUND(5), ALREADY_EXISTS(6), PERMISSION_DENIED(7), RESOURCE_EXHAUSTED(8),
    FAILED_PRECONDITION(9), ABORTED(10), OUT_OF_RANGE(11), UNIMPLEMENTED(12),
    INTERNAL(13), UNAVAILABLE(14), DATA_LOSS(15), UNAUTHENTICATED(16);

    companion object {
        fun of(value: Int): StatusCode = values().firstOrNull { it.value == value } ?: UNKNOWN
    }
}

/**
 * A KIP call that failed: the service's status code and its message (which
 * names the field and the bound it broke, or the safety limit).
 *
 * Blocking calls throw it, as grpc-kotlin's StatusException does: Kotlin has
 * no checked exceptions, and an app catches the few codes it handles
 * (FAILED_PRECONDITION for a limit, UNAVAILABLE to retry later). Asynchronous
 * calls hand it to the callback inside a [Result] instead, because an
 * exception cannot cross to the caller's executor.
 */
class KipException(codeValue: Int, message: String) : Exception(message) {
    val code: StatusCode = StatusCode.of(codeValue)
    override fun toString(): String = "KipException($code: $message)"
}
