// What the three server main()s share: block termination signals, parse flags,
// read the shared options and token keys; a bad flag exits with status 2 and a
// message naming it.
#ifndef KIP_SERVICES_COMMON_SERVER_MAIN_H_
#define KIP_SERVICES_COMMON_SERVER_MAIN_H_

#include <memory>
#include <string>

#include "services/common/authenticator.h"
#include "services/common/server_options.h"

namespace kip {

struct ServerSetup {
  ServerOptions options;
  std::unique_ptr<Authenticator> authenticator;
};

ServerSetup InitServerOrExit(int argc, char** argv,
                             const std::string& server_name,
                             const std::string& default_listen_address,
                             const std::string& usage);

}  // namespace kip

#endif  // KIP_SERVICES_COMMON_SERVER_MAIN_H_
