/*
 * kyniem's search engine, run by Material for MkDocs' search box in place of
 * Material's lunr worker (Material's page config names it: kyniem/search.py).
 *
 * It speaks Material's worker protocol (SETUP 0, READY 1, QUERY 2, RESULT 3)
 * and answers with Material's result shape, so the search box, result list,
 * keyboard handling and "?h=" links stay Material's. It says READY at once and
 * loads the index (search/kyniem-index.js) only at the first non-empty query.
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
  var SNIPPET_WORDS = 32

  var inFrame = typeof WorkerGlobalScope === "undefined"
  var here = inFrame ? document.currentScript.src : self.location.href
  var root = new URL("../../../", here)
  var fileMode = root.protocol === "file:"

  var S = null          // kyniemSyllables, once loaded
  var index = null
  var loading = null

  function load(url) {
    return new Promise(function (resolve) { resolve(self.importScripts(url)) })
  }

  /* The index script calls this with the data */
  self.kyniemSearchIndex = function (data) { index = prepare(data) }

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

  /* Page links that work from file:// too, where a folder is not a page */
  function href(location) {
    if (!fileMode)
      return location
    var parts = location.split("#")
    if (parts[0] === "" || /\/$/.test(parts[0]))
      parts[0] += "index.html"
    return parts.join("#")
  }

  /* Words of the index: each distinct word analysed once, docs as word ids */
  function prepare(data) {
    var vocab = new Map()
    var info = []
    function id(word) {
      var key = word.toLowerCase()
      var n = vocab.get(key)
      if (n === undefined) {
        n = info.length
        vocab.set(key, n)
        info.push(S.analyse(word))
      }
      return n
    }
    function ids(text) {
      var out = []
      var lines = text.split("\n")
      for (var l = 0; l < lines.length; l++) {
        if (l > 0)
          out.push(-1)  /* block break: phrases do not cross it */
        var list = S.words(lines[l])
        for (var i = 0; i < list.length; i++)
          out.push(id(list[i].word))
      }
      return Int32Array.from(out)
    }
    var docs = []
    var pages = []
    var pageOf = new Map()
    data.docs.forEach(function (entry) {
      var doc = {
        location: entry[0],
        title: entry[1],
        text: entry[2],
        titleIds: ids(entry[1]),
        textIds: ids(entry[2])
      }
      var path = doc.location.split("#")[0]
      var page = pageOf.get(path)
      if (page === undefined) {
        page = { path: path, docs: [], size: 0 }
        pageOf.set(path, page)
        pages.push(page)
      }
      doc.page = page
      page.docs.push(doc)
      page.size += doc.titleIds.length + doc.textIds.length
      docs.push(doc)
    })
    /* Which docs hold each word */
    var postings = info.map(function () { return [] })
    docs.forEach(function (doc, d) {
      var seen = new Set()
      ;[doc.titleIds, doc.textIds].forEach(function (list) {
        for (var i = 0; i < list.length; i++)
          if (list[i] >= 0 && !seen.has(list[i])) {
            seen.add(list[i])
            postings[list[i]].push(d)
          }
      })
    })
    return { info: info, docs: docs, pages: pages, postings: postings }
  }

  /* For each query syllable, the word ids it matches (and those it matches exactly) */
  function matchers(syllables) {
    return syllables.map(function (q) {
      var all = new Set()
      var exact = new Set()
      index.info.forEach(function (w, n) {
        if (S.matches(q, w, false)) {
          all.add(n)
          if (!q.prefix || S.matches(q, w, true))
            exact.add(n)
        }
      })
      return { all: all, exact: exact }
    })
  }

  function present(list, m) {
    for (var i = 0; i < list.length; i++)
      if (m.all.has(list[i]))
        return true
    return false
  }

  /* Where the query stands as a phrase in a list of word ids */
  function phraseStarts(ms, list) {
    var n = ms.length
    var starts = []
    for (var i = 0; i + n <= list.length; i++) {
      var k = 0
      while (k < n && ms[k].all.has(list[i + k]))
        k++
      if (k === n)
        starts.push(i)
    }
    return starts
  }

  /* Smallest span of words, within a block, that holds every syllable */
  function window_(ms, list) {
    var best = Infinity
    var last = ms.map(function () { return -Infinity })
    for (var i = 0; i < list.length; i++) {
      if (list[i] < 0) {
        last = ms.map(function () { return -Infinity })
        continue
      }
      for (var k = 0; k < ms.length; k++)
        if (ms[k].all.has(list[i]))
          last[k] = i
      var lo = Math.min.apply(null, last)
      if (lo > -Infinity)
        best = Math.min(best, i - lo + 1)
    }
    return best
  }

  function isWholeBlock(list, start, n) {
    return (start === 0 || list[start - 1] < 0) && (start + n === list.length || list[start + n] < 0)
  }

  /* Score of one doc (page head or section) and what it holds */
  function scoreDoc(doc, ms, head) {
    var n = ms.length
    var has = ms.map(function (m) { return present(doc.titleIds, m) || present(doc.textIds, m) })
    var count = has.filter(Boolean).length
    var result = { score: 0, title: 0, body: 0, all: count === n, hits: 0 }
    if (!count)
      return result
    var title = 0
    var score = 0
    var titleAll = ms.every(function (m) { return present(doc.titleIds, m) })
    if (titleAll) {
      /* The query as the whole title, as a phrase in it, anywhere in it; the page's own title most */
      var tp = phraseStarts(ms, doc.titleIds)
      var level = tp.length && doc.titleIds.length === n ? 3 : tp.length ? 2 : 1
      title = head ? [0, 60, 120, 200][level] : [0, 45, 90, 150][level]
    }
    var starts = phraseStarts(ms, doc.textIds)
    result.hits = starts.length
    if (starts.length) {
      var list = doc.textIds
      var whole = starts.some(function (s) { return isWholeBlock(list, s, n) })
      var opening = starts.some(function (s) { return s === 0 || list[s - 1] < 0 })
      score += whole ? 60 : opening ? 45 : 35
      var last = ms[n - 1]
      if (starts.some(function (s) { return last.exact.has(list[s + n - 1]) }))
        score += 3
    } else if (result.all) {
      var span = window_(ms, doc.textIds)
      score += span < Infinity ? 10 + Math.max(0, 10 - (span - n)) : 5
    } else {
      score += 2 * count / n
    }
    result.title = title
    result.body = score
    result.score = title + score
    return result
  }

  function escapeHTML(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c]
    })
  }

  /* Words to mark in a text: the phrases if any, otherwise every matching word */
  function marked(syllables, list) {
    var n = syllables.length
    var keep = new Set()
    var analysed = list.map(function (w) { return S.analyse(w.word) })
    var starts = S.phrases(syllables, analysed, function (k, w) { return S.matches(syllables[k], w, false) })
    if (starts.length)
      starts.forEach(function (s) { for (var k = 0; k < n; k++) keep.add(s + k) })
    else
      analysed.forEach(function (w, i) {
        if (syllables.some(function (q) { return S.matches(q, w, false) }))
          keep.add(i)
      })
    return keep
  }

  function highlight(syllables, text) {
    var list = S.words(text)
    var keep = marked(syllables, list)
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
  function snippet(syllables, text) {
    var lines = text.split("\n")
    var best = null
    for (var l = 0; l < lines.length && best === null; l++) {
      var list = S.words(lines[l])
      var keep = marked(syllables, list)
      if (keep.size)
        best = { line: lines[l], list: list, first: Math.min.apply(null, Array.from(keep)) }
    }
    if (best === null)
      return ""
    var from = Math.max(0, best.first - 8)
    var to = Math.min(best.list.length, from + SNIPPET_WORDS)
    var start = from > 0 ? best.list[from].start : 0
    var end = to < best.list.length ? best.list[to - 1].end : best.line.length
    var piece = best.line.slice(start, end)
    return (from > 0 ? "… " : "") + highlight(syllables, piece) + (end < best.line.length ? " …" : "")
  }

  function search(query) {
    var syllables = S.parse(query)
    if (!syllables.length)
      return { items: [] }
    var ms = matchers(syllables)
    if (ms.some(function (m) { return m.all.size === 0 }))
      return { items: [] }
    /* Pages that hold every syllable somewhere */
    var pageHas = new Map()
    ms.forEach(function (m, k) {
      m.all.forEach(function (n) {
        index.postings[n].forEach(function (d) {
          var page = index.docs[d].page
          var mask = pageHas.get(page) || new Array(ms.length).fill(false)
          mask[k] = true
          pageHas.set(page, mask)
        })
      })
    })
    var terms = {}
    terms[S.encode(syllables)] = true
    var results = []
    pageHas.forEach(function (mask, page) {
      if (!mask.every(Boolean))
        return
      var scored = page.docs.map(function (doc, i) { return { doc: doc, r: scoreDoc(doc, ms, i === 0) } })
      var full = scored.filter(function (s) { return s.r.all })
      var shown = (full.length ? full : scored.filter(function (s) { return s.r.score > 0 }))
      var hits = scored.reduce(function (sum, s) { return sum + s.r.hits }, 0)
      /* Best title evidence, then best text evidence, of the page; then more
         phrases on the page, and a page more about them */
      var title = Math.max.apply(null, scored.map(function (s) { return s.r.title }))
      var body = Math.max.apply(null, scored.map(function (s) { return s.r.body }))
      var score = title + body / 2 + 4 * Math.min(hits, 4) + 10 * Math.min(1, hits * ms.length / Math.max(page.size, 1) * 4)
      var head = page.docs[0]
      var item = function (doc, value) {
        return {
          location: href(doc.location),
          title: highlight(syllables, doc.title),
          text: snippet(syllables, doc.text),
          score: value,
          terms: terms
        }
      }
      var group = [item(head, score)]
      shown
        .filter(function (s) { return s.doc !== head })
        .sort(function (a, b) { return b.r.score - a.r.score })
        .forEach(function (s, i) { group.push(item(s.doc, i === 0 ? score : s.r.score)) })
      results.push({ score: score, group: group })
    })
    results.sort(function (a, b) { return b.score - a.score })
    return { items: results.map(function (r) { return r.group }) }
  }

  self.addEventListener("message", function (ev) {
    var message = ev.data
    if (!message || message.type !== QUERY)
      return  /* SETUP never comes: kyniem's page has no form Material loads an index for */
    var query = String(message.data || "")
    if (!/[\p{L}\p{N}]/u.test(query)) {
      self.postMessage({ type: RESULT, data: { items: [] } })
      return
    }
    ensureLoaded()
      .then(function () { return search(query) })
      .catch(function (err) {
        console.warn(err)
        return { items: [] }
      })
      .then(function (data) { self.postMessage({ type: RESULT, data: data }) })
  })

  self.postMessage({ type: READY })
})()
