/* The C twin of KipSketch.swift: the same C ABI calls, in the same order,
 * with the same arguments (the requests encoded by hand where Swift uses
 * SwiftProtobuf). Swift is not packaged for Debian 12; this proves the calls
 * the Swift app makes. C99, -pedantic.
 *
 * usage: swift_sketch_calls DOSING SESSIONS TOKEN OUTBOX SESSION_ID
 * (the session must have been started; prints "sketch: ok" on success)
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sdk/c/kip.h"
#include "sdk/c/testing/wire.h"

int main(int argc, char** argv) {
  char* error = NULL;
  kip_client* client;
  kip_logger* logger = NULL;
  uint8_t* out = NULL;
  size_t out_size = 0;
  uint8_t outbox_key[32];
  message plan = {{0}, 0}, patient = {{0}, 0}, event = {{0}, 0},
          note = {{0}, 0}, timestamp = {{0}, 0};
  char* id = NULL;
  int code, opened, flushed = -1, planned;

  if (argc != 6) {
    fprintf(stderr, "usage: %s DOSING SESSIONS TOKEN OUTBOX SESSION_ID\n",
            argv[0]);
    return 2;
  }
  /* let client = kip_client_create(target, token, caPem, 10_000, &error) */
  client = kip_client_create(argv[1], argv[3], NULL, 10000, &error);
  /* let request = try planRequest.serializedData() */
  put_string(&plan, 1, "crps-0.35mgkg-4h");
  put_double(&patient, 2, 70.0);
  put_bytes(&plan, 2, patient.data, patient.size);
  put_double(&plan, 3, 1.0);
  put_uint(&plan, 4, 1);
  /* let code = ... kip_call(client, ".../PlanCourse", ..., &out, &outSize,
   * &error) */
  code = kip_call(client, "/kip.dosing.v1.DosingService/PlanCourse", plan.data,
                  plan.size, &out, &out_size, &error);
  planned = code == KIP_OK && out != NULL && out_size > 0;
  /* kip_free(out); kip_free(error); error = nil */
  kip_free(out);
  kip_free(error);
  error = NULL;

  /* kip_logger_create_with_key(outboxURL.path, key, key.count, sessionsTarget,
   * token, &logger, &error) */
  memset(outbox_key, 0x5e, sizeof outbox_key);
  opened = kip_logger_create_with_key(argv[4], outbox_key, sizeof outbox_key,
                                      argv[2], argv[3], &logger, &error);
  if (opened == KIP_OK) {
    /* let bytes = try event.serializedData():
     * Event{session_id, device_time{seconds}, note{text}} */
    put_string(&event, 2, argv[5]);
    put_uint(&timestamp, 1, (uint64_t)time(NULL));
    put_bytes(&event, 3, timestamp.data, timestamp.size);
    put_string(&note, 1, "from the Swift sketch");
    put_bytes(&event, 21, note.data, note.size);
    /* kip_logger_log_event(logger, bytes, bytes.count, &id, &error) */
    kip_logger_log_event(logger, event.data, event.size, &id, &error);
    kip_free(id);
    /* kip_logger_flush(logger, 30_000, &error) */
    flushed = kip_logger_flush(logger, 30000, &error);
    kip_logger_destroy(logger);
  }
  if (error != NULL) fprintf(stderr, "sketch: %s\n", error);
  kip_free(error);
  kip_client_destroy(client);
  printf("sketch: PlanCourse %s, logger %d, flush %d\n",
         planned ? "ok" : "FAILED", opened, flushed);
  if (!planned || opened != KIP_OK || flushed != KIP_OK) return 1;
  printf("sketch: ok\n");
  return 0;
}
