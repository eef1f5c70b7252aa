// Keyboard grading: 0–3 set the active criterion's level and move to the next; j/k move;
// Ctrl/Cmd+Enter releases and opens the next attempt. Typing in a text box is never intercepted.
(function () {
  "use strict";
  var form = document.getElementById("grade-form");
  if (!form) return;
  var criteria = Array.prototype.slice.call(form.querySelectorAll("fieldset.criterion"));
  var active = 0;

  function show() {
    criteria.forEach(function (fieldset, index) { fieldset.classList.toggle("active", index === active); });
    if (criteria[active]) criteria[active].scrollIntoView({ block: "nearest" });
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
    if (/^[0-3]$/.test(event.key) && criteria[active]) {
      var radio = criteria[active].querySelector("input[value='" + event.key + "']");
      if (radio && !radio.disabled) {
        radio.checked = true;
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
    fieldset.addEventListener("focusin", function () { active = index; show(); });
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
