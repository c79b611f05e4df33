/*
 * Web Worker stand-in for the offline copy of the site, opened from file://.
 *
 * Browsers refuse to start a Web Worker from a file: URL, and Material for
 * MkDocs runs its search in one. On file: pages only, this replaces Worker
 * with a hidden iframe that runs the worker script and relays messages, the
 * technique of Material's offline plugin (which loads a shim from a CDN; this
 * one ships in the zip). It is named IFrameWorker because Material's search
 * worker looks for that name to find its language files.
 */
(function () {
  "use strict"
  if (location.protocol !== "file:")
    return

  /* Runs inside the frame: worker globals that talk to the parent page. A
     message goes to the page in a microtask, not as a posted message: the
     frame shares the page's thread, and a posted message waits behind the
     scripts the worker has just asked for (a slow phone or laptop would show
     the results only after those have run). */
  function runtime() {
    self.postMessage = function (data) {
      Promise.resolve(data).then(function (value) { self.kyniemDeliver(value) })
    }
    self.importScripts = function () {
      var urls = Array.prototype.slice.call(arguments)
      return urls.reduce(function (ready, url) {
        return ready.then(function () {
          return new Promise(function (resolve, reject) {
            var script = document.createElement("script")
            script.src = url
            script.onload = function () { resolve() }
            script.onerror = function () { reject(new Error("cannot load " + url)) }
            document.body.appendChild(script)
          })
        })
      }, Promise.resolve())
    }
  }

  function IFrameWorker(url) {
    var target = new EventTarget()
    var frame = document.createElement("iframe")
    frame.hidden = true
    frame.setAttribute("aria-hidden", "true")
    frame.setAttribute("tabindex", "-1")
    frame.title = "Tìm kiếm"
    document.body.appendChild(frame)
    var win = frame.contentWindow
    win.document.open()
    win.document.write(
      "<!doctype html><html><head><title>worker</title></head><body>" +
      "<script>(" + runtime.toString() + ")()<\/script>" +
      "<script src=\"" + String(url).replace(/"/g, "&quot;") + "\"><\/script>" +
      "</body></html>"
    )
    win.document.close()
    /* Listen only now: document.open() drops the frame window's listeners */
    var ready = new Promise(function (resolve) {
      win.addEventListener("load", resolve)
    })

    win.kyniemDeliver = function (data) {
      var message = new MessageEvent("message", { data: data })
      target.dispatchEvent(message)
      if (typeof target.onmessage === "function")
        target.onmessage(message)
    }

    target.postMessage = function (data) {
      ready.then(function () {
        win.dispatchEvent(new MessageEvent("message", { data: data }))
      })
    }
    target.terminate = function () {
      frame.remove()
    }
    return target
  }

  window.IFrameWorker = IFrameWorker
  window.Worker = IFrameWorker
})()
