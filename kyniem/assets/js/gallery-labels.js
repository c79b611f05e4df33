// GLightbox (the photo lightbox) names its buttons in English; readers hear Vietnamese.
(function () {
  var labels = { gclose: "Đóng", gprev: "Ảnh trước", gnext: "Ảnh sau" };
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.nodeType !== 1 || !node.classList.contains("glightbox-container")) return;
        Object.keys(labels).forEach(function (name) {
          var button = node.querySelector("." + name);
          if (button) button.setAttribute("aria-label", labels[name]);
        });
      });
    });
  }).observe(document.body, { childList: true });
})();
