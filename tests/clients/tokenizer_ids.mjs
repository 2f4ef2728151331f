// The reference for llmload's native tokenizer (tokenizer/tokenizer.h): Hugging Face's own
// JavaScript tokenizers library encodes texts with a model's tokenizer.json, and the test
// (tests/integration/tokenizer_exactness_test.cc) compares the ids llmload gives.
// Usage: node tokenizer_ids.mjs MODEL_DIR FILE...
//   MODEL_DIR holds tokenizer.json (and tokenizer_config.json, when there is one).
//   Each FILE is read as bytes and decoded as TextDecoder does (ill-formed UTF-8 becomes
//   U+FFFD; a BOM is kept as text), then encoded whole and line by line (split at "\n").
// Prints {"files": [{"whole": [ids], "lines": [[ids], ...]}, ...]}, no special tokens added.
import fs from "node:fs";
import path from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";

const [, , modelDir, ...files] = process.argv;
if (!modelDir || files.length === 0) {
  console.error("usage: node tokenizer_ids.mjs MODEL_DIR FILE...");
  process.exit(2);
}
const readJson = (name) => {
  const file = path.join(modelDir, name);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
};
const tokenizer = new Tokenizer(readJson("tokenizer.json"), readJson("tokenizer_config.json"));
const encode = (text) => tokenizer.encode(text, { add_special_tokens: false }).ids;
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const report = { files: [] };
for (const file of files) {
  const text = decoder.decode(fs.readFileSync(file));
  report.files.push({ whole: encode(text), lines: text.split("\n").map(encode) });
}
console.log(JSON.stringify(report));
