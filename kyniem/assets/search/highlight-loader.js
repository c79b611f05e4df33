/*
 * The page a search result leads to carries the query in "?h=": only then
 * are the highlighter (js/search-highlight.js) and the matching rules it
 * shares with the search (js/search-core.js) loaded, in that order. Inlined
 * into every page (templates/main.html), so other pages fetch nothing for it.
 */
(function () {
  "use strict"
  if (!new URL(location.href).searchParams.has("h"))
    return
  var base = document.currentScript.getAttribute("data-base")
  ;["search-core.js", "search-highlight.js"].forEach(function (name) {
    var script = document.createElement("script")
    script.src = base + name
    script.async = false
    document.head.appendChild(script)
  })
})()
