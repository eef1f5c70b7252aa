// Keyboard grading: 0–3 set the active criterion's level and move to the next; j/k move;
// Ctrl/Cmd+Enter releases and opens the next attempt. Typing in a text box is never intercepted.
(function () {
  "use strict";
  var form = document.getElementById("grade-form");
  if (!form) return;
  var criteria = Array.prototype.slice.call(form.querySelectorAll("fieldset.criterion"));
  var active = 0;

  function show(scroll) {
    criteria.forEach(function (fieldset, index) { fieldset.classList.toggle("active", index === active); });
    // Scrolling while a mouse button is down would move the radio away from the pointer: keys only.
    if (scroll !== false && criteria[active]) criteria[active].scrollIntoView({ block: "nearest" });
  }
  function firstUnset() {
    for (var i = 0; i < criteria.length; i++) {
      if (!criteria[i].querySelector("input:checked")) return i;
    }
    return 0;
  }
  active = firstUnset();
  show();

  document.addEventListener("keydown", function (event) {
    var typing = /^(TEXTAREA|INPUT|SELECT)$/.test(event.target.tagName) && event.target.type !== "radio";
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      var release = form.querySelector("button[value=release_next]");
      if (release) form.requestSubmit(release);
      return;
    }
    if (typing || event.altKey || event.ctrlKey || event.metaKey) return;
    if (/^[0-9]$/.test(event.key) && criteria[active]) {  // a digit picks the level whose radio has that value
      var radio = criteria[active].querySelector("input[value='" + event.key + "']");
      if (radio && !radio.disabled) {
        radio.checked = true;
        radio.dispatchEvent(new Event("change", { bubbles: true }));
        radio.focus();
        active = Math.min(active + 1, criteria.length - 1);
        show();
        event.preventDefault();
      }
    } else if (event.key === "j") {
      active = Math.min(active + 1, criteria.length - 1); show();
    } else if (event.key === "k") {
      active = Math.max(active - 1, 0); show();
    }
  });
  criteria.forEach(function (fieldset, index) {
    fieldset.addEventListener("focusin", function () { active = index; show(false); });
  });
  // Nothing entered is lost: levels and texts are saved as a draft as they change, comments are
  // added without reloading, and leaving with something unsaved asks first.
  var statusRegion = document.getElementById("grading-status");
  var totalLine = document.getElementById("grade-total");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
  var changesSinceSave = 0;
  var submitting = false;

  function announce(text) { if (statusRegion) statusRegion.textContent = text; }

  function post(url, data) {
    return fetch(url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf.value : "", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok || !body.saved) throw new Error(body.error || "It could not be saved. Try again.");
        return body;
      });
    });
  }

  function showTotal() {
    if (!totalLine) return;
    var points = 0;
    Array.prototype.forEach.call(form.querySelectorAll("fieldset.criterion input:checked"), function (radio) {
      points += Number(radio.value);
    });
    totalLine.textContent = "Total " + points + " of " + totalLine.dataset.max;
  }

  function draftData() {
    var data = new FormData();
    if (csrf) data.append("csrfmiddlewaretoken", csrf.value);
    Array.prototype.forEach.call(form.querySelectorAll("fieldset.criterion input:checked"), function (radio) {
      data.append(radio.name, radio.value);
    });
    ["overall_comment", "guidance"].forEach(function (name) {
      var box = form.querySelector("[name=" + name + "]");
      if (box) data.append(name, box.value);
    });
    return data;
  }

  // One save at a time, so an older save can never land after a newer one.
  var saving = false;
  var saveAgain = false;
  function saveDraft() {
    if (!form.dataset.draftUrl || submitting) return;
    if (saving) { saveAgain = true; return; }
    saving = true;
    var sent = changesSinceSave;
    post(form.dataset.draftUrl, draftData()).then(function () {
      changesSinceSave -= sent;
      if (!saveAgain) announce("Draft saved.");
    }).catch(function (error) { announce(error.message); }).then(function () {
      saving = false;
      if (saveAgain) { saveAgain = false; saveDraft(); }
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.type === "radio") showTotal();
    if (event.target.type === "radio" || event.target.name === "overall_comment" || event.target.name === "guidance") {
      saveDraft();
    }
  });
  form.addEventListener("input", function (event) {
    if (event.target.name === "overall_comment" || event.target.name === "guidance") changesSinceSave++;
  });
  Array.prototype.forEach.call(form.querySelectorAll("fieldset.criterion input[type=radio]"), function (radio) {
    radio.addEventListener("change", function () { changesSinceSave++; });
  });
  form.addEventListener("submit", function () { submitting = true; });

  function commentLine(author, body) {
    var line = document.createElement("p");
    line.className = "coach-comment";
    var who = document.createElement("strong");
    who.textContent = author + ":";
    line.appendChild(who);
    body.split("\n").forEach(function (part, index) {
      if (index) line.appendChild(document.createElement("br"));
      line.appendChild(document.createTextNode(index ? part : " " + part));
    });
    return line;
  }

  Array.prototype.forEach.call(document.querySelectorAll("button.comment-add"), function (button) {
    button.addEventListener("click", function (event) {
      if (!form.dataset.commentUrl) return;
      event.preventDefault();
      var turn = button.value;
      var box = document.getElementById("comment-" + turn);
      var bank = document.querySelector("input[name=save_to_bank_" + turn + "]");
      if (!box.value.trim()) { announce("Write the comment first."); box.focus(); return; }
      var data = new FormData();
      if (csrf) data.append("csrfmiddlewaretoken", csrf.value);
      data.append("turn", turn);
      data.append("body", box.value);
      if (bank && bank.checked) data.append("save_to_bank", "1");
      button.disabled = true;
      post(form.dataset.commentUrl, data).then(function (body) {
        document.getElementById("comments-" + turn).appendChild(commentLine(body.coach, body.body));
        box.value = "";
        if (bank) bank.checked = false;
        announce("Comment added to answer " + turn + ".");
      }).catch(function (error) { announce(error.message); }).then(function () { button.disabled = false; });
    });
  });

  function somethingUnsaved() {
    if (changesSinceSave > 0) return true;
    var reason = form.querySelector("[name=reason]");
    if (reason && reason.value.trim()) return true;
    return Array.prototype.some.call(document.querySelectorAll("textarea[name^=comment_]"), function (box) {
      return box.value.trim() !== "";
    });
  }
  window.addEventListener("beforeunload", function (event) {
    if (submitting || !somethingUnsaved()) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // The comment bank fills the comment box it sits beside.
  Array.prototype.forEach.call(document.querySelectorAll(".bank-picker"), function (picker) {
    picker.addEventListener("change", function () {
      var box = document.getElementById(picker.dataset.target);
      if (picker.value) box.value = (box.value ? box.value + " " : "") + picker.value;
      picker.value = "";
      box.focus();
    });
  });
})();
