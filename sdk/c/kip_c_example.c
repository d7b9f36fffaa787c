/* A C99 program on the KIP C ABI (built with -std=c99 -pedantic): plans a
 * course with the dosing service, checks that a bad request is refused with
 * its field named and an unknown method as UNIMPLEMENTED, then starts a
 * session and logs events through the offline-first logger on an encrypted
 * outbox and flushes them. The messages are encoded by hand in
 * the protobuf wire format, as an app without a C protobuf library would.
 *
 * usage: kip_c_example DOSING_ADDR SESSIONS_ADDR TOKEN OUTBOX SESSION_ID STUDY
 * PATIENT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sdk/c/kip.h"
#include "sdk/c/testing/wire.h"

static int fail(const char* what, int code, char* error) {
  fprintf(stderr, "%s: code %d: %s\n", what, code, error ? error : "");
  kip_free(error);
  return 1;
}

int main(int argc, char** argv) {
  kip_client* dosing;
  kip_logger* logger;
  message plan = {{0}, 0}, patient = {{0}, 0}, session = {{0}, 0};
  uint8_t* response = NULL;
  size_t response_size = 0;
  char* error = NULL;
  char* id = NULL;
  uint8_t outbox_key[32];
  int code, i;

  if (argc != 8) {
    fprintf(stderr,
            "usage: %s DOSING SESSIONS TOKEN OUTBOX SESSION_ID STUDY PATIENT\n",
            argv[0]);
    return 2;
  }
  dosing = kip_client_create(argv[1], argv[3], NULL, 10000, &error);
  if (dosing == NULL) return fail("kip_client_create", -1, error);

  /* PlanCourseRequest{protocol_id: "crps-0.35mgkg-4h", patient{weight_kg: 70},
   * concentration_mg_per_ml: 1, care_area: OUTPATIENT_PAIN (1)} */
  put_string(&plan, 1, "crps-0.35mgkg-4h");
  put_double(&patient, 2, 70.0);
  put_bytes(&plan, 2, patient.data, patient.size);
  put_double(&plan, 3, 1.0);
  put_uint(&plan, 4, 1);
  code = kip_call(dosing, "/kip.dosing.v1.DosingService/PlanCourse", plan.data,
                  plan.size, &response, &response_size, &error);
  if (code != KIP_OK) return fail("PlanCourse", code, error);
  printf("PlanCourse: %lu bytes\n", (unsigned long)response_size);
  kip_free(response);

  /* The same with an unknown protocol: INVALID_ARGUMENT naming protocol_id. */
  plan.size = 0;
  put_string(&plan, 1, "no-such-protocol");
  code = kip_call(dosing, "/kip.dosing.v1.DosingService/PlanCourse", plan.data,
                  plan.size, &response, &response_size, &error);
  if (code != KIP_INVALID_ARGUMENT || error == NULL ||
      strstr(error, "protocol_id") == NULL) {
    return fail("PlanCourse(bad) should be INVALID_ARGUMENT naming protocol_id",
                code, error);
  }
  kip_free(error);
  error = NULL;

  /* A method that is not a unary KIP RPC: UNIMPLEMENTED, naming it. */
  code = kip_call(dosing, "/kip.dosing.v1.DosingService/NoSuchMethod",
                  plan.data, plan.size, &response, &response_size, &error);
  if (code != KIP_UNIMPLEMENTED || error == NULL ||
      strstr(error, "NoSuchMethod") == NULL) {
    return fail("NoSuchMethod should be UNIMPLEMENTED", code, error);
  }
  kip_free(error);
  error = NULL;

  /* The outbox encrypted at rest; a device keeps these 32 bytes in its
   * keystore. */
  memset(outbox_key, 0x42, sizeof outbox_key);
  code = kip_logger_create_with_key(argv[4], outbox_key, sizeof outbox_key,
                                    argv[2], argv[3], &logger, &error);
  if (code != KIP_OK) return fail("kip_logger_create_with_key", code, error);
  /* InfusionSession{session_id, study_id, patient_id, protocol_id,
   * protocol_version, device_id, course_day: 1} */
  put_string(&session, 1, argv[5]);
  put_string(&session, 2, argv[6]);
  put_string(&session, 3, argv[7]);
  put_string(&session, 5, "crps-0.35mgkg-4h");
  put_string(&session, 6, "2026.11.0");
  put_string(&session, 7, "c-pump-1");
  put_uint(&session, 8, 1);
  code =
      kip_logger_start_session(logger, session.data, session.size, &id, &error);
  if (code != KIP_OK) return fail("kip_logger_start_session", code, error);
  kip_free(id);
  for (i = 0; i < 3; ++i) {
    message event = {{0}, 0}, timestamp = {{0}, 0}, note = {{0}, 0};
    char text[32];
    /* Event{session_id, device_time{seconds}, note{text}}; event_id generated.
     */
    put_string(&event, 2, argv[5]);
    put_uint(&timestamp, 1, (uint64_t)time(NULL));
    put_bytes(&event, 3, timestamp.data, timestamp.size);
    sprintf(text, "from C %d", i);
    put_string(&note, 1, text);
    put_bytes(&event, 21, note.data, note.size);
    code = kip_logger_log_event(logger, event.data, event.size, &id, &error);
    if (code != KIP_OK) return fail("kip_logger_log_event", code, error);
    kip_free(id);
  }
  code = kip_logger_flush(logger, 30000, &error);
  if (code != KIP_OK) return fail("kip_logger_flush", code, error);
  printf("logged and delivered; pending %ld\n",
         (long)kip_logger_pending(logger));
  kip_logger_destroy(logger);
  kip_client_destroy(dosing);
  return 0;
}
