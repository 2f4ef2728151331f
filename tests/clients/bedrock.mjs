// Drives `llmload mock` with the official AWS SDK (@aws-sdk/client-bedrock-runtime): Converse
// and ConverseStream, signed by the SDK with fake keys, against an endpoint on 127.0.0.1, so
// the mock's event-stream framing, its response shapes and its SigV4 verification are checked
// by code none of us wrote. Then the same call with a wrong secret, which the mock must refuse.
// Usage: node bedrock.mjs PORT ACCESS_KEY SECRET MODEL
// Prints one JSON object with what the client saw; exits 1 (with the error) on any failure.
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
} from "@aws-sdk/client-bedrock-runtime";
// The mock speaks HTTP/1.1; the client's default handler for Bedrock Runtime is HTTP/2.
import { NodeHttpHandler } from "@smithy/node-http-handler";

const [, , port, accessKeyId, secretAccessKey, modelId] = process.argv;
if (!modelId) {
  console.error("usage: node bedrock.mjs PORT ACCESS_KEY SECRET MODEL");
  process.exit(2);
}

function client(secret) {
  return new BedrockRuntimeClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    credentials: { accessKeyId, secretAccessKey: secret },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
}

const request = {
  modelId,
  messages: [{ role: "user", content: [{ text: "Hello from the AWS SDK" }] }],
  inferenceConfig: { maxTokens: 12, temperature: 0.5, topP: 0.9 },
};

async function main() {
  const result = {};
  const good = client(secretAccessKey);

  const full = await good.send(new ConverseCommand(request));
  result.converse = {
    http_status: full.$metadata.httpStatusCode,
    role: full.output.message.role,
    text: full.output.message.content[0].text,
    stop_reason: full.stopReason,
    usage: full.usage,
    latency_ms: full.metrics.latencyMs,
  };

  const streamed = await good.send(new ConverseStreamCommand(request));
  const s = { events: [], text: "", deltas: 0, role: null, stop_reason: null };
  for await (const event of streamed.stream) {
    const name = Object.keys(event)[0];
    s.events.push(name);
    if (event.messageStart) s.role = event.messageStart.role;
    if (event.contentBlockDelta) {
      s.text += event.contentBlockDelta.delta.text;
      s.deltas += 1;
    }
    if (event.messageStop) s.stop_reason = event.messageStop.stopReason;
    if (event.metadata) {
      s.usage = event.metadata.usage;
      s.latency_ms = event.metadata.metrics.latencyMs;
    }
  }
  result.converse_stream = s;

  try {
    await client("not-the-secret").send(new ConverseCommand(request));
    result.wrong_secret = { accepted: true };
  } catch (e) {
    result.wrong_secret = {
      name: e.name,
      http_status: e.$metadata?.httpStatusCode,
      message: e.message,
    };
  }
  console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
