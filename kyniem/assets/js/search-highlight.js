/*
 * Mark the searched words on the page a search result leads to ("?h=", which
 * kyniem's search worker fills with the query syllables, "*" after one that
 * may match as a prefix). Words match as in the search (search-core.js):
 * marks typed are respected, case and Unicode form are not. Where the page
 * holds the query as a phrase, only the phrases are marked; otherwise every
 * matching word. Material's own highlighter, which matches letters literally
 * inside any word, does not run: it needs Material's index, which kyniem's
 * pages never load.
 */
(function () {
  "use strict"
  var S = self.kyniemSyllables
  var syllables = S ? S.decode(new URL(location.href).searchParams.get("h")) : []
  if (!syllables.length)
    return

  function mark() {
    var root = document.querySelector(".md-content article")
    if (!root)
      return
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
    var words = []
    for (var node = walker.nextNode(); node; node = walker.nextNode())
      if (!node.parentElement.closest("mark, script, style, .headerlink"))
        S.words(node.textContent).forEach(function (w) {
          words.push({ node: node, start: w.start, end: w.end, info: S.analyse(w.word) })
        })
    var keep = new Set()
    var starts = S.phrases(syllables, words, function (k, w) { return S.matches(syllables[k], w.info, false) })
    if (starts.length)
      starts.forEach(function (s) {
        for (var k = 0; k < syllables.length; k++)
          keep.add(words[s + k])
      })
    else
      words.forEach(function (w) {
        if (syllables.some(function (q) { return S.matches(q, w.info, false) }))
          keep.add(w)
      })
    /* Wrap the kept words, node by node, from the end so offsets stay valid */
    var byNode = new Map()
    keep.forEach(function (w) {
      if (!byNode.has(w.node))
        byNode.set(w.node, [])
      byNode.get(w.node).push(w)
    })
    byNode.forEach(function (list, text) {
      list.sort(function (a, b) { return b.start - a.start })
      list.forEach(function (w) {
        var range = document.createRange()
        range.setStart(text, w.start)
        range.setEnd(text, w.end)
        var el = document.createElement("mark")
        el.setAttribute("data-md-highlight", "")
        range.surroundContents(el)
      })
    })
  }

  if (document.readyState === "loading")
    document.addEventListener("DOMContentLoaded", mark)
  else
    mark()
})()
