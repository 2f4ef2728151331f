#include "master/coordinator_service.h"

#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <memory>
#include <mutex>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/version.h"

namespace llmload::master {
namespace {

using Stream = grpc::ServerReaderWriter<proto::MasterMessage, proto::AgentMessage>;

// A handler's stream as the registry sees it. Writes are serialised (gRPC allows one writer
// at a time) and stop once the handler has returned.
class StreamSession : public AgentSession {
 public:
  StreamSession(Stream* stream, grpc::ServerContext* context)
      : stream_(stream), context_(context) {}

  bool Send(const proto::MasterMessage& message) override {
    std::lock_guard<std::mutex> lock(mu_);
    return stream_ != nullptr && stream_->Write(message);
  }
  void Cancel() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (context_ != nullptr) context_->TryCancel();
  }
  // The handler is returning: the stream and context die with it.
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    stream_ = nullptr;
    context_ = nullptr;
  }

 private:
  std::mutex mu_;
  Stream* stream_;
  grpc::ServerContext* context_;
};

// Compares without an early exit, so the token cannot be guessed byte by byte from timing.
bool SameSecret(const std::string& presented, const std::string& expected) {
  if (presented.size() != expected.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < expected.size(); ++i) diff |= presented[i] ^ expected[i];
  return diff == 0;
}

// Says on stderr who was turned away and why, so an operator sees a stray or misconfigured
// agent (or a probe) at once. `agent_id` is the agent's own text: escaped, never trusted.
grpc::Status Refuse(const grpc::ServerContext& context, const std::string& agent_id,
                    grpc::StatusCode code, const std::string& reason) {
  std::fprintf(stderr, "llmload master: refused agent%s from %s: %s\n",
               agent_id.empty() ? "" : absl::StrCat(" '", absl::CEscape(agent_id), "'").c_str(),
               absl::CEscape(context.peer()).c_str(), reason.c_str());
  return grpc::Status(code, reason);
}

}  // namespace

grpc::Status CoordinatorService::Connect(grpc::ServerContext* context, Stream* stream) {
  if (!token_.empty()) {
    const auto& metadata = context->client_metadata();
    auto it = metadata.find("authorization");
    const std::string presented =
        it == metadata.end() ? "" : std::string(it->second.data(), it->second.size());
    if (!SameSecret(presented, "Bearer " + token_)) {
      return Refuse(*context, "", grpc::StatusCode::UNAUTHENTICATED,
                    it == metadata.end() ? "this master needs a token (--token or LLMLOAD_TOKEN)"
                                         : "wrong token (--token or LLMLOAD_TOKEN)");
    }
  }
  proto::AgentMessage first;
  if (!stream->Read(&first) || !first.has_hello()) {
    return Refuse(*context, "", grpc::StatusCode::INVALID_ARGUMENT, "expected Hello first");
  }
  const proto::Hello& hello = first.hello();
  if (hello.version() != kVersion) {
    proto::MasterMessage reject;
    reject.mutable_reject()->set_reason(absl::StrCat("version skew: master is llmload ", kVersion,
                                                     ", agent is llmload ", hello.version(),
                                                     "; run the same version on both"));
    stream->Write(reject);
    return Refuse(*context, hello.agent_id(), grpc::StatusCode::FAILED_PRECONDITION,
                  reject.reject().reason());
  }
  auto session = std::make_shared<StreamSession>(stream, context);
  absl::StatusOr<std::string> key = registry_.Join(hello, session);
  if (!key.ok()) {
    proto::MasterMessage reject;
    reject.mutable_reject()->set_reason(std::string(key.status().message()));
    stream->Write(reject);
    session->Close();
    return Refuse(*context, hello.agent_id(), grpc::StatusCode::FAILED_PRECONDITION,
                  reject.reject().reason());
  }
  proto::AgentMessage message;
  while (stream->Read(&message)) {
    if (message.has_heartbeat()) {
      registry_.OnHeartbeat(*key, message.heartbeat());
    } else if (message.has_stats()) {
      registry_.OnStats(*key, std::move(*message.mutable_stats()));
    }
  }
  session->Close();
  registry_.Leave(*key, session.get());
  return grpc::Status::OK;
}

}  // namespace llmload::master
