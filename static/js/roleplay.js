// Autosaves the answer being written, a moment after typing stops. The page works without it:
// sending the form saves the answer too.
(function () {
  "use strict";
  var form = document.getElementById("answer");
  if (!form || !window.fetch) return;
  var textarea = form.querySelector("textarea");
  var status = document.getElementById("draft-status");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timer = null;
  var lastSaved = textarea.value;

  function save() {
    if (textarea.value === lastSaved) return;
    var body = new URLSearchParams({ answer: textarea.value });
    var sending = textarea.value;
    fetch(form.dataset.draftUrl, {
      method: "POST",
      headers: { "X-CSRFToken": token },
      body: body,
      credentials: "same-origin",
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.saved) {
          lastSaved = sending;
          var time = new Date(data.saved_at);
          status.textContent = "Draft saved " + time.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        } else {
          status.textContent = data.error;
        }
      })
      .catch(function () { status.textContent = "Not saved yet: check your connection."; });
  }

  textarea.addEventListener("input", function () {
    status.textContent = "Saving…";
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  });
  textarea.addEventListener("blur", save);
  // Ctrl/Cmd+Enter sends the answer, as in a chat.
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
})();
