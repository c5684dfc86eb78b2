// The browser door's page script (tui/serve/pages.py app_page). Runs before textual.js
// connects (on window load): it points the terminal at this server's websocket, picks a
// font size at which at least 80×24 cells fit (a phone in landscape included), and makes
// a delivered file (an export, a report) arrive as a download instead of a pop-up.
(function () {
  "use strict";
  var MIN_COLUMNS = 80, MIN_ROWS = 24, MAX_FONT = 16, MIN_FONT = 8;
  var terminal = document.getElementById("terminal");
  if (!terminal) { return; }
  var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  terminal.dataset.sessionWebsocketUrl = scheme + "//" + window.location.host + "/ws";

  function fontSize() {
    var width = terminal.clientWidth || window.innerWidth;
    var height = terminal.clientHeight || window.innerHeight;
    // A monospace cell is about 0.6 of the font size wide and 1.2 high.
    var size = Math.min(MAX_FONT, Math.floor(width / (MIN_COLUMNS * 0.62)), Math.floor(height / (MIN_ROWS * 1.2)));
    return Math.max(MIN_FONT, size);
  }
  terminal.dataset.fontSize = String(fontSize());

  // textual.js opens a delivered file with window.open(), which browsers block as a
  // pop-up unless a click just happened; a link with `download` is never blocked.
  var openWindow = window.open.bind(window);
  window.open = function (url, target, features) {
    var address = String(url);
    if (address.indexOf(window.location.origin + "/download/") === 0) {
      var link = document.createElement("a");
      link.href = address;
      link.download = "";
      link.rel = "noopener";
      document.body.appendChild(link);
      link.click();
      link.remove();
      return null;
    }
    return openWindow(url, target, features);
  };
})();
