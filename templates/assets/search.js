/* kbgen search. No build step, no dependencies, no eval, no fetch: the index arrives as
 * script files that call kbgenSearch.manifest/terms/docs, so search works from file:// and
 * under Content-Security-Policy script-src 'self'. The tokenizer and the index format
 * mirror src/index/tokenize.rs and src/index/shard.rs; tests/search/vectors.json keeps the
 * two in step. */
(function (global) {
  "use strict";

  // ---- tokenizer: mirrors src/index/tokenize.rs ----

  function fold(ch) {
    var c = ch.codePointAt(0);
    if (c === 0x3000) return " ";
    if (c >= 0xff01 && c <= 0xff5e) ch = String.fromCodePoint(c - 0xfee0);
    if (ch >= "A" && ch <= "Z") return ch.toLowerCase();
    return ch;
  }

  function isHan(ch) {
    var c = ch.codePointAt(0);
    return (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x3ffff);
  }

  function isDigit(ch) { return ch >= "0" && ch <= "9"; }
  function isWord(ch) { return (ch >= "a" && ch <= "z") || isDigit(ch); }

  /** Tokens of a text: {type: "word" | "bigram" | "single", text}. */
  function tokenize(text) {
    var chars = Array.from(text, fold);
    var tokens = [];
    var i = 0;
    while (i < chars.length) {
      var c = chars[i];
      var start = i;
      if (isHan(c)) {
        while (i < chars.length && isHan(chars[i])) i++;
        if (i - start === 1) {
          tokens.push({ type: "single", text: c });
        } else {
          for (var k = start; k + 1 < i; k++) tokens.push({ type: "bigram", text: chars[k] + chars[k + 1] });
        }
      } else if (isWord(c)) {
        while (i < chars.length && isWord(chars[i])) i++;
        while (i + 1 < chars.length && (chars[i] === "." || chars[i] === "+") && isWord(chars[i + 1])) {
          i++;
          while (i < chars.length && isWord(chars[i])) i++;
        }
        if (i < chars.length && chars[i] === "%" && isDigit(chars[i - 1])) i++;
        tokens.push({ type: "word", text: chars.slice(start, i).join("") });
      } else {
        i++;
      }
    }
    return tokens;
  }

  // ---- index format: mirrors src/index/shard.rs ----

  var encoder = typeof TextEncoder === "function" ? new TextEncoder() : null;

  function fnv1a32(s) {
    var bytes = encoder.encode(s);
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  function bucketKey(term) {
    var cs = Array.from(term);
    if (cs.length && isHan(cs[0])) return term;
    return cs.slice(0, 3).join("");
  }

  function bucketOf(term, buckets) { return fnv1a32(bucketKey(term)) % Math.max(buckets, 1); }

  var CONT = "0123456789abcdefghijklmnopqrstuv";
  var LAST = "ABCDEFGHIJKLMNOPQRSTUVWXYZ()*+,-";

  function encodeVarint(v) {
    var out = "";
    for (;;) {
      var d = v % 32;
      v = Math.floor(v / 32);
      if (v === 0) return out + LAST[d];
      out += CONT[d];
    }
  }

  var LEVELS = "wxyz!#$%&.:;=?@^";

  /** Postings of one term: a Map doc -> score level (1..16). Groups of one level, each
   * opened by its level character, hold ascending doc ids as varint deltas. */
  function decodePostings(s) {
    var out = new Map();
    var level = 0, doc = 0, v = 0, mul = 1;
    for (var i = 0; i < s.length; i++) {
      var ch = s[i];
      var l = LEVELS.indexOf(ch);
      if (l >= 0) { level = l + 1; doc = 0; continue; }
      var d = CONT.indexOf(ch);
      if (d >= 0) { v += d * mul; mul *= 32; continue; }
      doc += v + LAST.indexOf(ch) * mul;
      out.set(doc, level);
      v = 0;
      mul = 1;
    }
    return out;
  }

  /** Encodes postings [[doc, level]] sorted by doc, as the Rust side does (for tests). */
  function encodePostings(postings) {
    var out = "";
    for (var level = 16; level >= 1; level--) {
      var prev = -1;
      postings.forEach(function (p) {
        if (p[1] !== level) return;
        if (prev < 0) out += LEVELS[level - 1];
        out += encodeVarint(p[0] - Math.max(prev, 0));
        prev = p[0];
      });
    }
    return out;
  }

  // ---- query evaluation ----

  /** The distinct terms of a query. Words of three or more letters also match by prefix. In a
   * Chinese run, the bigrams that tile it are required and the ones bridging two tiles are
   * optional: 结算失败 needs 结算 and 失败, and 算失 only ranks the exact phrase higher. */
  function queryTerms(query) {
    var seen = Object.create(null);
    var terms = [];
    var add = function (text, prefix, optional) {
      if (seen[text] !== undefined) {
        if (!optional) terms[seen[text]].optional = false;
        return;
      }
      seen[text] = terms.length;
      terms.push({ text: text, prefix: prefix, optional: optional });
    };
    var tokens = tokenize(query);
    var i = 0;
    while (i < tokens.length) {
      var t = tokens[i];
      if (t.type !== "bigram") {
        add(t.text, t.type === "word" && Array.from(t.text).length >= 3, false);
        i++;
        continue;
      }
      var run = [];
      while (i < tokens.length && tokens[i].type === "bigram" && (!run.length || Array.from(run[run.length - 1])[1] === Array.from(tokens[i].text)[0])) {
        run.push(tokens[i].text);
        i++;
      }
      // A run of n characters has n - 1 bigrams; keep the even ones and the last.
      run.forEach(function (b, k) { add(b, false, !(k % 2 === 0 || k === run.length - 1)); });
    }
    // Single characters are indexed from titles, aliases, headings and summaries only, so
    // beside other terms (POS机) they rank rather than filter.
    var single = function (t) { return isHan(t.text) && Array.from(t.text).length === 1; };
    if (terms.some(function (t) { return !t.optional && !single(t); })) {
      terms.forEach(function (t) { if (single(t)) t.optional = true; });
    }
    return terms;
  }

  /** A prefix match counts a little less than an exact one, as a tie-breaker only: pinyin
   * is indexed as the longest window from each syllable, so `jiesuan` usually matches
   * `jiesuanshibai` by prefix. */
  var PREFIX = 0.95;

  /** Scores of every document matching `term` in a loaded bucket. */
  function termScores(term, bucket) {
    var scores = new Map();
    var merge = function (encoded, factor) {
      decodePostings(encoded).forEach(function (q, doc) {
        var s = q * factor;
        if (!(scores.get(doc) >= s)) scores.set(doc, s);
      });
    };
    if (!bucket) return scores;
    if (Object.prototype.hasOwnProperty.call(bucket, term.text)) merge(bucket[term.text], 1);
    if (term.prefix) {
      Object.keys(bucket).forEach(function (key) {
        if (key !== term.text && key.lastIndexOf(term.text, 0) === 0) merge(bucket[key], PREFIX);
      });
    }
    return scores;
  }

  /** Documents matching every required term, best first: [{doc, score}]. Optional terms
   * only add to the score. */
  function rank(terms, buckets) {
    var total = null;
    terms.forEach(function (term) {
      if (term.optional) return;
      var scores = termScores(term, buckets[term.text]);
      if (total === null) {
        total = scores;
        return;
      }
      var next = new Map();
      total.forEach(function (s, doc) {
        if (scores.has(doc)) next.set(doc, s + scores.get(doc));
      });
      total = next;
    });
    if (total) {
      terms.forEach(function (term) {
        if (!term.optional) return;
        termScores(term, buckets[term.text]).forEach(function (s, doc) {
          if (total.has(doc)) total.set(doc, total.get(doc) + s);
        });
      });
    }
    var out = [];
    if (total) total.forEach(function (score, doc) { out.push({ doc: doc, score: score }); });
    out.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return out;
  }

  /** Folded text, for finding the query in a document. */
  function foldText(s) { return Array.from(s, fold).join(""); }

  /** Adjacency: for a query of several terms, the whole query as written in the title,
   * aliases or text ranks higher. (A single term has matched where it stands already.) */
  function phraseBonus(query, record) {
    var q = foldText(query).trim();
    if (queryTerms(query).length < 2) return 1;
    if (foldText(record[1]).indexOf(q) >= 0) return 1.5;
    if (foldText(record[4]).indexOf(q) >= 0) return 1.3;
    if (foldText(record[3] + " " + record[5]).indexOf(q) >= 0) return 1.15;
    return 1;
  }

  /** Ranges [start, end) of code points in `text` where any needle occurs (folded). */
  function matchRanges(text, needles) {
    var hay = Array.from(text, fold);
    var ranges = [];
    needles.forEach(function (needle) {
      var n = Array.from(needle);
      if (!n.length) return;
      for (var i = 0; i + n.length <= hay.length; i++) {
        var ok = true;
        for (var j = 0; j < n.length && ok; j++) ok = hay[i + j] === n[j];
        if (ok) ranges.push([i, i + n.length]);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    return merged;
  }

  /** A window of `text` around its first match, with the ranges inside it. */
  function snippet(text, needles, width) {
    var chars = Array.from(text);
    var ranges = matchRanges(text, needles);
    var start = ranges.length ? Math.max(0, ranges[0][0] - Math.floor(width / 3)) : 0;
    var end = Math.min(chars.length, start + width);
    return {
      text: (start > 0 ? "…" : "") + chars.slice(start, end).join("") + (end < chars.length ? "…" : ""),
      ranges: ranges.filter(function (r) { return r[0] < end && r[1] > start; }).map(function (r) {
        var shift = start > 0 ? 1 - start : 0;
        return [Math.max(r[0], start) + shift, Math.min(r[1], end) + shift];
      }),
      matched: ranges.length > 0
    };
  }

  var internals = {
    fold: fold, tokenize: tokenize, fnv1a32: fnv1a32, bucketKey: bucketKey, bucketOf: bucketOf,
    encodeVarint: encodeVarint, decodePostings: decodePostings, encodePostings: encodePostings, queryTerms: queryTerms,
    rank: rank, matchRanges: matchRanges, snippet: snippet, phraseBonus: phraseBonus
  };
  if (typeof module === "object" && module.exports) {
    module.exports = internals;
    return;
  }

  // ---- loading: every index file is a script that calls back into kbgenSearch ----

  var script = document.currentScript;
  var root = script ? script.src.replace(/assets\/search\.js(\?.*)?$/, "") : "";
  // Loads waiting for a file, by path: the data callbacks name only their path.
  var waiting = Object.create(null);

  /** Loads search/<path> as a script; resolves with {v, data} from its callback. */
  function loadScript(path, query) {
    return new Promise(function (resolve, reject) {
      var waiter = { resolve: resolve, done: false };
      (waiting[path] = waiting[path] || []).push(waiter);
      var el = document.createElement("script");
      el.src = root + "search/" + path + (query || "");
      el.async = true;
      var fail = function () {
        if (waiter.done) return;
        waiter.done = true;
        var list = waiting[path] || [];
        if (list.indexOf(waiter) >= 0) list.splice(list.indexOf(waiter), 1);
        reject(new Error("cannot load " + path));
      };
      el.onerror = fail;
      // The callback runs before `load`; a file that ran without calling back (an HTML
      // error page served as 200, say) fails here instead of hanging.
      el.onload = fail;
      document.head.appendChild(el);
    });
  }

  function arrive(path, version, data) {
    var list = waiting[path] || [];
    delete waiting[path];
    list.forEach(function (w) {
      if (!w.done) {
        w.done = true;
        w.resolve({ v: version, data: data });
      }
    });
  }

  global.kbgenSearch = {
    manifest: function (m) { arrive("index.js", m.v, m); },
    terms: function (v, bucket, data) { arrive("t/" + bucket + ".js", v, data); },
    docs: function (v, shard, data) { arrive("d/" + shard + ".js", v, data); }
  };

  // One loaded manifest and the shards loaded under it. A query keeps the state it started
  // with, so a reload never mixes two builds.
  var current = null;

  function state(fresh) {
    if (!current || fresh) {
      var p = loadScript("index.js", fresh ? "?r=" + Date.now() : "").then(function (r) {
        return { m: r.data, cache: Object.create(null) };
      });
      p.catch(function () { if (current === p) current = null; });
      current = p;
    }
    return current;
  }

  function shard(st, kind, n) {
    var path = kind + "/" + n + ".js";
    if (!st.cache[path]) {
      var p = loadScript(path, "?v=" + st.m.v).then(function (r) {
        if (r.v !== st.m.v) throw new Error("stale");
        return r.data;
      });
      p.catch(function () { if (st.cache[path] === p) delete st.cache[path]; });
      st.cache[path] = p;
    }
    return st.cache[path];
  }

  function attempt(st, query, limit) {
    var m = st.m;
    var terms = queryTerms(query);
    if (!terms.length) return Promise.resolve({ results: [], total: 0, terms: terms, m: m });
    var wanted = {};
    terms.forEach(function (t) { wanted[t.text] = bucketOf(t.text, m.buckets); });
    var keys = [];
    terms.forEach(function (t) { if (keys.indexOf(wanted[t.text]) < 0) keys.push(wanted[t.text]); });
    return Promise.all(keys.map(function (b) { return shard(st, "t", b); })).then(function (loaded) {
      var buckets = {};
      terms.forEach(function (t) { buckets[t.text] = loaded[keys.indexOf(wanted[t.text])]; });
      var ranked = rank(terms, buckets);
      // Two more than shown, so the phrase bonus can lift one into view.
      var top = ranked.slice(0, limit + 2);
      var shards = [];
      top.forEach(function (r) {
        var s = Math.floor(r.doc / m.docsPerShard);
        if (shards.indexOf(s) < 0) shards.push(s);
      });
      return Promise.all(shards.map(function (s) { return shard(st, "d", s); })).then(function (docs) {
        top.forEach(function (r) {
          var s = Math.floor(r.doc / m.docsPerShard);
          r.record = docs[shards.indexOf(s)][r.doc - s * m.docsPerShard];
          r.score *= phraseBonus(query, r.record);
        });
        top.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
        return { results: top.slice(0, limit), total: ranked.length, terms: terms, m: m };
      });
    });
  }

  /** Runs a query; if a file from another build turns up, reloads the manifest once. */
  function search(query, limit) {
    return state(false).then(function (st) { return attempt(st, query, limit); }).catch(function (err) {
      if (err.message !== "stale") throw err;
      return state(true).then(function (st) { return attempt(st, query, limit); });
    });
  }

  // ---- interface ----

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** Text with <mark> around the ranges, built from text nodes only. */
  function marked(tag, cls, snip) {
    var e = el(tag, cls);
    var chars = Array.from(snip.text);
    var at = 0;
    snip.ranges.forEach(function (r) {
      if (r[0] > at) e.appendChild(document.createTextNode(chars.slice(at, r[0]).join("")));
      e.appendChild(el("mark", null, chars.slice(r[0], r[1]).join("")));
      at = r[1];
    });
    if (at < chars.length) e.appendChild(document.createTextNode(chars.slice(at).join("")));
    return e;
  }

  function href(m, path) { return root + path + (m.portable ? "index.html" : ""); }

  function needlesOf(query) {
    var needles = [];
    tokenize(query).forEach(function (t) { needles.push(t.text); });
    return needles;
  }

  function renderResults(box, status, query, outcome) {
    var m = outcome.m;
    box.textContent = "";
    var needles = needlesOf(query);
    if (!outcome.results.length) {
      status.textContent = "没有找到与“" + query + "”相关的内容。";
      var hint = el("div", "search-empty");
      hint.appendChild(el("p", null, "换个说法试试，或者从这些常见问题开始："));
      var ul = el("ul");
      m.suggest.forEach(function (s) {
        var li = el("li");
        var a = el("a", null, s[0]);
        a.href = href(m, s[1]);
        li.appendChild(a);
        ul.appendChild(li);
      });
      hint.appendChild(ul);
      box.appendChild(hint);
      return;
    }
    status.textContent = "找到 " + outcome.total + " 条结果" + (outcome.total > outcome.results.length ? "，显示前 " + outcome.results.length + " 条" : "");
    var list = el("ol", "search-list");
    outcome.results.forEach(function (r) {
      var rec = r.record;
      var li = el("li", "search-result");
      var a = el("a");
      a.href = href(m, rec[0]);
      a.appendChild(el("span", "result-kind", m.kinds[rec[2]] || ""));
      a.appendChild(marked("span", "result-title", snippet(rec[1], needles, 80)));
      var body = snippet(rec[3], needles, 60);
      if (!body.matched) {
        var alias = snippet(rec[4], needles, 60);
        var text = snippet(rec[5], needles, 60);
        body = alias.matched ? alias : text.matched ? text : body;
      }
      a.appendChild(marked("span", "result-snippet", body));
      li.appendChild(a);
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  function setup(form) {
    var input = form.querySelector("input[type=search]");
    var box = document.getElementById(form.getAttribute("data-results"));
    var status = document.getElementById(form.getAttribute("data-status"));
    var fallback = form.getAttribute("data-fallback") ? document.getElementById(form.getAttribute("data-fallback")) : null;
    var limit = parseInt(form.getAttribute("data-limit"), 10) || 8;
    var page = form.hasAttribute("data-page");
    if (!input || !box || !status) return;
    var timer = null;
    var seq = 0;
    var renderedFor = null;
    var panel = box.parentElement && box.parentElement.classList.contains("search-panel") ? box.parentElement : null;

    function show(on) {
      if (panel) panel.hidden = !on;
      if (fallback) fallback.hidden = on;
    }

    function run() {
      var query = input.value.trim();
      var mine = ++seq;
      if (page && global.history && global.history.replaceState) {
        var url = new URL(global.location.href);
        if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
        try { global.history.replaceState(null, "", url.href); } catch (e) { /* file:// may refuse */ }
      }
      if (!query) {
        box.textContent = "";
        status.textContent = "";
        renderedFor = null;
        show(false);
        return;
      }
      status.textContent = "正在搜索…";
      renderedFor = null;
      // On the search page the list already there stays until the results can take its
      // place in the same frame, so nothing on screen jumps while the index loads.
      if (!page) show(true);
      search(query, limit).then(function (outcome) {
        if (mine !== seq) return;
        show(true);
        renderResults(box, status, query, outcome);
        renderedFor = query;
      }, function () {
        if (mine === seq) status.textContent = "搜索索引加载失败，请刷新页面重试。";
      });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 60);
    });
    input.addEventListener("focus", function () { state(false).catch(function () {}); });
    form.addEventListener("keydown", function (e) {
      var links = Array.prototype.slice.call(box.querySelectorAll("a"));
      var at = links.indexOf(document.activeElement);
      if (e.key === "ArrowDown" && links.length) {
        e.preventDefault();
        links[Math.min(at + 1, links.length - 1)].focus();
      } else if (e.key === "ArrowUp" && links.length) {
        e.preventDefault();
        if (at <= 0) input.focus(); else links[at - 1].focus();
      } else if (e.key === "Escape") {
        input.focus();
        if (panel) panel.hidden = true;
      }
    });
    form.addEventListener("submit", function (e) {
      if (page) {
        e.preventDefault();
        run();
        return;
      }
      // Enter opens the top result only if it answers what is typed now; otherwise the
      // form goes to the search page.
      var first = box.querySelector("a");
      if (first && renderedFor === input.value.trim()) {
        e.preventDefault();
        global.location.href = first.href;
      }
    });
    if (page) {
      var q = new URLSearchParams(global.location.search).get("q");
      if (q) {
        input.value = q;
        run();
      }
    }
  }

  function init() {
    var forms = document.querySelectorAll("form[data-kb-search]");
    Array.prototype.forEach.call(forms, setup);
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
      if (e.key === "/" && !typing && forms.length) {
        e.preventDefault();
        var pageForm = document.querySelector("form[data-kb-search][data-page]") || forms[0];
        pageForm.querySelector("input[type=search]").focus();
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})(typeof window !== "undefined" ? window : globalThis);
