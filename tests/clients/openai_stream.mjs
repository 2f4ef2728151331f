// Drives `llmload mock` with the official `openai` npm client (code none of us wrote), so the
// mock's wire format is checked by a real consumer. Usage: node openai_stream.mjs PORT
// Prints one JSON object with what the client saw; exits 1 (with the error) on any failure.
import OpenAI from "openai";

const port = process.argv[2];
if (!port) {
  console.error("usage: node openai_stream.mjs PORT");
  process.exit(2);
}

const client = new OpenAI({
  baseURL: `http://127.0.0.1:${port}/v1`,
  apiKey: "not-needed",
  maxRetries: 0,
  timeout: 30_000,
});

async function main() {
  const result = {};

  // Streaming chat completion with usage, the way load testers ask for it.
  const stream = await client.chat.completions.create({
    model: "client-model",
    messages: [{ role: "user", content: "Hello from the openai npm client" }],
    stream: true,
    stream_options: { include_usage: true },
  });
  const chat = { roles: [], content: "", content_chunks: 0, finish_reason: null, usage: null };
  for await (const chunk of stream) {
    chat.id ??= chunk.id;
    chat.model ??= chunk.model;
    chat.object ??= chunk.object;
    if (chunk.usage) chat.usage = chunk.usage;
    for (const choice of chunk.choices) {
      if (choice.delta.role) chat.roles.push(choice.delta.role);
      if (choice.delta.content) {
        chat.content += choice.delta.content;
        chat.content_chunks += 1;
      }
      if (choice.finish_reason) chat.finish_reason = choice.finish_reason;
    }
  }
  result.chat_stream = chat;

  // Non-streaming chat completion.
  const full = await client.chat.completions.create({
    model: "client-model",
    messages: [{ role: "user", content: "Hi" }],
    max_tokens: 5,
  });
  result.chat = {
    object: full.object,
    content: full.choices[0].message.content,
    finish_reason: full.choices[0].finish_reason,
    usage: full.usage,
  };

  // Legacy completions, streamed.
  const cstream = await client.completions.create({
    model: "client-model",
    prompt: "Once upon a time",
    max_tokens: 4,
    stream: true,
  });
  const completions = { text: "", chunks: 0, finish_reason: null };
  for await (const chunk of cstream) {
    completions.object ??= chunk.object;
    for (const choice of chunk.choices) {
      if (choice.text) {
        completions.text += choice.text;
        completions.chunks += 1;
      }
      if (choice.finish_reason) completions.finish_reason = choice.finish_reason;
    }
  }
  result.completions_stream = completions;

  // Model listing.
  const models = [];
  for await (const m of client.models.list()) models.push(m.id);
  result.models = models;

  // An error answer must surface as the client's typed error with OpenAI's fields.
  try {
    await client.chat.completions.create({ model: "client-model" });
    result.error = null;
  } catch (e) {
    result.error = { status: e.status, type: e.type, param: e.param, code: e.code };
  }

  console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(`openai client failed: ${e?.stack ?? e}`);
  process.exit(1);
});
