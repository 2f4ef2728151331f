// Drives the OpenAI-compatible paths of `llmload mock` that DashScope and Zhipu serve, with the
// official `openai` npm client: DashScope's compatible mode (/compatible-mode/v1) and Zhipu's
// v4 API (/api/paas/v4), whose key is a JWT this script signs itself with node's crypto (an
// implementation independent of llmload's).
// Usage: node openai_compat.mjs PORT ZHIPU_KEY(id.secret) [JWT_TIME_MS]
// Prints one JSON object with what the client saw; exits 1 (with the error) on any failure.
import { createHmac } from "node:crypto";
import OpenAI from "openai";

const [port, zhipuKey, jwtTime] = process.argv.slice(2);
if (!port || !zhipuKey) {
  console.error("usage: node openai_compat.mjs PORT ZHIPU_KEY [JWT_TIME_MS]");
  process.exit(2);
}

const b64url = (bytes) => Buffer.from(bytes).toString("base64url");

// Zhipu's token: HS256 over base64url(header).base64url(payload), times in ms.
function zhipuJwt(key, nowMs, ttlMs = 210_000) {
  const [id, secret] = key.split(".");
  const head = b64url(JSON.stringify({ alg: "HS256", sign_type: "SIGN" }));
  const body = b64url(JSON.stringify({ api_key: id, exp: nowMs + ttlMs, timestamp: nowMs }));
  const sig = createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

function client(path, apiKey) {
  return new OpenAI({
    baseURL: `http://127.0.0.1:${port}${path}`,
    apiKey,
    maxRetries: 0,
    timeout: 30_000,
  });
}

async function streamed(c, model) {
  const stream = await c.chat.completions.create({
    model,
    messages: [{ role: "user", content: "Hello from the openai npm client" }],
    stream: true,
    stream_options: { include_usage: true },
  });
  const out = { roles: [], content: "", content_chunks: 0, finish_reason: null, usage: null };
  for await (const chunk of stream) {
    out.id ??= chunk.id;
    out.model ??= chunk.model;
    out.object ??= chunk.object;
    out.created ??= chunk.created;
    if (chunk.usage) out.usage = chunk.usage;
    for (const choice of chunk.choices) {
      if (choice.delta.role) out.roles.push(choice.delta.role);
      if (choice.delta.content) {
        out.content += choice.delta.content;
        out.content_chunks += 1;
      }
      if (choice.finish_reason) out.finish_reason = choice.finish_reason;
    }
  }
  return out;
}

async function whole(c, model) {
  const r = await c.chat.completions.create({
    model,
    messages: [{ role: "user", content: "Hi" }],
    max_tokens: 5,
  });
  return {
    id: r.id,
    object: r.object,
    model: r.model,
    role: r.choices[0].message.role,
    content: r.choices[0].message.content,
    finish_reason: r.choices[0].finish_reason,
    usage: r.usage,
  };
}

// The error the client reports for a refused request.
async function refused(c, model) {
  try {
    await c.chat.completions.create({ model, messages: [{ role: "user", content: "x" }] });
    return { refused: false };
  } catch (e) {
    return { refused: true, status: e.status, code: e.code ?? e.error?.code, message: e.message };
  }
}

async function main() {
  const result = {};
  if (jwtTime) result.jwt_at_time = zhipuJwt(zhipuKey, Number(jwtTime));

  const dashscope = client("/compatible-mode/v1", "sk-dashscope");
  result.dashscope_stream = await streamed(dashscope, "qwen-plus");
  result.dashscope = await whole(dashscope, "qwen-plus");

  const zhipu = client("/api/paas/v4", zhipuJwt(zhipuKey, Date.now()));
  result.zhipu_stream = await streamed(zhipu, "glm-4-flash");
  result.zhipu = await whole(zhipu, "glm-4-flash");

  const [id] = zhipuKey.split(".");
  result.zhipu_wrong_secret = await refused(
    client("/api/paas/v4", zhipuJwt(`${id}.wrong-secret`, Date.now())), "glm-4-flash");
  result.zhipu_expired = await refused(
    client("/api/paas/v4", zhipuJwt(zhipuKey, Date.now() - 600_000)), "glm-4-flash");
  result.zhipu_not_a_jwt = await refused(client("/api/paas/v4", "plain-key"), "glm-4-flash");

  console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
