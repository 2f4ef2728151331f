// CoordinatorService: the gRPC face of the master (proto Coordinator.Connect). It checks the
// shared token and the agent's version, then hands the stream to the AgentRegistry and pumps
// the agent's messages into it until the stream ends.
#ifndef LLMLOAD_MASTER_COORDINATOR_SERVICE_H_
#define LLMLOAD_MASTER_COORDINATOR_SERVICE_H_

#include <string>

#include "master/agent_registry.h"
#include "proto/llmload.grpc.pb.h"

namespace llmload::master {

class CoordinatorService final : public proto::Coordinator::Service {
 public:
  // `token`: the shared secret agents must present; empty: none.
  CoordinatorService(AgentRegistry& registry, std::string token)
      : registry_(registry), token_(std::move(token)) {}

  grpc::Status Connect(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<proto::MasterMessage, proto::AgentMessage>* stream) override;

 private:
  AgentRegistry& registry_;
  const std::string token_;
};

}  // namespace llmload::master

#endif  // LLMLOAD_MASTER_COORDINATOR_SERVICE_H_
