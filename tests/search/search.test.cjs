// The browser search script's logic under node, on the vectors the Rust tests also use.
// Run: node --test tests/search/
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const path = require("node:path");
const fs = require("node:fs");

const search = require(path.join(__dirname, "../../templates/assets/search.js"));
const vectors = JSON.parse(fs.readFileSync(path.join(__dirname, "vectors.json"), "utf8"));

test("tokenizer matches the Rust tokenizer's vectors", () => {
  for (const v of vectors.tokenize) {
    assert.deepStrictEqual(search.tokenize(v.input).map((t) => t.text), v.tokens, v.input);
  }
  assert.strictEqual(search.tokenize("机")[0].type, "single");
  assert.strictEqual(search.tokenize("结算")[0].type, "bigram");
});

test("buckets, varints and postings match the Rust format", () => {
  for (const v of vectors.bucket) assert.strictEqual(search.bucketOf(v.key, v.buckets), v.expected, v.key);
  for (const v of vectors.varint) assert.strictEqual(search.encodeVarint(v.value), v.encoded);
  const decoded = search.decodePostings(vectors.postings.encoded);
  assert.deepStrictEqual([...decoded.entries()].sort((a, b) => a[0] - b[0]), vectors.postings.postings);
  assert.strictEqual(search.encodePostings(vectors.postings.postings), vectors.postings.encoded);
  assert.strictEqual(search.fnv1a32(""), 0x811c9dc5);
  assert.strictEqual(search.fnv1a32("a"), 0xe40c292c);
});

test("query terms: tiling bigrams are required, bridging ones optional", () => {
  const terms = (q) => search.queryTerms(q).map((t) => (t.optional ? "?" : "") + t.text + (t.prefix ? "*" : ""));
  assert.deepStrictEqual(terms("结算失败"), ["结算", "?算失", "失败"]);
  assert.deepStrictEqual(terms("钱没到账了"), ["钱没", "?没到", "到账", "账了"]);
  assert.deepStrictEqual(terms("无法结算"), ["无法", "?法结", "结算"]);
  assert.deepStrictEqual(terms("POS机 jiesuan 5"), ["pos*", "?机", "jiesuan*", "5"], "singles beside other terms only rank");
  assert.deepStrictEqual(terms("机 卡"), ["机", "卡"], "singles alone are required");
  assert.deepStrictEqual(terms("constructor toString"), ["constructor*", "tostring*"], "object keys are plain text");
});

test("every required term must match; optional ones add; prefixes count a little less", () => {
  const enc = search.encodePostings;
  const buckets = {
    "结算": { "结算": enc([[1, 10], [2, 5], [3, 9]]) },
    "算失": { "算失": enc([[3, 7]]) },
    "失败": { "失败": enc([[2, 16], [3, 1]]) },
  };
  // Doc 1 lacks 失败 and drops out; the bridging 算失 adds 7 to doc 3 (9 + 1 + 7).
  const ranked = search.rank(search.queryTerms("结算失败"), buckets);
  assert.deepStrictEqual(ranked.map((r) => [r.doc, r.score]), [[2, 21], [3, 17]]);
  const prefix = search.rank([{ text: "ji", prefix: true }], { ji: { jiesuan: enc([[4, 10]]), ji: enc([[5, 9]]) } });
  assert.deepStrictEqual(prefix.map((r) => [r.doc, r.score]), [[4, 9.5], [5, 9]]);
});

test("snippets mark every match and keep the text", () => {
  const s = search.snippet("顾客付款成功，可当天的款迟迟没到结算卡，或者后台显示结算失败。", ["结算"], 20);
  const chars = Array.from(s.text);
  assert.ok(s.matched);
  for (const [a, b] of s.ranges) assert.strictEqual(chars.slice(a, b).join(""), "结算");
  assert.deepStrictEqual(search.matchRanges("ＰＯＳ机 pos", ["pos"]), [[0, 3], [5, 8]]);
  assert.strictEqual(search.snippet("无关", ["结算"], 20).matched, false);
});
