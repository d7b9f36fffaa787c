// A loopback TCP port the OS reports free right now, for tests that must
// restart a server on the same address (a small race with other processes
// is accepted: tests pick ports this way only where --port_file cannot work).
#ifndef KIP_TESTS_TESTING_FREE_PORT_H_
#define KIP_TESTS_TESTING_FREE_PORT_H_

namespace kip::testing {

int FreeLoopbackPort();

}  // namespace kip::testing

#endif  // KIP_TESTS_TESTING_FREE_PORT_H_
