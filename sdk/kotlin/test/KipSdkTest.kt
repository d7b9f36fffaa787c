// The Kotlin SDK against real servers (driven by
// //tests/integration:kotlin_sdk_test): plan a course, validate rates, errors
// as exceptions and as results on the caller's executor, a meta-analysis, and
// events logged offline into an encrypted outbox that arrive once when the
// network is back. Exits 0 only if every check holds.
package kip.sdk.test

import com.google.protobuf.Timestamp
import java.io.File
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kip.analytics.v1.EffectMeasure
import kip.analytics.v1.EffectModel
import kip.analytics.v1.GenericData
import kip.analytics.v1.MetaAnalysisOptions
import kip.analytics.v1.PoolingMethod
import kip.analytics.v1.RunMetaAnalysisRequest
import kip.analytics.v1.StudyData
import kip.common.v1.CareArea
import kip.dosing.v1.PatientDosingInput
import kip.dosing.v1.PlanCourseRequest
import kip.dosing.v1.PumpProgram
import kip.dosing.v1.ValidateProgramRequest
import kip.dosing.v1.Verdict
import kip.sdk.AnalyticsClient
import kip.sdk.DosingClient
import kip.sdk.KipConnection
import kip.sdk.KipException
import kip.sdk.SessionLogger
import kip.sdk.StatusCode
import kip.sessions.v1.Event
import kip.sessions.v1.InfusionSession
import kip.sessions.v1.Note
import kotlin.math.abs
import kotlin.math.sqrt
import kotlin.system.exitProcess

private var failures = 0

private fun check(ok: Boolean, what: String) {
    println((if (ok) "ok    " else "FAIL  ") + what)
    if (!ok) failures++
}

private const val PROTOCOL = "crps-0.35mgkg-4h"

private fun patient70kg() = PatientDosingInput.newBuilder().setPatientId("P1").setWeightKg(70.0).build()

private fun validate(rateMgPerH: Double) = ValidateProgramRequest.newBuilder()
    .setProtocolId(PROTOCOL).setPatient(patient70kg()).setConcentrationMgPerMl(1.0)
    .setCareArea(CareArea.OUTPATIENT_PAIN)
    .setProgram(PumpProgram.newBuilder().setRateMgPerH(rateMgPerH).setDurationMin(240.0))
    .build()

private fun plan(protocol: String) = PlanCourseRequest.newBuilder()
    .setProtocolId(protocol).setPatient(patient70kg()).setConcentrationMgPerMl(1.0)
    .setCareArea(CareArea.OUTPATIENT_PAIN).build()

private fun dosingChecks(dosing: DosingClient) {
    check(dosing.listProtocols().protocolsList.any { it.id == PROTOCOL }, "listProtocols has $PROTOCOL")
    val course = dosing.planCourse(plan(PROTOCOL))
    check(course.sessionsCount > 0, "planCourse: ${course.sessionsCount} sessions")
    // 0.35 mg/kg/h x 70 kg = 24.5 mg/h (the protocol's rate): approved.
    val within = dosing.validateProgram(validate(24.5))
    check(within.approved && within.verdict == Verdict.OK, "24.5 mg/h on 70 kg: ${within.verdict}")
    val tooFast = dosing.validateProgram(validate(1000.0))
    check(!tooFast.approved && tooFast.verdict == Verdict.HARD_LIMIT, "1000 mg/h: ${tooFast.verdict}")
    try {
        dosing.planCourse(plan("no-such-protocol"))
        check(false, "an unknown protocol throws")
    } catch (e: KipException) {
        check(e.code == StatusCode.INVALID_ARGUMENT && e.message!!.contains("protocol_id"),
              "unknown protocol: ${e.code} ${e.message}")
    }
}

private fun asyncChecks(dosing: DosingClient) {
    val executor = Executors.newSingleThreadExecutor { Thread(it, "app-executor") }
    val done = CountDownLatch(2)
    dosing.planCourseAsync(plan(PROTOCOL), executor) { result ->
        check(Thread.currentThread().name == "app-executor", "async success on the caller's executor")
        check(result.isSuccess && result.getOrThrow().sessionsCount > 0, "planCourseAsync succeeded")
        done.countDown()
    }
    dosing.validateProgramAsync(validate(24.5).toBuilder().setProtocolId("nope").build(), executor) { result ->
        check(Thread.currentThread().name == "app-executor", "async failure on the caller's executor")
        val error = result.exceptionOrNull()
        check(error is KipException && error.code == StatusCode.INVALID_ARGUMENT,
              "validateProgramAsync failure as a Result: $error")
        done.countDown()
    }
    check(done.await(30, TimeUnit.SECONDS), "both callbacks ran")
    executor.shutdown()
}

