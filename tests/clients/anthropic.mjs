// Drives `llmload mock`'s Anthropic Messages dialect with the official `@anthropic-ai/sdk`
// client (code none of us wrote), so the mock's events and bodies are checked by a real
// consumer. Usage: node anthropic.mjs PORT
// Prints one JSON object with what the client saw; exits 1 (with the error) on any failure.
import Anthropic from "@anthropic-ai/sdk";

const port = process.argv[2];
if (!port) {
  console.error("usage: node anthropic.mjs PORT");
  process.exit(2);
}

const client = new Anthropic({
  baseURL: `http://127.0.0.1:${port}`,
  apiKey: "sk-ant-not-needed",
  maxRetries: 0,
  timeout: 30_000,
});

const prompt = "Hello from the official Anthropic SDK"; // 37 bytes: 10 prompt tokens

async function main() {
  const result = {};

  // messages.create with stream: true, iterating the raw events.
  const stream = await client.messages.create({
    model: "claude-client",
    max_tokens: 1024,
    messages: [{ role: "user", content: prompt }],
    stream: true,
  });
  const events = { types: [], text: "", text_deltas: 0 };
  for await (const event of stream) {
    events.types.push(event.type);
    switch (event.type) {
      case "message_start":
        events.id = event.message.id;
        events.model = event.message.model;
        events.role = event.message.role;
        events.input_tokens = event.message.usage.input_tokens;
        break;
      case "content_block_start":
        events.block_type = event.content_block.type;
        break;
      case "content_block_delta":
        if (event.delta.type === "text_delta") {
          events.text += event.delta.text;
          events.text_deltas += 1;
        }
        break;
      case "message_delta":
        events.stop_reason = event.delta.stop_reason;
        events.output_tokens = event.usage.output_tokens;
        break;
    }
  }
  result.events = events;

  // messages.stream, the SDK's helper that accumulates the events into a message.
  const helper = client.messages.stream({
    model: "claude-client",
    max_tokens: 1024,
    messages: [{ role: "user", content: prompt }],
  });
  let helperText = "";
  helper.on("text", (delta) => {
    helperText += delta;
  });
  const final = await helper.finalMessage();
  result.stream_helper = {
    text: helperText,
    final_text: final.content[0].text,
    content_type: final.content[0].type,
    stop_reason: final.stop_reason,
    usage: final.usage,
    id: final.id,
  };
  if (helperText !== final.content[0].text) {
    throw new Error(`text events and the final message differ: ${helperText} / ${final.content[0].text}`);
  }

  // Not streamed, stopped by max_tokens.
  const message = await client.messages.create({
    model: "claude-client",
    max_tokens: 5,
    messages: [{ role: "user", content: "Hi" }],
  });
  result.message = {
    type: message.type,
    id: message.id,
    role: message.role,
    text: message.content[0].text,
    stop_reason: message.stop_reason,
    usage: message.usage,
  };

  // A bad request (no max_tokens): the SDK reads Anthropic's error body.
  try {
    await client.messages.create({ model: "claude-client", messages: [{ role: "user", content: "x" }] });
    throw new Error("a request without max_tokens was accepted");
  } catch (e) {
    if (!(e instanceof Anthropic.APIError)) throw e;
    result.error = { status: e.status, type: e.type, message: e.apiMessage ?? e.error?.error?.message };
  }

  console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
