/*
 * Tell kyniem's search worker when the reader opens the search, so that it
 * loads its index while the reader starts typing, not after the first key,
 * and never on a page where nobody searches; and what is being typed, so that
 * it fetches the words of the query's syllables before the query comes
 * (Material sends it when the key is let go). Material's bundle creates the
 * worker as it runs, so this script comes just before the bundle
 * (kyniem/templates/main.html) and catches the worker as it is created;
 * nothing else about it changes.
 */
(function () {
  "use strict"
  var Native = window.Worker
  if (typeof Native !== "function")
    return

  function watch(worker) {
    var toggle = document.getElementById("__search")
    var input = document.querySelector("input.md-search__input")
    var sent = false
    function warm() {
      if (sent)
        return
      sent = true
      worker.postMessage({ type: "kyniem-warm" })
    }
    if (toggle)
      toggle.addEventListener("change", function () { if (toggle.checked) warm() })
    if (input) {
      input.addEventListener("focus", warm)
      input.addEventListener("pointerdown", warm)
      input.addEventListener("input", function () {
        warm()
        worker.postMessage({ type: "kyniem-preload", data: input.value })
      })
    }
  }

  function KyniemWorker(url, options) {
    var worker = new Native(url, options)
    if (/(^|\/)assets\/kyniem\/search\/worker\.js$/.test(String(url)))
      watch(worker)
    return worker
  }
  KyniemWorker.prototype = Native.prototype
  window.Worker = KyniemWorker
})()
