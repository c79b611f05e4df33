/*
 * kyniem's search engine, run by Material for MkDocs' search box in place of
 * Material's lunr worker (Material's page config names it: kyniem/search.py).
 *
 * It speaks Material's worker protocol (SETUP 0, READY 1, QUERY 2, RESULT 3)
 * and answers with Material's result shape, so the search box, result list,
 * keyboard handling and "?h=" links stay Material's. It says READY at once and
 * loads the list of docs (search/kyniem-index.js) and the names of the chunks
 * (search/kyniem/keys.js) only when the reader opens the search
 * (search/warm.js) or at the first query, never on page load. Each query then
 * loads the chunks its syllables' words are in (words grouped by their first
 * two plain letters: search/kyniem/words/<key>.js), so that a large site costs
 * a query only the words it asks for; a query typed at once fetches them while
 * the list of docs is still loading. The results come at once with titles,
 * then again with the texts of the first ten, which are loaded apart
 * (search/kyniem/<page>.js).
 *
 * Semantics (search-core.js): every query syllable must be on the page; only
 * the last one, still being typed, may match as a prefix, from 2 letters on;
 * marks typed are respected syllable by syllable. Ranking: the whole query as
 * a title, as a phrase in a title, in a title at all; then as a whole block
 * (a slogan is a list item), as a phrase, near together; then how much of the
 * page is about it.
 *
 * On file:// the offline copy runs this script in a hidden frame
 * (assets/kyniem/offline/worker-shim.js); importScripts then returns a promise.
 */
