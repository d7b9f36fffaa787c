// gMock connections for apps' unit tests:
//   auto mock = std::make_shared<kip::MockDosingConnection>();
//   EXPECT_CALL(*mock, PlanCourse).WillOnce(Return(plan));
//   kip::DosingClient client(mock);
#ifndef KIP_SDK_CPP_MOCKS_MOCK_CONNECTIONS_H_
#define KIP_SDK_CPP_MOCKS_MOCK_CONNECTIONS_H_

#include "gmock/gmock.h"
#include "sdk/cpp/clients.h"

namespace kip {

#define KIP_MOCK_METHOD(ns, Method)                         \
  MOCK_METHOD(absl::StatusOr<ns::Method##Response>, Method, \
              (const ns::Method##Request&), (override));
#define KIP_DOSING_MOCK(M) KIP_MOCK_METHOD(dosing::v1, M)
#define KIP_SESSIONS_MOCK(M) KIP_MOCK_METHOD(sessions::v1, M)
#define KIP_ANALYTICS_MOCK(M) KIP_MOCK_METHOD(analytics::v1, M)

class MockDosingConnection : public DosingConnection {
 public:
  KIP_DOSING_RPCS(KIP_DOSING_MOCK)
  MOCK_METHOD(void, ResetConnectionBackoff, (), (override));
};

class MockSessionLogConnection : public SessionLogConnection {
 public:
  KIP_SESSIONS_RPCS(KIP_SESSIONS_MOCK)
  MOCK_METHOD(void, ResetConnectionBackoff, (), (override));
};

class MockAnalyticsConnection : public AnalyticsConnection {
 public:
  KIP_ANALYTICS_RPCS(KIP_ANALYTICS_MOCK)
  MOCK_METHOD(void, ResetConnectionBackoff, (), (override));
};

}  // namespace kip

#endif  // KIP_SDK_CPP_MOCKS_MOCK_CONNECTIONS_H_
