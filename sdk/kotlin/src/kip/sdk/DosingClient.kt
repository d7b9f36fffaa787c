package kip.sdk

import java.util.concurrent.Executor
import kip.dosing.v1.GetProtocolRequest
import kip.dosing.v1.GetProtocolResponse
import kip.dosing.v1.ListProtocolsRequest
import kip.dosing.v1.ListProtocolsResponse
import kip.dosing.v1.PlanCourseRequest
import kip.dosing.v1.PlanCourseResponse
import kip.dosing.v1.PredictConcentrationRequest
import kip.dosing.v1.PredictConcentrationResponse
import kip.dosing.v1.ProposeTitrationRequest
import kip.dosing.v1.ProposeTitrationResponse
import kip.dosing.v1.ValidateProgramRequest
import kip.dosing.v1.ValidateProgramResponse

/**
 * kip.dosing.v1.DosingService: each RPC blocking (throws [KipException]) and
 * asynchronous (the [Result] on the caller's executor). Requests and responses
 * are the protobuf-java messages of protos/kip/dosing/v1.
 */
class DosingClient(private val connection: KipConnection) {
    /** The protocols in the library (summaries). */
    fun listProtocols(request: ListProtocolsRequest = ListProtocolsRequest.getDefaultInstance()): ListProtocolsResponse =
        connection.call(method("ListProtocols"), request.toByteArray(), ListProtocolsResponse::parseFrom)

    /** One protocol in full. */
    fun getProtocol(request: GetProtocolRequest): GetProtocolResponse =
        connection.call(method("GetProtocol"), request.toByteArray(), GetProtocolResponse::parseFrom)

    /** A course of sessions with rate steps, totals, volumes and a PK curve. */
    fun planCourse(request: PlanCourseRequest): PlanCourseResponse =
        connection.call(method("PlanCourse"), request.toByteArray(), PlanCourseResponse::parseFrom)

    fun planCourseAsync(request: PlanCourseRequest, executor: Executor,
                        callback: (Result<PlanCourseResponse>) -> Unit) =
        connection.callAsync(method("PlanCourse"), request.toByteArray(),
                             PlanCourseResponse::parseFrom, executor, callback)

    /**
     * Checks a pump program against the protocol (soft) and drug-library
     * (hard) limits. A limit is a verdict in the response, not an exception.
     */
    fun validateProgram(request: ValidateProgramRequest): ValidateProgramResponse =
        connection.call(method("ValidateProgram"), request.toByteArray(), ValidateProgramResponse::parseFrom)

    fun validateProgramAsync(request: ValidateProgramRequest, executor: Executor,
                             callback: (Result<ValidateProgramResponse>) -> Unit) =
        connection.callAsync(method("ValidateProgram"), request.toByteArray(),
                             ValidateProgramResponse::parseFrom, executor, callback)

    /** The next titration step from the current rate and observations. */
    fun proposeTitration(request: ProposeTitrationRequest): ProposeTitrationResponse =
        connection.call(method("ProposeTitration"), request.toByteArray(), ProposeTitrationResponse::parseFrom)

    /** Plasma concentration over time for a rate schedule. */
    fun predictConcentration(request: PredictConcentrationRequest): PredictConcentrationResponse =
        connection.call(method("PredictConcentration"), request.toByteArray(),
                        PredictConcentrationResponse::parseFrom)

    private fun method(name: String) = "/kip.dosing.v1.DosingService/$name"
}
