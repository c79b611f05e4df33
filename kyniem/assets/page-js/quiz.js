/*
 * The self-study quiz of /tim-hieu/ (kyniem/quiz_pages.py writes the page).
 * The questions are in the page itself, so nothing is fetched and nothing is
 * sent: it works from the offline zip on file://. Only the best score is kept,
 * in localStorage, and the quiz works the same when the browser refuses it.
 */
(function () {
  "use strict"
  var root = document.getElementById("ky-quiz")
  var source = document.getElementById("ky-quiz-data")
  if (!root || !source) return
  var pool = JSON.parse(source.textContent)
  var LETTERS = "ABCDEF"
  var STORE = "kyniem-quiz-best"
  var setup = document.getElementById("ky-quiz-setup")
  var run = document.getElementById("ky-quiz-run")
  var result = document.getElementById("ky-quiz-result")
  var message = document.getElementById("ky-quiz-message")
  var bestLine = document.getElementById("ky-quiz-best")
  var set = [], answers = {}, current = 0, oneByOne = true

  function el(tag, className, text) {
    var node = document.createElement(tag)
    if (className) node.className = className
    if (text !== undefined) node.textContent = text
    return node
  }

  /* A folder link opens the folder's index.html on file:// (as the offline zip's own links do). */
  function link(url) {
    if (location.protocol !== "file:") return url
    var cut = url.indexOf("#")
    var path = cut < 0 ? url : url.slice(0, cut)
    var hash = cut < 0 ? "" : url.slice(cut)
    if (path === "" || path.charAt(path.length - 1) === "/") path += "index.html"
    return path + hash
  }

  function readBest() {
    try {
      var value = JSON.parse(window.localStorage.getItem(STORE) || "null")
      return value && value.total > 0 ? value : null
    } catch (err) {
      return null // storage refused (private mode, file:// in some browsers): no best score
    }
  }

  function saveBest(score) {
    var best = readBest()
    if (best && best.right / best.total >= score.right / score.total) return best
    try {
      window.localStorage.setItem(STORE, JSON.stringify(score))
      return score
    } catch (err) {
      return null
    }
  }

  function showBest() {
    var best = readBest()
    bestLine.hidden = !best
    if (best) bestLine.textContent = "Kết quả tốt nhất của bạn trên máy này: " + best.right + "/" + best.total + " câu đúng."
  }

  function randomIndex(n) {
    if (window.crypto && window.crypto.getRandomValues) {
      var buffer = new Uint32Array(1)
      window.crypto.getRandomValues(buffer)
      return buffer[0] % n
    }
    return Math.floor(Math.random() * n)
  }

  function draw(count, topics) {
    var chosen = pool.filter(function (q) { return topics.indexOf(q.t) >= 0 })
    for (var i = chosen.length - 1; i > 0; i--) {
      var j = randomIndex(i + 1), swap = chosen[i]
      chosen[i] = chosen[j]
      chosen[j] = swap
    }
    return chosen.slice(0, count)
  }

  function picked(q) { return answers[q.id] || [] }

  function isRight(q) {
    var mine = picked(q).slice().sort()
    return mine.length === q.a.length && mine.every(function (v, i) { return v === q.a[i] })
  }

  function choiceText(q, index) { return LETTERS.charAt(index) + ". " + q.c[index] }

  function questionBlock(q, number) {
    var box = el("fieldset", "ky-q")
    box.setAttribute("data-qid", q.id)
    var legend = el("legend", "ky-q-text")
    legend.appendChild(el("span", "ky-q-number", "Câu " + number + ". "))
    legend.appendChild(document.createTextNode(q.q))
    box.appendChild(legend)
    var notes = []
    if (q.a.length > 1) notes.push("Chọn " + q.a.length + " đáp án")
    if (q.d) notes.push("Mức độ: " + q.d)
    notes.push(q.t)
    var meta = el("p", "ky-q-meta")
    if (q.s) meta.appendChild(el("span", "ky-q-sample", "Câu hỏi mẫu"))
    meta.appendChild(document.createTextNode(notes.join(" · ")))
    box.appendChild(meta)
    var list = el("ul", "ky-q-choices")
    q.c.forEach(function (text, index) {
      var item = el("li")
      var label = el("label")
      var input = el("input")
      input.type = q.a.length > 1 ? "checkbox" : "radio"
      input.name = "cau-" + q.id
      input.value = String(index)
      input.checked = picked(q).indexOf(index) >= 0
      input.addEventListener("change", function () {
        var boxes = list.querySelectorAll("input")
        var chosen = []
        for (var k = 0; k < boxes.length; k++) if (boxes[k].checked) chosen.push(Number(boxes[k].value))
        answers[q.id] = chosen
      })
      label.appendChild(input)
      label.appendChild(el("span", "ky-q-letter", LETTERS.charAt(index) + "."))
      label.appendChild(el("span", "ky-q-choice", text))
      item.appendChild(label)
      list.appendChild(item)
    })
    box.appendChild(list)
    return box
  }

  function button(text, className, action) {
    var node = el("button", "md-button" + (className ? " " + className : ""), text)
    node.type = "button"
    node.addEventListener("click", action)
    return node
  }

  function focusHeading(container) {
    var heading = container.querySelector("h2")
    heading.setAttribute("tabindex", "-1")
    heading.focus()
  }

  function showQuestions() {
    run.textContent = ""
    var heading = el("h2", "ky-quiz-progress",
      oneByOne ? "Câu " + (current + 1) + " trên " + set.length : "Bộ " + set.length + " câu hỏi")
    heading.id = "ky-quiz-progress"
    run.appendChild(heading)
    var shown = oneByOne ? [set[current]] : set
    shown.forEach(function (q) { run.appendChild(questionBlock(q, set.indexOf(q) + 1)) })
    var bar = el("div", "ky-quiz-buttons")
    if (oneByOne && current > 0) bar.appendChild(button("Câu trước", "", function () { current--; showQuestions() }))
    if (oneByOne && current < set.length - 1)
      bar.appendChild(button("Câu tiếp theo", "md-button--primary", function () { current++; showQuestions() }))
    else
      bar.appendChild(button("Nộp bài", "md-button--primary ky-quiz-submit", showResult))
    run.appendChild(bar)
    focusHeading(run)
  }

  function showResult() {
    var right = set.filter(isRight).length
    var score = { right: right, total: set.length }
    var best = saveBest(score)
    run.hidden = true
    run.textContent = ""
    result.textContent = ""
    var heading = el("h2", "", "Kết quả: " + right + "/" + set.length + " câu đúng")
    heading.id = "ky-quiz-score"
    result.appendChild(heading)
    var summary = el("p", "ky-quiz-summary")
    summary.setAttribute("role", "status")
    summary.textContent = "Bạn trả lời đúng " + right + " trên " + set.length + " câu (" +
      Math.round(100 * right / set.length) + "%). " +
      (best ? "Kết quả tốt nhất trên máy này: " + best.right + "/" + best.total + "."
            : "Trình duyệt không cho lưu kết quả; bài làm vẫn hiện đầy đủ dưới đây.")
    result.appendChild(summary)
    var list = el("ol", "ky-quiz-review")
    set.forEach(function (q) {
      var ok = isRight(q)
      var mine = picked(q)
      var item = el("li", ok ? "ky-right" : "ky-wrong")
      item.setAttribute("data-qid", q.id)
      item.appendChild(el("p", "ky-r-question", q.q))
      item.appendChild(el("p", "ky-r-verdict", ok ? "✓ Đúng" : mine.length ? "✗ Sai" : "✗ Chưa trả lời"))
      if (mine.length && !ok)
        item.appendChild(el("p", "ky-r-mine", "Bạn chọn: " + mine.map(function (i) { return choiceText(q, i) }).join("; ")))
      item.appendChild(el("p", "ky-r-key", "Đáp án đúng: " + q.a.map(function (i) { return choiceText(q, i) }).join("; ")))
      item.appendChild(el("p", "ky-r-explanation", q.e))
      var more = el("p", "ky-r-more")
      var anchor = el("a", "", "Đọc thêm: " + q.m)
      anchor.href = link(q.u)
      more.appendChild(anchor)
      item.appendChild(more)
      list.appendChild(item)
    })
    result.appendChild(list)
    var bar = el("div", "ky-quiz-buttons")
    bar.appendChild(button("Làm bộ câu hỏi khác", "md-button--primary", restart))
    result.appendChild(bar)
    result.hidden = false
    focusHeading(result)
  }

  function restart() {
    result.hidden = true
    result.textContent = ""
    setup.hidden = false
    showBest()
    setup.querySelector("select").focus()
  }

  setup.addEventListener("submit", function (event) {
    event.preventDefault()
    var topics = []
    var boxes = setup.querySelectorAll("input[name=chu-de]")
    for (var i = 0; i < boxes.length; i++) if (boxes[i].checked) topics.push(boxes[i].value)
    if (!topics.length) {
      message.textContent = "Hãy chọn ít nhất một chủ đề."
      return
    }
    message.textContent = ""
    set = draw(Number(setup.querySelector("select").value), topics)
    answers = {}
    current = 0
    oneByOne = setup.querySelector("input[name=cach-lam]:checked").value === "tung-cau"
    setup.hidden = true
    run.hidden = false
    showQuestions()
  })

  root.className += " ky-quiz--ready"
  showBest()
})()
