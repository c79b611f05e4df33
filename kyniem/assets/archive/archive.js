/*
 * The document archive (kyniem/archive_pages.py): deep-zoom viewers, the index
 * filters and the citation's copy button. Loaded only on /tu-lieu/ pages.
 *
 * Each viewer's Deep Zoom descriptor is in its data-tiles attribute (a .dzi file
 * cannot be fetched from file://); tiles load as plain images, which works
 * online and in the offline copy alike. A viewer starts when it scrolls near
 * the screen, so a long document costs only the tiles of the pages looked at.
 */
(function () {
  "use strict"
  var viewers = window.knViewers = {}

  function startViewer(element) {
    if (element.getAttribute("data-started") || typeof OpenSeadragon !== "function") return
    element.setAttribute("data-started", "1")
    var id = element.id
    var tools = element.parentNode.querySelector(".kn-viewer-tools")
    if (tools) tools.hidden = false
    var viewer = OpenSeadragon({
      element: element,
      tileSources: JSON.parse(element.getAttribute("data-tiles")),
      drawer: "canvas",
      showNavigationControl: true,
      zoomInButton: id + "-in",
      zoomOutButton: id + "-out",
      homeButton: id + "-home",
      fullPageButton: id + "-full",
      // The buttons go along into full screen, so the reader can leave it.
      toolbar: id + "-tools",
      visibilityRatio: 0.5,
      minZoomImageRatio: 0.8,
      maxZoomPixelRatio: 2,
      gestureSettingsMouse: { clickToZoom: false },
      gestureSettingsTouch: { pinchRotate: false, flickEnabled: true },
      preserveImageSizeOnResize: true,
      // The best level at once, without the blurry ones below it: fewer tiles, as OpenSeadragon advises for phones.
      immediateRender: true
    })
    viewer.addHandler("open", function () {
      var image = viewer.world.getItemAt(0)
      image.addHandler("fully-loaded-change", function (event) {
        element.setAttribute("data-loaded", event.fullyLoaded ? "1" : "0")
      })
    })
    viewers[id] = viewer
  }

  function startViewers() {
    var elements = document.querySelectorAll(".kn-viewer[data-tiles]")
    if (!elements.length) return
    if (typeof OpenSeadragon === "function") {
      // The viewer's own tooltips, in Vietnamese.
      OpenSeadragon.setString("Tooltips.ZoomIn", "Phóng to (phím +)")
      OpenSeadragon.setString("Tooltips.ZoomOut", "Thu nhỏ (phím -)")
      OpenSeadragon.setString("Tooltips.Home", "Xem cả trang (phím 0)")
      OpenSeadragon.setString("Tooltips.FullPage", "Toàn màn hình")
    }
    if (!("IntersectionObserver" in window)) {
      for (var i = 0; i < elements.length; i++) startViewer(elements[i])
      return
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target)
          startViewer(entry.target)
        }
      })
    }, { rootMargin: "200px 0px" })
    for (var j = 0; j < elements.length; j++) observer.observe(elements[j])
  }

  function startFilters() {
    var form = document.querySelector(".kn-archive-filter")
    if (!form) return
    var items = document.querySelectorAll(".kn-archive-item")
    var none = document.querySelector(".kn-archive-none")
    var count = form.querySelector(".kn-archive-count")
    form.hidden = false
    function apply() {
      var wanted = {
        type: form.elements.type.value,
        decade: form.elements.decade.value,
        creator: form.elements.creator.value
      }
      var shown = 0
      for (var i = 0; i < items.length; i++) {
        var item = items[i]
        var match = Object.keys(wanted).every(function (key) {
          return !wanted[key] || item.getAttribute("data-" + key) === wanted[key]
        })
        item.hidden = !match
        if (match) shown++
      }
      count.textContent = shown + " / " + items.length + " tư liệu"
      if (none) none.hidden = shown > 0
    }
    form.addEventListener("change", apply)
    form.addEventListener("submit", function (event) { event.preventDefault() })
    apply()
  }

  function startCopy() {
    var button = document.querySelector(".kn-cite-copy")
    var text = document.getElementById("trich-dan")
    if (!button || !text) return
    button.hidden = false
    button.addEventListener("click", function () {
      function done() { button.textContent = "Đã chép trích dẫn" }
      function select() {
        var range = document.createRange()
        range.selectNodeContents(text)
        var selection = window.getSelection()
        selection.removeAllRanges()
        selection.addRange(range)
        try { if (document.execCommand("copy")) done() } catch (err) { /* left selected for Ctrl+C */ }
      }
      if (navigator.clipboard && window.isSecureContext)
        navigator.clipboard.writeText(text.textContent).then(done, select)
      else
        select()
    })
  }

  function start() {
    startViewers()
    startFilters()
    startCopy()
  }
  if (document.readyState === "loading")
    document.addEventListener("DOMContentLoaded", start)
  else
    start()
})()
