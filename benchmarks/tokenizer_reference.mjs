// The npm reference's side of benchmarks/tokenizer_bench.sh: Hugging Face's JavaScript
// tokenizers library encodes FILE line by line (a prompt per line) with MODEL_DIR's
// tokenizer.json, after one warm-up pass over WARMUP_FILE (so the JIT has compiled the hot
// code; its word cache then holds WARMUP_FILE's words, not FILE's).
// Usage: node tokenizer_reference.mjs MODEL_DIR FILE WARMUP_FILE
// Prints {"bytes": N, "tokens": N, "seconds": S} (encoding only, not loading).
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const [, , modelDir, file, warmupFile] = process.argv;
// The library is installed with the test clients (tests/clients/node_modules).
const require = createRequire(path.resolve("tests/clients/package.json"));
const library = await import(require.resolve("@huggingface/tokenizers"));
const Tokenizer = library.Tokenizer ?? library.default.Tokenizer;  // ESM or CommonJS build
const readJson = (name) => {
  const p = path.join(modelDir, name);
  return fs.existsSync(p) ? JSON.parse(fs.readFileSync(p, "utf8")) : {};
};
const tokenizer = new Tokenizer(readJson("tokenizer.json"), readJson("tokenizer_config.json"));
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const linesOf = (f) => {
  const lines = decoder.decode(fs.readFileSync(f)).split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
};
for (const line of linesOf(warmupFile)) tokenizer.encode(line, { add_special_tokens: false });
const lines = linesOf(file);
let tokens = 0;
const start = process.hrtime.bigint();
for (const line of lines) tokens += tokenizer.encode(line, { add_special_tokens: false }).ids.length;
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const bytes = fs.statSync(file).size;
console.log(JSON.stringify({ bytes, tokens, seconds }));