(function () {
  "use strict"

  var READY = 1
  var QUERY = 2
  var RESULT = 3
  var WARM = "kyniem-warm"  /* sent by search/warm.js when the reader opens the search */
  var PRELOAD = "kyniem-preload"  /* sent by search/warm.js as the reader types, with the box's text */
  var SNIPPET_WORDS = 32

  var inFrame = typeof WorkerGlobalScope === "undefined"
  var here = inFrame ? document.currentScript.src : self.location.href
  var root = new URL("../../../", here)
  var fileMode = root.protocol === "file:"

  var S = null          // kyniemSyllables, once loaded
  var index = null
  var chunkKeys = null  /* the chunks that exist */
  var core = null       /* search-core.js and the chunk keys: enough to fetch a query's chunks */
  var listing = null    /* the list of docs: needed to rank */
  var chunks = new Map()    /* chunk key -> its words, once loaded */
  var chunkLoads = new Map()  /* chunk key -> its loading, so that a chunk is asked for once */
  var SHOWN_WITH_TEXT = 10  /* Material shows 10 results at once; their texts are loaded */
  var MARKED_TITLES = 50    /* titles of results further down, rarely scrolled to, are not marked */
  /* A result shows its page's best ten sections: a timeline has hundreds, which Material would
     all lay out (a phone's main thread stalls), and the opened page marks every match (?h=) */
  var SHOWN_SECTIONS = 10
  var MAX_SYLLABLES = 30

  function load(url) {
    return new Promise(function (resolve) { resolve(self.importScripts(url)) })
  }

  /* The index scripts call these with their data */
  self.kyniemSearchIndex = function (data) { index = prepare(data) }
  self.kyniemSearchKeys = function (keys) { chunkKeys = new Set(keys) }
  self.kyniemSearchText = function (number, texts) {
    if (index && index.pages[number])
      index.pages[number].texts = texts
  }
  self.kyniemSearchChunk = function (key, data) {
    chunks.set(key, data.words.map(function (word, i) {
      return { info: S.analyse(word), title: data.title[i], text: data.text[i] }
    }))
  }

  /* All at once; the small ones (core) let a query fetch its chunks while the list of docs loads */
  function ensureLoaded() {
    if (!core) {
      core = Promise.all([
        load(new URL("assets/kyniem/js/search-core.js", root).href),
        load(new URL("search/kyniem/keys.js", root).href)
      ]).then(function () {
        S = self.kyniemSyllables
        if (!chunkKeys || !S)
          throw new Error("kyniem search: the index did not load")
      })
      listing = load(new URL("search/kyniem-index.js", root).href).then(function () {
        if (!index)
          throw new Error("kyniem search: the index did not load")
      })
    }
    return core
  }

  /* The chunk a syllable's words are in: the first two letters of its plain
     form (kyniem/search.py chunk_key); a prefix is never shorter */
  function keyOf(syllable) {
    return Array.from(syllable.plain).slice(0, 2).join("")
  }

  function chunkName(key) {
    return (Array.from(key).map(function (c) {
      return /^[a-z0-9]$/.test(c) ? c : "_" + c.codePointAt(0).toString(16) + "_"
    }).join("") || "_") + ".js"
  }

  /* The chunks of a query's syllables that exist, each loaded once */
  function loadChunks(syllables) {
    var keys = syllables.map(keyOf).filter(function (key) { return chunkKeys.has(key) })
    return Promise.all(keys.map(function (key) {
      if (!chunkLoads.has(key))
        chunkLoads.set(key, load(new URL("search/kyniem/words/" + chunkName(key), root).href)
          .catch(function (err) {
            chunkLoads.delete(key)  /* asked for again by the next query */
            throw err
          }))
      return chunkLoads.get(key)
    }))
  }

  function loadTexts(pages) {
    return Promise.all(pages.filter(function (page) { return !page.texts }).map(function (page) {
      return load(new URL("search/kyniem/" + page.number + ".js", root).href)
        .catch(function (err) { console.warn(err) })
    }))
  }

  /* Page links that work from file:// too, where a folder is not a page */
  function href(location) {
    if (!fileMode)
      return location
    var parts = location.split("#")
    if (parts[0] === "" || /\/$/.test(parts[0]))
      parts[0] += "index.html"
    return parts.join("#")
  }

  /* Numbers travel as base-32 digits, the last one from LAST, the others from MORE */
  var LAST = "abcdefghijklmnopqrstuvwxyz012345"
  var MORE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ6789+/"
  var DIGIT = new Int8Array(128).fill(-1)
  for (var d = 0; d < 32; d++) {
    DIGIT[LAST.charCodeAt(d)] = d
    DIGIT[MORE.charCodeAt(d)] = 32 + d
  }

  function decode(text) {
    var out = new Int32Array(text.length)
    var size = 0
    var value = 0
    for (var i = 0; i < text.length; i++) {
      var digit = DIGIT[text.charCodeAt(i)]
      if (digit >= 32) {
        value = value * 32 + digit - 32
      } else {
        out[size++] = value * 32 + digit
        value = 0
      }
    }
    return out.subarray(0, size)
  }

  /* Deltas back to positions */
  function runningSum(values) {
    for (var i = 1; i < values.length; i++)
      values[i] += values[i - 1]
    return values
  }

  /* Pages as [path, [[anchor, title, title size, text size, breaks], ...]]; docs numbered in that order */
  function prepare(data) {
    var docs = []
    var pages = data.pages.map(function (entry, number) {
      var page = { path: entry[0], number: number, docs: [], size: 0, texts: null }
      entry[1].forEach(function (e, slot) {
        var doc = {
          location: e[0] ? page.path + "#" + e[0] : page.path,
          title: e[1],
          titleSize: e[2],
          textSize: e[3],
          breakCode: e[4],
          breaks: null,
          page: page,
          number: docs.length,
          slot: slot
        }
        docs.push(doc)
        page.docs.push(doc)
        page.size += doc.titleSize + doc.textSize
      })
      return page
    })
    return { docs: docs, pages: pages }
  }

  function breaksOf(doc) {
    if (!doc.breaks)
      doc.breaks = runningSum(decode(doc.breakCode))
    return doc.breaks
  }

  /* Which query syllables a word matches, one bit each */
  function matcher(syllables) {
    var cache = new Map()
    return {
      syllables: syllables,
      n: syllables.length,
      bitsOf: function (word) {
        var key = word.toLowerCase()
        var bits = cache.get(key)
        if (bits === undefined) {
          var info = S.analyse(key)
          bits = 0
          for (var k = 0; k < syllables.length; k++)
            if (S.matches(syllables[k], info, false))
              bits |= 1 << k
          cache.set(key, bits)
        }
        return bits
      }
    }
  }

  /* A hit is one integer: position * 256 + the kind of its word, a kind
     being which query syllables the word matches and whether it matches the
     last one exactly (not as a prefix); sorted, a doc's hits are its matched
     words in order. A query has few kinds: a word matches the syllables equal
     to it, and maybe the last one as a prefix. */
  var KINDS = 256

  /* The query's words doc by doc: doc number -> { title: [hits], text: [hits] };
     kinds: [bits] and [exact] by kind */
  function hitsByDoc(m) {
    var last = m.syllables[m.n - 1]
    var found = new Map()
    var kindOf = new Map()
    var kinds = { bits: [], exact: [] }
    function kind(bits, exact) {
      var key = bits * 2 + (exact ? 1 : 0)
      var k = kindOf.get(key)
      if (k === undefined) {
        k = kinds.bits.length
        if (k >= KINDS)
          throw new Error("kyniem search: too many kinds of words in one query")
        kindOf.set(key, k)
        kinds.bits.push(bits)
        kinds.exact.push(exact)
      }
      return k
    }
    /* has: the syllables the doc holds, known here so that a page need not go over its hits again */
    function add(code, field, k, bits) {
      var values = decode(code)
      var doc = 0
      for (var i = 0; i < values.length;) {
        doc += values[i]
        var count = values[i + 1]
        var e = found.get(doc)
        if (!e) {
          e = { title: [], text: [], sorted: false, has: 0 }
          found.set(doc, e)
        }
        e.has |= bits
        var list = e[field]
        var place = 0
        for (var j = 0; j < count; j++) {
          place += values[i + 2 + j]
          list.push(place * KINDS + k)
        }
        i += 2 + count
      }
    }
    m.syllables.map(keyOf).forEach(function (key, i, all) {
      if (all.indexOf(key) !== i)
        return
      (chunks.get(key) || []).forEach(function (word) {
        var bits = 0
        for (var k = 0; k < m.n; k++)
          if (S.matches(m.syllables[k], word.info, false))
            bits |= 1 << k
        if (!bits)
          return
        add(word.title, "title", kind(bits, false), bits)
        add(word.text, "text", kind(bits, S.matches(last, word.info, true)), bits)
      })
    })
    m.kinds = { bits: Int32Array.from(kinds.bits), exact: Uint8Array.from(kinds.exact) }
    return found
  }

  function sortHits(e) {
    if (!e.sorted) {
      e.title = Int32Array.from(e.title).sort()
      e.text = Int32Array.from(e.text).sort()
      e.sorted = true
    }
    return e
  }

  /* One field of a doc: which syllables it holds, where the whole query
     stands in order (and whether its last word there is exact) */
  function scan(m, hits) {
    var n = m.n
    var kindBits = m.kinds.bits
    var has = 0
    var starts = []
    var exact = false
    for (var j = 0; j < hits.length; j++) {
      var bits = kindBits[hits[j] & 255]
      has |= bits
      if (!(bits & 1))
        continue
      var at = hits[j] >> 8
      var k = 1
      while (k < n && j + k < hits.length && hits[j + k] >> 8 === at + k && kindBits[hits[j + k] & 255] & (1 << k))
        k++
      if (k === n) {
        starts.push(at)
        if (m.kinds.exact[hits[j + n - 1] & 255])
          exact = true
      }
    }
    return { has: has, starts: starts, exact: exact }
  }

  /* Smallest span of words, within a block, that holds every syllable */
  function span(m, hits, breaks) {
    var n = m.n
    var kindBits = m.kinds.bits
    var best = Infinity
    var last = new Int32Array(n).fill(-1)
    var b = 0
    for (var j = 0; j < hits.length; j++) {
      var at = hits[j] >> 8
      var bits = kindBits[hits[j] & 255]
      if (b < breaks.length && breaks[b] < at) {
        while (b < breaks.length && breaks[b] < at)
          b++
        last.fill(-1)
      }
      var lo = at
      for (var k = 0; k < n; k++) {
        if (bits & (1 << k))
          last[k] = at
        if (last[k] < lo)
          lo = last[k]
      }
      if (lo >= 0 && at - lo + 1 < best)
        best = at - lo + 1
    }
    return best
  }

  var NOTHING = { has: 0, all: false, title: 0, body: 0, hits: 0 }

  /* Evidence of one doc (page head or section): title level, text level, phrases */
  function scoreDoc(doc, found, m, full, head) {
    if (!found)
      return NOTHING
    var n = m.n
    var hits = sortHits(found)
    var t = scan(m, hits.title)
    var x = scan(m, hits.text)
    var has = t.has | x.has
    var result = { has: has, all: has === full, title: 0, body: 0, hits: x.starts.length }
    if (!has)
      return result
    if (t.has === full) {
      /* The query as the whole title, as a phrase in it, anywhere in it; the page's own title most */
      var level = t.starts.length && doc.titleSize === n ? 3 : t.starts.length ? 2 : 1
      result.title = head ? [0, 60, 120, 200][level] : [0, 45, 90, 150][level]
    }
    if (x.starts.length) {
      /* A whole block (a slogan, a list item), the start of one, anywhere */
      var breaks = breaksOf(doc)
      var isBreak = function (i) { return i < 0 || i >= doc.textSize || breaks.indexOf(i) >= 0 }
      var whole = x.starts.some(function (s) { return isBreak(s - 1) && isBreak(s + n) })
      var opening = whole || x.starts.some(function (s) { return isBreak(s - 1) })
      result.body = whole ? 60 : opening ? 45 : 35
      if (x.exact)
        result.body += 3
    } else if (result.all) {
      var width = span(m, hits.text, breaksOf(doc))
      result.body = width < Infinity ? 10 + Math.max(0, 10 - (width - n)) : 5
    } else {
      var count = 0
      for (var k = 0; k < n; k++)
        if (has & (1 << k))
          count++
      result.body = 2 * count / n
    }
    return result
  }

  function escapeHTML(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c]
    })
  }

  /* Which words of a list (from S.words) to mark: the phrases if any, otherwise every match */
  function marked(m, n, list) {
    var bits = list.map(function (w) { return m.bitsOf(w.word) })
    var keep = new Set()
    for (var i = 0; i + n <= list.length; i++) {
      var k = 0
      while (k < n && bits[i + k] & (1 << k))
        k++
      if (k === n)
        for (k = 0; k < n; k++)
          keep.add(i + k)
    }
    if (!keep.size)
      bits.forEach(function (b, j) { if (b) keep.add(j) })
    return keep
  }

  function highlight(m, n, text) {
    var list = S.words(text)
    var keep = marked(m, n, list)
    var out = ""
    var at = 0
    list.forEach(function (w, i) {
      if (!keep.has(i))
        return
      out += escapeHTML(text.slice(at, w.start)) + "<mark>" + escapeHTML(w.word) + "</mark>"
      at = w.end
    })
    return out + escapeHTML(text.slice(at))
  }

  /* A short piece of the text around the first marked word, marked */
  function snippet(m, n, text) {
    var lines = text.split("\n")
    for (var l = 0; l < lines.length; l++) {
      var list = S.words(lines[l])
      var keep = marked(m, n, list)
      if (!keep.size)
        continue
      var first = Math.min.apply(null, Array.from(keep))
      var from = Math.max(0, first - 8)
      var to = Math.min(list.length, from + SNIPPET_WORDS)
      var start = from > 0 ? list[from].start : 0
      var end = to < list.length ? list[to - 1].end : lines[l].length
      return (from > 0 ? "… " : "") + highlight(m, n, lines[l].slice(start, end)) + (end < lines[l].length ? " …" : "")
    }
    return ""
  }

  function rank(syllables) {
    var m = matcher(syllables)
    var n = m.n
    var full = (1 << n) - 1
    var found = hitsByDoc(m)
    var candidates = new Set()
    found.forEach(function (hits, number) { candidates.add(index.docs[number].page) })
    var results = []
    candidates.forEach(function (page) {
      /* A page holds the query when its docs together hold every syllable */
      var has = 0
      page.docs.forEach(function (doc) {
        var e = found.get(doc.number)
        if (e)
          has |= e.has
      })
      if (has !== full)
        return
      var scored = page.docs.map(function (doc, i) {
        var e = found.get(doc.number)
        /* marked: whether the title has a word to mark (most titles have none: no need to cut them) */
        return { doc: doc, r: scoreDoc(doc, e, m, full, i === 0), marked: !!(e && e.title.length) }
      })
      /* Best title evidence, then best text evidence, of the page; then more
         phrases on the page, and a page more about them */
      var title = 0
      var body = 0
      var hits = 0
      scored.forEach(function (s) {
        title = Math.max(title, s.r.title)
        body = Math.max(body, s.r.body)
        hits += s.r.hits
      })
      var score = title + body / 2 + 4 * Math.min(hits, 4) + 10 * Math.min(1, hits * n / Math.max(page.size, 1) * 4)
      results.push({ page: page, score: score, scored: scored })
    })
    /* Equal scores keep the site's order, as before */
    results.sort(function (a, b) { return b.score - a.score || a.page.number - b.page.number })
    return { m: m, n: n, results: results }
  }

  function present(syllables, ranked, withTexts) {
    var m = ranked.m
    var n = ranked.n
    var terms = {}
    terms[S.encode(syllables)] = true
    return ranked.results.map(function (result, place) {
      var texts = withTexts && place < SHOWN_WITH_TEXT ? result.page.texts : null
      var item = function (s, value) {
        var doc = s.doc
        return {
          location: href(doc.location),
          title: s.marked && place < MARKED_TITLES ? highlight(m, n, doc.title) : escapeHTML(doc.title),
          text: texts ? snippet(m, n, texts[doc.slot] || "") : "",
          score: value,
          terms: terms
        }
      }
      var head = result.page.docs[0]
      var full = result.scored.filter(function (s) { return s.r.all && s.doc !== head })
      var shown = full.length ? full : result.scored.filter(function (s) { return s.r.has && s.doc !== head })
      var group = [item(result.scored[0], result.score)]
      shown
        .sort(function (a, b) { return (b.r.title + b.r.body) - (a.r.title + a.r.body) })
        .slice(0, SHOWN_SECTIONS)
        .forEach(function (s, i) { group.push(item(s, i === 0 ? result.score : s.r.title + s.r.body)) })
      return group
    })
  }

  /* Results at once with titles; then, when the texts of the first ones are
     loaded and no newer query came meanwhile, again with their texts */
  function search(query, post, current) {
    var syllables = S.parse(query).slice(0, MAX_SYLLABLES)
    if (!syllables.length)
      return post({ items: [] })
    return loadChunks(syllables).then(function () { return listing }).then(function () {
      var ranked = rank(syllables)
      var top = ranked.results.slice(0, SHOWN_WITH_TEXT).map(function (r) { return r.page })
      if (top.every(function (page) { return page.texts }))
        return post({ items: present(syllables, ranked, true) })
      post({ items: present(syllables, ranked, false), partial: true })
      /* After the answer has gone: in the offline copy the worker shares the page's thread */
      setTimeout(function () {
        loadTexts(top).then(function () {
          if (current())
            post({ items: present(syllables, ranked, true) })
        })
      }, 0)
    })
  }

  /* Answers go out in the order the queries came, whatever each one waits for */
  var queue = Promise.resolve()
  var latest = 0

  function answer(query, number) {
    function post(data) {
      data.query = query
      self.postMessage({ type: RESULT, data: data })
    }
    if (!/[\p{L}\p{N}]/u.test(query))
      return post({ items: [] })
    return ensureLoaded()
      .then(function () { return search(query, post, function () { return number === latest }) })
      .catch(function (err) {
        console.warn(err)
        post({ items: [] })
      })
  }

  self.addEventListener("message", function (ev) {
    var message = ev.data
    if (message && message.type === WARM) {
      ensureLoaded().then(function () { return listing }).catch(function (err) { console.warn(err) })
      return
    }
    /* The chunks of what is being typed, fetched before the query comes (Material sends it at keyup) */
    if (message && message.type === PRELOAD) {
      ensureLoaded().then(function () {
        return loadChunks(S.parse(String(message.data || "")).slice(0, MAX_SYLLABLES))
      }).catch(function (err) { console.warn(err) })
      return
    }
    if (!message || message.type !== QUERY)
      return  /* SETUP never comes: kyniem's page has no form Material loads an index for */
    var number = ++latest
    var query = String(message.data || "")
    queue = queue.then(function () { return answer(query, number) })
  })

  self.postMessage({ type: READY })
})()
