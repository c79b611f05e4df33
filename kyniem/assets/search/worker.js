/*
 * kyniem's search engine, run by Material for MkDocs' search box in place of
 * Material's lunr worker (Material's page config names it: kyniem/search.py).
 *
 * It speaks Material's worker protocol (SETUP 0, READY 1, QUERY 2, RESULT 3)
 * and answers with Material's result shape, so the search box, result list,
 * keyboard handling and "?h=" links stay Material's. It says READY at once and
 * loads the index (search/kyniem-index.js) only when the reader opens the
 * search (search/warm.js) or at the first query, never on page load. The
 * results come at once with titles, then again with the texts of the first
 * ten, which are loaded apart (search/kyniem/<page>.js).
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
  var SNIPPET_WORDS = 32

  var inFrame = typeof WorkerGlobalScope === "undefined"
  var here = inFrame ? document.currentScript.src : self.location.href
  var root = new URL("../../../", here)
  var fileMode = root.protocol === "file:"

  var S = null          // kyniemSyllables, once loaded
  var index = null
  var loading = null
  var SHOWN_WITH_TEXT = 10  /* Material shows 10 results at once; their texts are loaded */
  var MARKED_TITLES = 50    /* titles of results further down, rarely scrolled to, are not marked */
  var MAX_SYLLABLES = 30

  function load(url) {
    return new Promise(function (resolve) { resolve(self.importScripts(url)) })
  }

  /* The index scripts call these with their data */
  self.kyniemSearchIndex = function (data) { index = prepare(data) }
  self.kyniemSearchText = function (number, texts) {
    if (index && index.pages[number])
      index.pages[number].texts = texts
  }

  function ensureLoaded() {
    if (!loading)
      loading = load(new URL("assets/kyniem/js/search-core.js", root).href)
        .then(function () {
          S = self.kyniemSyllables
          return load(new URL("search/kyniem-index.js", root).href)
        })
        .then(function () {
          if (!index)
            throw new Error("kyniem search: the index did not load")
        })
    return loading
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

  /* Word ids: base-32 digits, the last one from LAST, the others from MORE; "." a block break */
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
      var code = text.charCodeAt(i)
      var digit = DIGIT[code]
      if (code === 46) {
        out[size++] = -1
      } else if (digit >= 32) {
        value = value * 32 + digit - 32
      } else {
        out[size++] = value * 32 + digit
        value = 0
      }
    }
    return out.subarray(0, size)
  }

  function prepare(data) {
    var info = data.words.map(function (word) { return S.analyse(word) })
    var vocab = new Map()
    data.words.forEach(function (word, n) { vocab.set(word, n) })
    /* For marking words in texts; a word the index lacks (none should) joins it */
    function wordId(word) {
      var key = word.toLowerCase()
      var n = vocab.get(key)
      if (n === undefined) {
        n = info.length
        vocab.set(key, n)
        info.push(S.analyse(key))
      }
      return n
    }
    var pages = []
    var pageOf = new Map()
    data.docs.forEach(function (entry) {
      var doc = {
        location: entry[0],
        title: entry[1],
        titleIds: decode(entry[2]),
        textIds: decode(entry[3])
      }
      var path = doc.location.split("#")[0]
      var page = pageOf.get(path)
      if (page === undefined) {
        page = { path: path, number: pages.length, docs: [], size: 0, texts: null }
        pageOf.set(path, page)
        pages.push(page)
      }
      doc.slot = page.docs.length
      page.docs.push(doc)
      page.size += doc.titleIds.length + doc.textIds.length
    })
    return { info: info, wordId: wordId, pages: pages }
  }

  /* For each word id, the query syllables it matches, one bit each */
  function masks(syllables) {
    var out = new Uint32Array(index.info.length)
    var exactLast = new Uint8Array(index.info.length)
    var last = syllables[syllables.length - 1]
    index.info.forEach(function (w, n) {
      for (var k = 0; k < syllables.length; k++)
        if (S.matches(syllables[k], w, false))
          out[n] |= 1 << k
      if (S.matches(last, w, true))
        exactLast[n] = 1
    })
    return { bits: out, exactLast: exactLast }
  }

  function maskAt(m, list, i) {
    return i < 0 || i >= list.length || list[i] < 0 ? 0 : m.bits[list[i]]
  }

  /* One list of word ids: which syllables it holds, where the phrase stands */
  function scan(m, n, list) {
    var has = 0
    var starts = []
    for (var i = 0; i < list.length; i++) {
      var bits = maskAt(m, list, i)
      has |= bits
      if (bits & 1) {
        var k = 1
        while (k < n && maskAt(m, list, i + k) & (1 << k))
          k++
        if (k === n)
          starts.push(i)
      }
    }
    return { has: has, starts: starts }
  }

  /* Smallest span of words, within a block, that holds every syllable */
  function span(m, n, list) {
    var best = Infinity
    var last = new Array(n).fill(-Infinity)
    for (var i = 0; i < list.length; i++) {
      if (list[i] < 0) {
        last.fill(-Infinity)
        continue
      }
      var bits = m.bits[list[i]]
      if (!bits)
        continue
      for (var k = 0; k < n; k++)
        if (bits & (1 << k))
          last[k] = i
      var lo = Math.min.apply(null, last)
      if (lo > -Infinity)
        best = Math.min(best, i - lo + 1)
    }
    return best
  }

  /* Evidence of one doc (page head or section): title level, text level, phrases */
  function scoreDoc(doc, m, n, full, head) {
    var t = scan(m, n, doc.titleIds)
    var x = scan(m, n, doc.textIds)
    var has = t.has | x.has
    var result = { has: has, all: has === full, title: 0, body: 0, hits: x.starts.length }
    if (!has)
      return result
    if (t.has === full) {
      /* The query as the whole title, as a phrase in it, anywhere in it; the page's own title most */
      var level = t.starts.length && doc.titleIds.length === n ? 3 : t.starts.length ? 2 : 1
      result.title = head ? [0, 60, 120, 200][level] : [0, 45, 90, 150][level]
    }
    var list = doc.textIds
    if (x.starts.length) {
      /* A whole block (a slogan, a list item), the start of one, anywhere */
      var whole = x.starts.some(function (s) { return (s === 0 || list[s - 1] < 0) && (s + n === list.length || list[s + n] < 0) })
      var opening = x.starts.some(function (s) { return s === 0 || list[s - 1] < 0 })
      result.body = whole ? 60 : opening ? 45 : 35
      if (x.starts.some(function (s) { return m.exactLast[list[s + n - 1]] }))
        result.body += 3
    } else if (result.all) {
      var width = span(m, n, list)
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
    var bits = list.map(function (w) { return m.bits[index.wordId(w.word)] })
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
    var n = syllables.length
    var full = (1 << n) - 1
    var m = masks(syllables)
    var results = []
    index.pages.forEach(function (page) {
      var scored = page.docs.map(function (doc, i) { return { doc: doc, r: scoreDoc(doc, m, n, full, i === 0) } })
      var has = scored.reduce(function (bits, s) { return bits | s.r.has }, 0)
      if (has !== full)
        return
      /* Best title evidence, then best text evidence, of the page; then more
         phrases on the page, and a page more about them */
      var title = Math.max.apply(null, scored.map(function (s) { return s.r.title }))
      var body = Math.max.apply(null, scored.map(function (s) { return s.r.body }))
      var hits = scored.reduce(function (sum, s) { return sum + s.r.hits }, 0)
      var score = title + body / 2 + 4 * Math.min(hits, 4) + 10 * Math.min(1, hits * n / Math.max(page.size, 1) * 4)
      results.push({ page: page, score: score, scored: scored })
    })
    results.sort(function (a, b) { return b.score - a.score })
    return { m: m, n: n, results: results }
  }

  function present(syllables, ranked, withTexts) {
    var m = ranked.m
    var n = ranked.n
    var terms = {}
    terms[S.encode(syllables)] = true
    return ranked.results.map(function (result, place) {
      var texts = withTexts && place < SHOWN_WITH_TEXT ? result.page.texts : null
      var item = function (doc, value) {
        return {
          location: href(doc.location),
          title: place < MARKED_TITLES ? highlight(m, n, doc.title) : escapeHTML(doc.title),
          text: texts ? snippet(m, n, texts[doc.slot] || "") : "",
          score: value,
          terms: terms
        }
      }
      var head = result.page.docs[0]
      var full = result.scored.filter(function (s) { return s.r.all && s.doc !== head })
      var shown = full.length ? full : result.scored.filter(function (s) { return s.r.has && s.doc !== head })
      var group = [item(head, result.score)]
      shown
        .sort(function (a, b) { return (b.r.title + b.r.body) - (a.r.title + a.r.body) })
        .forEach(function (s, i) { group.push(item(s.doc, i === 0 ? result.score : s.r.title + s.r.body)) })
      return group
    })
  }

  /* Results at once with titles; then, when the texts of the first ones are
     loaded and no newer query came meanwhile, again with their texts */
  function search(query, post, current) {
    var syllables = S.parse(query).slice(0, MAX_SYLLABLES)
    if (!syllables.length)
      return post({ items: [] })
    var ranked = rank(syllables)
    var top = ranked.results.slice(0, SHOWN_WITH_TEXT).map(function (r) { return r.page })
    if (top.every(function (page) { return page.texts }))
      return post({ items: present(syllables, ranked, true) })
    post({ items: present(syllables, ranked, false), partial: true })
    loadTexts(top).then(function () {
      if (current())
        post({ items: present(syllables, ranked, true) })
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
      .then(function () { search(query, post, function () { return number === latest }) })
      .catch(function (err) {
        console.warn(err)
        post({ items: [] })
      })
  }

  self.addEventListener("message", function (ev) {
    var message = ev.data
    if (message && message.type === WARM) {
      ensureLoaded().catch(function (err) { console.warn(err) })
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
