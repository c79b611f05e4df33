/*
 * Highlight the searched words on the page a search result leads to, without
 * regard to diacritics. Material does this for "?h=" links (search.highlight)
 * by literal match, but kyniem's search folds the query ("lịch sử" becomes
 * "lich su"), so Material alone would not mark "Lịch sử" in the text. Words
 * are compared folded, as lunr.vi.min.js folds them, and marked as typed.
 */
(function () {
  "use strict"
  var terms = (new URL(location.href).searchParams.get("h") || "")
    .split(/[\s*+\-:~^]+/).map(fold).filter(Boolean)
  if (!terms.length)
    return

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase()
  }

  function matches(word) {
    var key = fold(word)
    return terms.some(function (term) { return key.indexOf(term) === 0 })
  }

  function mark() {
    var root = document.querySelector(".md-content article")
    if (!root)
      return
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
    var nodes = []
    for (var node = walker.nextNode(); node; node = walker.nextNode())
      if (!node.parentElement.closest("mark, script, style, .headerlink"))
        nodes.push(node)
    nodes.forEach(function (text) {
      var parts = text.textContent.split(/([\p{L}\p{M}\p{N}]+)/u)
      if (!parts.some(function (part, i) { return i % 2 === 1 && matches(part) }))
        return
      var fragment = document.createDocumentFragment()
      parts.forEach(function (part, i) {
        if (i % 2 === 1 && matches(part)) {
          var el = document.createElement("mark")
          el.setAttribute("data-md-highlight", "")
          el.textContent = part
          fragment.appendChild(el)
        } else if (part) {
          fragment.appendChild(document.createTextNode(part))
        }
      })
      text.replaceWith(fragment)
    })
  }

  if (document.readyState === "loading")
    document.addEventListener("DOMContentLoaded", mark)
  else
    mark()
})()
