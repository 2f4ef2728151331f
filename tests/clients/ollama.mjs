// Drives `llmload mock` with the official `ollama` npm client (code none of us wrote), so the
// mock's Ollama dialect is checked by a real consumer: chat and generate, streamed and not,
// the model list and an error. Usage: node ollama.mjs PORT
// Prints one JSON object with what the client saw; exits 1 (with the error) on any failure.
import { Ollama } from "ollama";

const port = process.argv[2];
if (!port) {
  console.error("usage: node ollama.mjs PORT");
  process.exit(2);
}

const ollama = new Ollama({ host: `http://127.0.0.1:${port}` });

// The fields every final (done) object must carry, with their types.
function finalFields(r) {
  return {
    model: r.model,
    created_at_valid: !Number.isNaN(Date.parse(r.created_at)),
    done: r.done,
    done_reason: r.done_reason,
    prompt_eval_count: r.prompt_eval_count,
    eval_count: r.eval_count,
    durations_are_integers: ["total_duration", "load_duration", "prompt_eval_duration",
                             "eval_duration"].every((k) => Number.isInteger(r[k]) && r[k] >= 0),
    total_duration: r.total_duration,
    prompt_eval_duration: r.prompt_eval_duration,
    eval_duration: r.eval_duration,
    durations_add_up: r.prompt_eval_duration + r.eval_duration <= r.total_duration,
  };
}

async function main() {
  const result = {};

  const chatStream = await ollama.chat({
    model: "client-model",
    messages: [{ role: "user", content: "Hello from the ollama npm client" }],
    stream: true,
  });
  const chat = { roles: [], content: "", content_chunks: 0, objects: 0 };
  let last = null;
  for await (const part of chatStream) {
    chat.objects += 1;
    if (part.message.role && !chat.roles.includes(part.message.role)) {
      chat.roles.push(part.message.role);
    }
    if (part.message.content) {
      chat.content += part.message.content;
      chat.content_chunks += 1;
    }
    last = part;
  }
  result.chat_stream = { ...chat, ...finalFields(last) };

  const chatFull = await ollama.chat({
    model: "client-model",
    messages: [{ role: "user", content: "Hi" }],
    options: { num_predict: 5 },
  });
  result.chat = {
    role: chatFull.message.role,
    content: chatFull.message.content,
    ...finalFields(chatFull),
  };

  const genStream = await ollama.generate({
    model: "client-model",
    prompt: "Why is the sky blue?",
    stream: true,
    options: { num_predict: 4 },
  });
  const gen = { response: "", chunks: 0 };
  for await (const part of genStream) {
    if (part.response) {
      gen.response += part.response;
      gen.chunks += 1;
    }
    last = part;
  }
  result.generate_stream = { ...gen, ...finalFields(last) };

  const genFull = await ollama.generate({ model: "client-model", prompt: "Why?" });
  result.generate = { response: genFull.response, ...finalFields(genFull) };

  const tags = await ollama.list();
  result.models = tags.models.map((m) => m.name);

  try {
    await ollama.chat({ model: "", messages: [{ role: "user", content: "x" }] });
    result.error = "no error";
  } catch (e) {
    result.error = { name: e.name, status: e.status_code, message: e.error };
  }

  console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
