// The print button of the printable briefing (no inline script: the content security policy refuses it).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) { event.preventDefault(); window.print(); }
});
