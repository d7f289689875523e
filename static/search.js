/* Quire search, the browser side of src/search: the same tokenizer, on-demand loading of the index
   files (manifest, term shards, tails, page records) as plain <script>s, ranking, and the combobox.
   Never uses innerHTML: every piece of page data reaches the DOM through text nodes. */
(function (window) {
  "use strict";

  var document = window.document;
  var Q = (window.quireSearch = window.quireSearch || {});
  if (Q.tokenize) {
    return; // Already loaded (the partial included twice).
  }

  /* ---------------------------------------------------------------------------------------------
     Tokenizer: a line-for-line twin of src/search/tokenize.rs and src/search/stem.rs.
     tests/search_tokenize.rs runs the same strings through both and compares. */

  var MAX_TERM_CHARS = 64;
  var MARK = /\p{M}/u;
  var WORD = /[\p{Alphabetic}\p{N}\p{M}]/u;
  var FOLD = { "ß": "ss", "ς": "σ", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "ı": "i", "ħ": "h", "þ": "th" };
  var FOLD_LETTERS = /[ßςæœøđðłıħþ]/g;
  var STOPWORDS = new Set(("a an and are as at be but by for if in into is it no not of on or such that the their " +
    "then there these they this to was will with").split(" "));

  function isCjk(cp) {
    return cp === 0x3005 || cp === 0x3007 ||
      (cp >= 0x3041 && cp <= 0x3096) || (cp >= 0x3099 && cp <= 0x309f) ||
      (cp >= 0x30a1 && cp <= 0x30fa) || (cp >= 0x30fc && cp <= 0x30ff) ||
      (cp >= 0x31f0 && cp <= 0x31ff) ||
      (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3ffff);
  }

  /* NFKD; marks after a Latin, Greek or Cyrillic letter (below U+0530) dropped; NFC; lower case;
     letters without a decomposition folded. */
  function fold(text) {
    var decomposed = text.normalize("NFKD");
    var out = "";
    var dropMarks = false;
    for (var ch of decomposed) {
      if (MARK.test(ch)) {
        if (dropMarks) {
          continue;
        }
      } else {
        dropMarks = ch.codePointAt(0) < 0x530;
      }
      out += ch;
    }
    return out.normalize("NFC").toLowerCase().replace(FOLD_LETTERS, function (letter) {
      return FOLD[letter];
    });
  }

  function isVowel(c) {
    return c === "a" || c === "e" || c === "i" || c === "o" || c === "u" || c === "y";
  }

  function undouble(base) {
    var n = base.length;
    var last = base[n - 1];
    if (n >= 2 && last === base[n - 2] && !isVowel(last) && last !== "l" && last !== "s" && last !== "z") {
      return base.slice(0, n - 1);
    }
    return base;
  }

  function stem(word) {
    if (word.length < 4 || !/^[a-z]+$/.test(word)) {
      return word;
    }
    if (word.length > 4 && (word.endsWith("ies") || word.endsWith("ied"))) {
      return word.slice(0, -3);
    }
    var s = word;
    if (s.endsWith("sses")) {
      s = s.slice(0, -2);
    } else if (s.endsWith("s") && !s.endsWith("ss") && !s.endsWith("us") && !s.endsWith("is")) {
      s = s.slice(0, -1);
    }
    var endings = ["ing", "ed"];
    for (var i = 0; i < endings.length; i++) {
      if (s.endsWith(endings[i])) {
        var base = s.slice(0, s.length - endings[i].length);
        if (base.length >= 3 && /[aeiouy]/.test(base)) {
          s = undouble(base);
        }
        break;
      }
    }
    if (s.length > 3 && (s.endsWith("e") || s.endsWith("y"))) {
      s = s.slice(0, -1);
    }
    return s;
  }

  /* Calls emit(term, word, kind) for each term; word is the folded word before stemming and kind is
     "word", "bigram" (from a run of two or more CJK characters) or "char" (a lone CJK character). */
  function scanTerms(text, emit) {
    var folded = fold(text);
    var word = "";
    var cjk = [];
    function finishWord() {
      if (word === "") {
        return;
      }
      if (Array.from(word).length <= MAX_TERM_CHARS && !STOPWORDS.has(word)) {
        emit(stem(word), word, "word");
      }
      word = "";
    }
    function finishCjk() {
      if (cjk.length === 1) {
        emit(cjk[0], cjk[0], "char");
      } else {
        for (var i = 0; i + 1 < cjk.length; i++) {
          emit(cjk[i] + cjk[i + 1], cjk[i] + cjk[i + 1], "bigram");
        }
      }
      cjk = [];
    }
    for (var ch of folded) {
      if (isCjk(ch.codePointAt(0))) {
        finishWord();
        cjk.push(ch);
      } else if (WORD.test(ch)) {
        finishCjk();
        word += ch;
      } else {
        finishWord();
        finishCjk();
      }
    }
    finishWord();
    finishCjk();
  }

  function tokenize(text) {
    var terms = [];
    scanTerms(text, function (term) {
      terms.push(term);
    });
    return terms;
  }

  /* ---------------------------------------------------------------------------------------------
     Loading: each index file is a script calling one of the functions below. URLs are relative to
     this script's own address, so the site may live under any path, or on file://. */

  var FORMAT = 2;
  var scriptSrc = document && document.currentScript ? document.currentScript.src : "";
  var root = Q.root || (scriptSrc ? new URL(".", scriptSrc).href : "");
  var offline = root.slice(0, 5) === "file:";
  var pending = {};
  var loaded = {};
  var manifest = null;

  function settle(key, value) {
    loaded[key] = value;
    if (pending[key]) {
      pending[key].resolve(value);
    }
  }

  Q.manifest = function (m) {
    settle("manifest", m);
  };
  Q.shard = function (key, entries) {
    settle("s" + key, entries);
  };
  Q.tail = function (name, postings) {
    settle("t" + name, postings);
  };
  Q.records = function (group, records) {
    settle("d" + group, records);
  };

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = function () {
        script.remove();
        resolve();
      };
      script.onerror = function () {
        script.remove();
        reject(new Error("cannot load " + url));
      };
      document.head.appendChild(script);
    });
  }

  /* Loads search/<path> once; resolves with what its call handed over under `key`. */
  function request(key, path) {
    if (loaded[key] !== undefined) {
      return Promise.resolve(loaded[key]);
    }
    if (pending[key]) {
      return pending[key].promise;
    }
    var entry = {};
    entry.promise = new Promise(function (resolve, reject) {
      entry.resolve = resolve;
      entry.reject = reject;
    });
    pending[key] = entry;
    var url = root + "search/" + path;
    if (manifest && !offline) {
      url += "?v=" + manifest.v; // A new build never mixes with cached files of an old one.
    }
    (Q.loadScript || loadScript)(url).then(function () {
      if (loaded[key] === undefined) {
        throw new Error(url + " did not deliver " + key);
      }
    }).catch(function (error) {
      delete pending[key];
      entry.reject(error);
    });
    return entry.promise;
  }

  function loadManifest() {
    return request("manifest", "manifest.js").then(function (m) {
      if (m.f !== FORMAT) {
        throw new Error("search index format " + m.f + " is not " + FORMAT);
      }
      manifest = m;
      return m;
    });
  }

  /* Shard n holds the terms t with keys[n] <= t < keys[n + 1] (JavaScript string order). */
  function shardOf(term) {
    var keys = manifest.b;
    var lo = 0;
    var hi = keys.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (keys[mid] <= term) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /* A shard's file is named for its key as file_name in src/search/scripts.rs names it: the key after
     "_" when it is lower-case ASCII letters and digits, otherwise "x" and the hex of its UTF-8 bytes. */
  function shardFile(key) {
    if (/^[a-z0-9]*$/.test(key)) {
      return "_" + key;
    }
    var encoded = encodeURIComponent(key);
    var name = "x";
    for (var i = 0; i < encoded.length; i++) {
      if (encoded[i] === "%") {
        name += encoded.slice(i + 1, i + 3).toLowerCase();
        i += 2;
      } else {
        name += encoded.charCodeAt(i).toString(16);
      }
    }
    return name;
  }

  function loadShard(n) {
    var key = manifest.b[n];
    return request("s" + key, "s/" + shardFile(key) + ".js");
  }

  /* First entry whose term is >= term. */
  function lowerBound(entries, term) {
    var lo = 0;
    var hi = entries.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (entries[mid][0] < term) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /* ---------------------------------------------------------------------------------------------
     Postings (see encode_postings in src/search/postings.rs): groups of one score, best first; a
     group is its score, its size times two (plus one for a bitmap), then each posting's gap to the
     group's previous page (the first page as is) and, in heads, its heading; or the first page and a
     bitmap of the pages from there, five a digit. Numbers are base-32 varints. Tails carry no
     headings: their heading is -1 (unknown). */

  var LAST = "0123456789abcdefghijklmnopqrstuv";
  var CONTINUED = "ABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&(";
  var DIGIT = new Int8Array(128).fill(-1);
  for (var d = 0; d < 32; d++) {
    DIGIT[LAST.charCodeAt(d)] = d;
    DIGIT[CONTINUED.charCodeAt(d)] = 32 + d;
  }

  function decodePostings(text, withHeadings) {
    var docs = [];
    var scores = [];
    var headings = [];
    var at = 0;
    function number() {
      var value = 0;
      while (at < text.length) {
        var digit = DIGIT[text.charCodeAt(at++)];
        if (digit < 32) {
          return value * 32 + digit;
        }
        value = value * 32 + (digit - 32);
      }
      throw new Error("search index: cut-off postings");
    }
    while (at < text.length) {
      var score = number();
      var size = number();
      var count = size >> 1;
      var doc;
      if (size & 1) {
        doc = number();
        for (var found = 0; found < count && at < text.length; at++) {
          var bits = DIGIT[text.charCodeAt(at)];
          for (var b = 0; b < 5; b++, doc++) {
            if ((bits >> b) & 1) {
              docs.push(doc);
              scores.push(score);
              headings.push(-1);
              found++;
            }
          }
        }
      } else {
        doc = -1;
        for (var k = 0; k < count; k++) {
          doc += 1 + number();
          docs.push(doc);
          scores.push(score);
          headings.push(withHeadings ? number() : -1);
        }
      }
    }
    return { docs: docs, scores: scores, headings: headings };
  }

  /* A shard entry is [term, pages, head postings, tail name?]; decoded once, on first use. */
  function termPostings(entry) {
    if (!entry.head) {
      entry.head = decodePostings(entry[2], true);
    }
    return entry.tail ? [entry.head, entry.tail] : [entry.head];
  }

  function loadTail(entry) {
    if (!entry[3] || entry.tail) {
      return Promise.resolve();
    }
    return request("t" + entry[3], "t/" + entry[3] + ".js").then(function (text) {
      entry.tail = decodePostings(text, false);
    });
  }

  /* ---------------------------------------------------------------------------------------------
     Queries. Every query word must match (all of a CJK run's bigrams too); the word being typed
     also matches as a prefix. A page scores the sum over words of idf × its posting score, so a
     title match outranks a heading match, which outranks body text. */

  var MIN_PREFIX = 3;
  var MAX_EXPANSIONS = 24;
  var MAX_PREFIX_SHARDS = 3;
  var PREFIX_WEIGHT = 0.8;
  var MAX_TAILS = 1;
  var MAX_WORDS = 12;

  /* The query's words: {term, word, prefix}. The last word is a prefix unless followed by a space. */
  function queryWords(query) {
    var words = [];
    scanTerms(query, function (term, word, kind) {
      words.push({ term: term, word: word, prefix: false, cjk: kind !== "word", kind: kind });
    });
    var seen = new Set();
    words = words.filter(function (w) {
      return seen.has(w.term) ? false : (seen.add(w.term), true);
    });
    // A pasted paragraph should not fetch a shard per word: its first words decide.
    words = words.slice(0, MAX_WORDS);
    var last = words[words.length - 1];
    if (last && !/[\s\p{P}]$/u.test(query) && last.kind !== "bigram" && words.length < MAX_WORDS) {
      last.prefix = true;
      if (!last.cjk && Array.from(last.word).length < MIN_PREFIX) {
        words.pop(); // One or two letters typed: too early to say anything about that word.
      }
    }
    return words;
  }

  /* Matches of one word: [{entry, weight}]. */
  function matchWord(word) {
    var exact = loadShard(shardOf(word.term)).then(function (entries) {
      var at = lowerBound(entries, word.term);
      return at < entries.length && entries[at][0] === word.term ? [{ entry: entries[at], weight: 1 }] : [];
    });
    if (!word.prefix) {
      return exact;
    }
    var candidates = [word.term];
    if (!word.cjk) {
      // While a word is half typed its stem is not yet a prefix of anything ("renderi"); back off.
      var chars = Array.from(word.word);
      for (var cut = chars.length; cut >= Math.max(MIN_PREFIX, chars.length - 3); cut--) {
        candidates.push(chars.slice(0, cut).join(""));
      }
    }
    candidates = candidates.filter(function (p, i) {
      return candidates.indexOf(p) === i && (word.cjk || Array.from(p).length >= MIN_PREFIX);
    });
    return exact.then(function (found) {
      return tryPrefixes(candidates, 0, found);
    });
  }

  function tryPrefixes(prefixes, i, exact) {
    if (i >= prefixes.length) {
      return exact;
    }
    var prefix = prefixes[i];
    var first = shardOf(prefix);
    var last = shardOf(prefix + "\uffff");
    if (last - first >= MAX_PREFIX_SHARDS) {
      return exact; // Too broad a prefix to be worth the download.
    }
    var shards = [];
    for (var n = first; n <= last; n++) {
      shards.push(loadShard(n));
    }
    return Promise.all(shards).then(function (lists) {
      var found = [];
      lists.forEach(function (entries) {
        for (var at = lowerBound(entries, prefix); at < entries.length && entries[at][0].startsWith(prefix); at++) {
          if (!exact.length || entries[at] !== exact[0].entry) {
            found.push(entries[at]);
          }
        }
      });
      if (!found.length) {
        return tryPrefixes(prefixes, i + 1, exact);
      }
      found.sort(function (a, b) {
        return b[1] - a[1];
      });
      return exact.concat(found.slice(0, MAX_EXPANSIONS).map(function (entry) {
        return { entry: entry, weight: PREFIX_WEIGHT };
      }));
    });
  }

  /* Best {score, heading} per page for one word. */
  function scoreWord(matches) {
    var pages = new Map();
    matches.forEach(function (match) {
      var idf = Math.log(1 + manifest.n / Math.max(1, match.entry[1]));
      termPostings(match.entry).forEach(function (postings) {
        for (var k = 0; k < postings.docs.length; k++) {
          var score = match.weight * idf * postings.scores[k];
          var best = pages.get(postings.docs[k]);
          if (!best || score > best.score) {
            pages.set(postings.docs[k], { score: score, heading: postings.headings[k] });
          }
        }
      });
    });
    return pages;
  }

  /* Pages ranked by how many words they match, then by score; ties by page order. Pages that match
     every word come first; when there are few, pages matching fewer words fill the list after them. */
  function rank(perWord) {
    var pages = new Map();
    perWord.forEach(function (scores) {
      scores.forEach(function (hit, doc) {
        var page = pages.get(doc);
        if (!page) {
          page = { doc: doc, words: 0, score: 0, heading: 0, best: -1 };
          pages.set(doc, page);
        }
        page.words += 1;
        page.score += hit.score;
        // The link goes where the best-scoring word is, among those whose heading is known (not tails).
        if (hit.heading >= 0 && hit.score > page.best) {
          page.best = hit.score;
          page.heading = hit.heading;
        }
      });
    });
    var ranked = Array.from(pages.values());
    ranked.sort(function (a, b) {
      return b.words - a.words || b.score - a.score || a.doc - b.doc;
    });
    var complete = 0;
    while (complete < ranked.length && ranked[complete].words === perWord.length) {
      complete++;
    }
    return { pages: ranked, complete: complete };
  }

  /* Records come manifest.g pages to a file. */
  function loadRecord(doc) {
    var group = Math.floor(doc / manifest.g);
    return request("d" + group, "d/" + group + ".js").then(function (records) {
      return records[doc - group * manifest.g];
    });
  }

  function pageHref(url, anchor) {
    var path = url.replace(/^\//, "");
    if (offline && (path === "" || path.endsWith("/"))) {
      path += "index.html";
    }
    return root + path + (anchor ? "#" + anchor : "");
  }

  /* A record is [url, title, section, description, intro excerpt, [[id, heading, excerpt], ...]]. */
  function toResult(record, page, terms) {
    var heading = page.heading > 0 ? record[5][page.heading - 1] : null;
    return {
      url: record[0],
      href: pageHref(record[0], heading && heading[0]),
      title: record[1],
      section: record[2],
      heading: heading ? heading[1] : "",
      excerpt: heading ? heading[2] || record[3] || record[4] : record[3] || record[4],
      score: page.score,
      terms: terms,
    };
  }

  /* Resolves with up to `limit` results, best first. When `stale()` turns true (a newer query came),
     it stops before downloading anything more and resolves with []. */
  function search(query, limit, stale) {
    limit = limit || 10;
    stale = stale || function () {
      return false;
    };
    var words = queryWords(query);
    if (!words.length) {
      return Promise.resolve([]);
    }
    return loadManifest().then(function () {
      return Promise.all(words.map(matchWord));
    }).then(function (matchesPerWord) {
      if (stale()) {
        return [];
      }
      var ranked = rank(matchesPerWord.map(scoreWord));
      // The heads hold each term's best pages. When they share too few, fetch the rest of the
      // rarest word's list, once every word is complete enough to match a term exactly.
      var tails = [];
      var everyWordExact = matchesPerWord.every(function (matches) {
        return matches.length > 0 && matches[0].weight === 1;
      });
      if (words.length > 1 && everyWordExact && ranked.complete < limit) {
        var exact = [];
        matchesPerWord.forEach(function (matches) {
          if (matches[0].entry[3]) {
            exact.push(matches[0].entry);
          }
        });
        exact.sort(function (a, b) {
          return a[1] - b[1];
        });
        tails = exact.slice(0, MAX_TAILS).map(loadTail);
      }
      var next = tails.length ? Promise.all(tails).then(function () {
        return rank(matchesPerWord.map(scoreWord));
      }) : Promise.resolve(ranked);
      return next.then(function (final) {
        if (stale()) {
          return [];
        }
        var terms = new Set();
        matchesPerWord.forEach(function (matches) {
          matches.forEach(function (match) {
            terms.add(match.entry[0]);
          });
        });
        var top = final.pages.slice(0, limit);
        return Promise.all(top.map(function (page) {
          return loadRecord(page.doc);
        })).then(function (records) {
          var results = [];
          records.forEach(function (record, i) {
            if (record) {
              results.push(toResult(record, top[i], terms));
            }
          });
          return results;
        });
      });
    });
  }

  /* Splits text into [{text, match}] pieces, marking words (or CJK bigrams) whose terms are in `terms`. */
  function highlight(text, terms) {
    var marked = [];
    var chars = Array.from(text);
    var i = 0;
    while (i < chars.length) {
      var cp = chars[i].codePointAt(0);
      var j = i + 1;
      if (isCjk(cp)) {
        while (j < chars.length && isCjk(chars[j].codePointAt(0))) {
          j++;
        }
        if (j - i === 1) {
          marked.push({ from: i, to: j, match: terms.has(fold(chars[i])) });
        } else {
          for (var k = i; k + 1 < j; k++) {
            if (terms.has(fold(chars[k] + chars[k + 1]))) {
              marked.push({ from: k, to: k + 2, match: true });
            }
          }
        }
      } else if (WORD.test(chars[i])) {
        while (j < chars.length && WORD.test(chars[j]) && !isCjk(chars[j].codePointAt(0))) {
          j++;
        }
        var word = chars.slice(i, j).join("");
        var match = tokenize(word).some(function (term) {
          return terms.has(term);
        });
        if (match) {
          marked.push({ from: i, to: j, match: true });
        }
      }
      i = j;
    }
    var pieces = [];
    var at = 0;
    marked.filter(function (m) { return m.match; }).forEach(function (m) {
      var from = Math.max(m.from, at);
      if (from > at) {
        pieces.push({ text: chars.slice(at, from).join(""), match: false });
      }
      if (m.to > from) {
        pieces.push({ text: chars.slice(from, m.to).join(""), match: true });
      }
      at = Math.max(at, m.to);
    });
    if (at < chars.length) {
      pieces.push({ text: chars.slice(at).join(""), match: false });
    }
    return pieces;
  }

  Q.tokenize = tokenize;
  Q.search = search;
  Q.highlight = highlight;

  /* ---------------------------------------------------------------------------------------------
     The combobox (WAI-ARIA 1.2 pattern): the input owns a listbox of options; arrows move the
     active option (aria-activedescendant), Enter opens it, Escape closes, "/" focuses the box. */

  if (!document) {
    return;
  }

  function setUp() {
    var box = document.querySelector("[data-quire-search]");
    if (!box) {
      return;
    }
    var input = box.querySelector("[role=combobox]");
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var status = box.querySelector("[role=status]");
    var results = [];
    var active = -1;
    var asked = 0;
    var timer = 0;
    box.hidden = false;

    function setExpanded(open) {
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      if (!open) {
        setActive(-1);
      } else if (list.getBoundingClientRect) {
        // Open towards the side with room: a box at the right of a header opens leftwards.
        list.classList.remove("quire-search-flip");
        if (list.getBoundingClientRect().right > document.documentElement.clientWidth) {
          list.classList.add("quire-search-flip");
        }
      }
    }

    function setActive(index) {
      var options = list.querySelectorAll("[role=option]");
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "false");
      }
      active = index;
      if (index >= 0 && options[index]) {
        options[index].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function appendHighlighted(parent, text, terms) {
      highlight(text, terms).forEach(function (piece) {
        if (piece.match) {
          var mark = document.createElement("mark");
          mark.textContent = piece.text;
          parent.appendChild(mark);
        } else {
          parent.appendChild(document.createTextNode(piece.text));
        }
      });
    }

    function show(found, query) {
      results = found;
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      found.forEach(function (result, i) {
        var option = document.createElement("div");
        option.id = "quire-search-option-" + i;
        option.className = "quire-search-option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var title = document.createElement("span");
        title.className = "quire-search-title";
        appendHighlighted(title, result.title, result.terms);
        if (result.heading) {
          var heading = document.createElement("span");
          heading.className = "quire-search-heading";
          appendHighlighted(heading, result.heading, result.terms);
          title.appendChild(document.createTextNode(" › "));
          title.appendChild(heading);
        }
        option.appendChild(title);
        if (result.section) {
          var section = document.createElement("span");
          section.className = "quire-search-section";
          section.textContent = result.section;
          option.appendChild(section);
        }
        if (result.excerpt) {
          var excerpt = document.createElement("span");
          excerpt.className = "quire-search-excerpt";
          appendHighlighted(excerpt, result.excerpt, result.terms);
          option.appendChild(excerpt);
        }
        option.addEventListener("click", function () {
          open(i);
        });
        list.appendChild(option);
      });
      // The old options are gone: clear the active one through setActive so aria-activedescendant goes too.
      setActive(-1);
      setExpanded(found.length > 0);
      var empty = query !== "" && found.length === 0;
      status.textContent = query === "" ? "" : empty ? "No results for “" + query + "”"
        : found.length === 1 ? "1 result" : found.length + " results";
      status.className = "quire-search-status" + (empty ? " quire-search-empty" : "");
    }

    function run() {
      var query = input.value;
      var ticket = ++asked;
      if (queryWords(query).length === 0) {
        show([], ""); // Nothing to look for yet (empty, or one or two letters typed).
        return;
      }
      search(query, 10, function () {
        return ticket !== asked;
      }).then(function (found) {
        if (ticket === asked) {
          show(found, query.trim());
        }
      }, function () {
        if (ticket === asked) {
          show([], "");
          status.textContent = "Search is unavailable.";
        }
      });
    }

    function open(index) {
      var result = results[index];
      if (result) {
        window.location.href = result.href;
      }
    }

    input.addEventListener("focus", function () {
      loadManifest().catch(function () {});
      if (results.length) {
        setExpanded(true);
      }
    });
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, 60);
    });
    input.addEventListener("keydown", function (event) {
      var count = results.length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!count) {
          return;
        }
        event.preventDefault();
        if (list.hidden) {
          setExpanded(true);
        }
        var step = event.key === "ArrowDown" ? 1 : -1;
        setActive(active < 0 ? (step > 0 ? 0 : count - 1) : (active + step + count) % count);
      } else if (event.key === "Enter") {
        if (count && !list.hidden) {
          event.preventDefault();
          open(active >= 0 ? active : 0);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          setExpanded(false);
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          show([], "");
        }
      }
    });
    input.addEventListener("blur", function () {
      setExpanded(false);
    });
    // Keep focus in the box while an option is clicked, so blur does not close the list first.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var editing = target && (target.isContentEditable || /^(input|textarea|select)$/i.test(target.tagName || ""));
      if (event.key === "/" && !editing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        input.focus();
        input.select();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})(typeof window !== "undefined" ? window : globalThis);