private fun analyticsChecks(analytics: AnalyticsClient) {
    // Inverse-variance fixed effect by hand: w = 1/se^2 = 4, 6.25, 1.
    val estimates = doubleArrayOf(-1.0, -0.5, -2.0)
    val ses = doubleArrayOf(0.5, 0.4, 1.0)
    val request = RunMetaAnalysisRequest.newBuilder().setOptions(
        MetaAnalysisOptions.newBuilder().setMeasure(EffectMeasure.MD)
            .setMethod(PoolingMethod.INVERSE_VARIANCE).setModel(EffectModel.FIXED_EFFECT))
    for (i in estimates.indices) {
        request.addStudies(StudyData.newBuilder().setStudy("S$i")
            .setGeneric(GenericData.newBuilder().setEstimate(estimates[i]).setSe(ses[i])))
    }
    val pooled = analytics.runMetaAnalysis(request.build()).overall
    val weightSum = 4.0 + 6.25 + 1.0
    val expected = (-1.0 * 4.0 - 0.5 * 6.25 - 2.0 * 1.0) / weightSum
    check(abs(pooled.estimate - expected) < 1e-9, "pooled MD ${pooled.estimate} = $expected")
    check(abs(pooled.se - sqrt(1.0 / weightSum)) < 1e-9, "pooled SE ${pooled.se}")
}

private fun now(): Timestamp {
    val millis = System.currentTimeMillis()
    return Timestamp.newBuilder().setSeconds(millis / 1000).setNanos(((millis % 1000) * 1_000_000).toInt()).build()
}

// Logs while the sessions service is down, waits for the driver to bring it
// back, then flushes. Writes the ids it logged to dir/ids.txt.
private fun offlineLoggingChecks(args: Array<String>, events: Int) {
    val (sessionsAddress, token, outbox, sessionId, dir) = args.sliceArray(3..7)
    val key = ByteArray(32) { (it * 7 + 1).toByte() }
    val ids = mutableListOf<String>()
    SessionLogger(outbox, key, sessionsAddress, token).use { logger ->
        logger.start(InfusionSession.newBuilder().setSessionId(sessionId).setStudyId("S1")
            .setPatientId("P1").setProtocolId(PROTOCOL).setProtocolVersion("2026.11.0")
            .setDeviceId("kotlin-tablet-1").setCourseDay(1).build())
        for (i in 0 until events) {
            ids += logger.log(Event.newBuilder().setSessionId(sessionId).setDeviceTime(now())
                .setNote(Note.newBuilder().setText("from Kotlin $i")).build())
        }
        check(logger.pending == events + 1L, "offline: ${logger.pending} records pending")
        File(dir, "ids.txt").writeText(ids.joinToString("\n"))
        File(dir, "offline.done").writeText("logged $events\n")
        val up = File(dir, "network.up")
        val deadline = System.currentTimeMillis() + 120_000
        while (!up.exists() && System.currentTimeMillis() < deadline) Thread.sleep(50)
        check(up.exists(), "the network came back")
        logger.flush(60_000)
        check(logger.pending == 0L, "after the network is back: nothing pending")
    }
    val wrongKey = ByteArray(32) { 9 }
    try {
        SessionLogger(outbox, wrongKey, sessionsAddress, token).close()
        check(false, "a wrong key throws")
    } catch (e: KipException) {
        check(e.code == StatusCode.PERMISSION_DENIED, "a wrong key: ${e.code} ${e.message}")
    }
}

// args: DOSING ANALYTICS RESEARCHER_TOKEN SESSIONS DEVICE_TOKEN OUTBOX SESSION_ID DIR
fun main(args: Array<String>) {
    if (args.size != 8) {
        System.err.println("usage: DOSING ANALYTICS RESEARCHER_TOKEN SESSIONS DEVICE_TOKEN OUTBOX SESSION_ID DIR")
        exitProcess(2)
    }
    KipConnection(args[0], args[4]).use { connection ->
        val dosing = DosingClient(connection)
        dosingChecks(dosing)
        asyncChecks(dosing)
    }
    KipConnection(args[1], args[2]).use { analyticsChecks(AnalyticsClient(it)) }
    offlineLoggingChecks(args, 20)
    println(if (failures == 0) "KOTLIN SDK OK" else "KOTLIN SDK: $failures checks failed")
    exitProcess(if (failures == 0) 0 else 1)
}
