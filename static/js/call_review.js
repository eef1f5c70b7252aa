// Clicking a moment's time seeks the recording to it. Without a recording, times are plain text.
(function () {
  "use strict";
  var audio = document.getElementById("recording");
  if (!audio) return;
  Array.prototype.forEach.call(document.querySelectorAll("[data-seek]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      audio.currentTime = Number(button.dataset.seek);
      audio.play();
    });
  });
})();
