// Evidence highlights: each <mark> carries its note in a role=tooltip element that CSS shows on
// hover and keyboard focus. This adds a tap to open and close it (touch screens have no hover),
// Escape to dismiss it without moving focus or the pointer, and keeps it inside the window.
// Without the script the notes still show on hover and focus.
(function () {
  "use strict";
  var highlights = Array.prototype.slice.call(document.querySelectorAll(".evidence"));
  if (!highlights.length) return;

  var MARGIN = 8;
  // Slide a showing note sideways so all of it is inside the window (through the CSSOM, which the
  // Content Security Policy allows; it forbids only style attributes in the markup).
  function place(highlight) {
    var note = highlight.querySelector(".evidence-note");
    note.style.transform = "";
    var rect = note.getBoundingClientRect();
    if (!rect.width) return; // not showing
    var room = document.documentElement.clientWidth;
    var shift = 0;
    if (rect.right > room - MARGIN) shift = room - MARGIN - rect.right;
    if (rect.left + shift < MARGIN) shift = MARGIN - rect.left;
    if (shift) note.style.transform = "translateX(" + Math.round(shift) + "px)";
  }
  function closeAll(except) {
    highlights.forEach(function (highlight) {
      if (highlight !== except) highlight.classList.remove("is-open");
    });
  }

  highlights.forEach(function (highlight) {
    var mark = highlight.querySelector("mark");
    mark.addEventListener("click", function () {
      var opening = !highlight.classList.contains("is-open");
      closeAll(highlight);
      highlight.classList.toggle("is-open", opening);
      if (opening) {
        highlight.classList.remove("is-dismissed");
        place(highlight);
      } else {
        mark.blur();
        highlight.classList.add("is-dismissed"); // until the pointer leaves or focus comes back
      }
    });
    highlight.addEventListener("focusin", function () {
      highlight.classList.remove("is-dismissed");
      place(highlight);
    });
    highlight.addEventListener("mouseenter", function () { place(highlight); });
    highlight.addEventListener("mouseleave", function () { highlight.classList.remove("is-dismissed"); });
  });

  // A tap anywhere else closes an open note.
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest(".evidence")) closeAll(null);
  });
  // Escape hides whatever note is showing, leaving focus and the pointer where they are.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    highlights.forEach(function (highlight) {
      if (highlight.classList.contains("is-open") || highlight.matches(":hover, :focus-within")) {
        highlight.classList.remove("is-open");
        highlight.classList.add("is-dismissed");
      }
    });
  });
})();
