/*
 * Vietnamese query semantics of kyniem's search, shared by the search worker
 * (worker.js) and the highlighting of the opened page (js/search-highlight.js)
 * so that both agree on what a query syllable matches.
 *
 * A word is split into its letters with vowel marks (shape: "đương"), its tone
 * (0 none, 1 huyền, 2 sắc, 3 ngã, 4 hỏi, 5 nặng) and its plain letters
 * ("duong"). Where the tone mark sits does not matter (hoà = hòa), nor case
 * or Unicode form. A query syllable typed without marks matches on the plain
 * letters; one typed with marks must have the same shape and tone, except
 * that a typed "d" also stands for "đ". Numbers lose their leading zeros
 * (02 = 2), so "15/2/1952" finds "15/02/1952".
 */
(function (root) {
  "use strict"

  var WORD = /[\p{L}\p{M}\p{N}]+/gu
  var LAST_IS_WORD = /[\p{L}\p{M}\p{N}]$/u
  var TONES = { "\u0300": 1, "\u0301": 2, "\u0303": 3, "\u0309": 4, "\u0323": 5 }
  var MARKS = /[\u0300-\u036f]/g
  var DIGITS = /^[0-9]+$/

  /* The parts of one word that matching looks at */
  function analyse(word) {
    var lower = word.normalize("NFD").toLowerCase()
    var tone = 0
    var shape = ""
    for (var i = 0; i < lower.length; i++) {
      var t = TONES[lower[i]]
      if (t)
        tone = t
      else
        shape += lower[i]
    }
    shape = shape.normalize("NFC")
    var plain = shape.normalize("NFD").replace(MARKS, "").replace(/đ/g, "d")
    if (DIGITS.test(plain))
      shape = plain = plain.replace(/^0+(?=[0-9])/, "")
    return {
      plain: plain,
      shape: shape,
      dshape: shape.replace(/đ/g, "d"),
      tone: tone,
      stroke: shape.indexOf("đ") >= 0,
      marked: tone > 0 || shape !== plain
    }
  }

  /* The words of a text, in order, with where each starts and ends */
  function words(text) {
    var found = []
    var match
    WORD.lastIndex = 0
    while ((match = WORD.exec(text)) !== null)
      found.push({ word: match[0], start: match.index, end: match.index + match[0].length })
    return found
  }

  /* Query syllables; only the last one, still being typed, may be a prefix */
  function parse(query) {
    var text = String(query || "").normalize("NFC")
    var syllables = words(text).map(function (w) {
      var s = analyse(w.word)
      s.text = w.word
      s.prefix = false
      return s
    })
    if (syllables.length && LAST_IS_WORD.test(text)) {
      var last = syllables[syllables.length - 1]
      last.prefix = Array.from(last.plain).length >= 2
    }
    return syllables
  }

  /* Does word (analysed) match query syllable q; exact: ignore the prefix rule */
  function matches(q, w, exact) {
    var prefix = q.prefix && !exact
    if (!q.marked)
      return prefix ? w.plain.indexOf(q.plain) === 0 : w.plain === q.plain
    var ws = q.stroke ? w.shape : w.dshape
    var qs = q.stroke ? q.shape : q.dshape
    if (prefix)
      return ws.indexOf(qs) === 0 && (q.tone === 0 || q.tone === w.tone)
    return ws === qs && q.tone === w.tone
  }

  /* The query as it travels in "?h=": syllables, "*" marks a prefix */
  function encode(syllables) {
    return syllables.map(function (s) { return s.text + (s.prefix ? "*" : "") }).join(" ")
  }

  function decode(value) {
    return String(value || "").normalize("NFC").split(/\s+/).filter(Boolean).map(function (part) {
      var prefix = /\*$/.test(part)
      var text = part.replace(/\*+$/, "")
      var s = analyse(text)
      s.text = text
      s.prefix = prefix && Array.from(s.plain).length >= 2
      return s
    }).filter(function (s) { return s.plain.length > 0 })
  }

  /* Positions in a word list where the whole query stands, in order and adjacent */
  function phrases(syllables, list, test) {
    var starts = []
    var n = syllables.length
    for (var i = 0; i + n <= list.length; i++) {
      var k = 0
      while (k < n && test(k, list[i + k]))
        k++
      if (k === n)
        starts.push(i)
    }
    return starts
  }

  root.kyniemSyllables = {
    analyse: analyse,
    words: words,
    parse: parse,
    matches: matches,
    encode: encode,
    decode: decode,
    phrases: phrases
  }
})(self)
