/*
 * Write the full address of each content link where print.css can show it
 * on paper: a relative href like "../thanh-lap/" means nothing in print, so
 * the resolved address goes into data-ky-href. Links inside the page, links
 * around pictures and footnote marks are left out.
 */
(function () {
  "use strict"
  function mark() {
    var links = document.querySelectorAll(".md-content .md-typeset a[href]")
    for (var i = 0; i < links.length; i++) {
      var link = links[i]
      var href = link.getAttribute("href")
      if (!href || href.charAt(0) === "#" || link.querySelector("img, picture, svg") ||
          link.classList.contains("headerlink") || link.classList.contains("glightbox") ||
          link.classList.contains("footnote-ref") || link.classList.contains("footnote-backref"))
        continue
      var address = link.href
      try { address = decodeURI(address) } catch (err) { /* keep it encoded */ }
      link.setAttribute("data-ky-href", address)
    }
  }
  if (document.readyState === "loading")
    document.addEventListener("DOMContentLoaded", mark)
  else
    mark()
})()
