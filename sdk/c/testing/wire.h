/* Protobuf wire-format writers for the C programs that test the C ABI: they
 * encode requests by hand, as an app without a C protobuf library would. */
#ifndef KIP_SDK_C_TESTING_WIRE_H_
#define KIP_SDK_C_TESTING_WIRE_H_

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
  uint8_t data[1024];
  size_t size;
} message;

static inline void put_varint(message* m, uint64_t v) {
  while (v >= 0x80) {
    m->data[m->size++] = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  m->data[m->size++] = (uint8_t)v;
}

static inline void put_bytes(message* m, int field, const void* bytes,
                             size_t n) {
  put_varint(m, ((uint64_t)field << 3) | 2);
  put_varint(m, n);
  memcpy(m->data + m->size, bytes, n);
  m->size += n;
}

static inline void put_string(message* m, int field, const char* text) {
  put_bytes(m, field, text, strlen(text));
}

static inline void put_double(message* m, int field, double value) {
  uint64_t bits;
  int i;
  memcpy(&bits, &value, sizeof bits);
  put_varint(m, ((uint64_t)field << 3) | 1);
  for (i = 0; i < 8; ++i) m->data[m->size++] = (uint8_t)(bits >> (8 * i));
}

static inline void put_uint(message* m, int field, uint64_t value) {
  put_varint(m, (uint64_t)field << 3);
  put_varint(m, value);
}

#endif /* KIP_SDK_C_TESTING_WIRE_H_ */
