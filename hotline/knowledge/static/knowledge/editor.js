/* A small rich-text editor for the answer: a contenteditable box with bold, italic, lists and links,
   kept in step with the hidden <textarea data-rich-editor> that the form posts. The server sanitises
   whatever arrives; without JavaScript the textarea itself is used. */
(function () {
  "use strict";

  // [command, button text, data-* attribute of #kb-editor-labels holding the translated label]
  var COMMANDS = [
    ["bold", "B", "bold"],
    ["italic", "I", "italic"],
    ["insertUnorderedList", "•", "bullets"],
    ["insertOrderedList", "1.", "numbers"],
    ["createLink", null, "link"],
    ["removeFormat", null, "clear"]
  ];

  function label(key) {
    var holder = document.getElementById("kb-editor-labels");
    return (holder && holder.getAttribute("data-" + key)) || key;
  }

  function setUp(textarea) {
    var box = document.createElement("div");
    box.className = "kb-editor";
    box.contentEditable = "true";
    box.setAttribute("role", "textbox");
    box.setAttribute("aria-multiline", "true");
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    if (label) box.setAttribute("aria-label", label.textContent.trim());
    box.innerHTML = textarea.value;
    var bar = document.createElement("div");
    bar.className = "kb-editor-toolbar";
    COMMANDS.forEach(function (cmd) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-small";
      button.textContent = cmd[1] || label(cmd[2]);
      button.title = label(cmd[2]);
      button.setAttribute("aria-label", label(cmd[2]));
      button.addEventListener("click", function () {
        box.focus();
        if (cmd[0] === "createLink") {
          var url = window.prompt(label("link-prompt"), "https://");
          if (!url || !/^(https?:|mailto:|tel:)/i.test(url)) return;
          document.execCommand("createLink", false, url);
        } else {
          document.execCommand(cmd[0], false, null);
        }
        sync();
      });
      bar.appendChild(button);
    });
    function sync() { textarea.value = box.innerHTML; }
    box.addEventListener("input", sync);
    box.addEventListener("blur", sync);
    textarea.hidden = true;
    textarea.required = false;
    textarea.parentNode.insertBefore(bar, textarea);
    textarea.parentNode.insertBefore(box, textarea);
    if (textarea.form) textarea.form.addEventListener("submit", sync);
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-rich-editor]"), setUp);
  });
})();
