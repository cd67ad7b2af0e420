/* The platform's one script: small, no build step, no inline handlers (the CSP forbids them).

   [data-fill]          click: data-fill='{"field": "value", ...}' sets those fields by name in the page's
                        main form (#intake-form on the agent console, #dispatch-form on the dispatch form,
                        else the closest form[data-fill-form] or the element's data-fill-form="#id") and
                        fires "change" on each. A multi-select gets a value added (or exactly a list).
   [data-mirror=name]   shows the current value of field "name" of the main form (e.g. the merge target).
   [data-clear=name]    click: clears field "name" of the main form and fires "change".
   [data-shortcut=k]    Alt+k focuses (fields) or clicks (buttons, links) the element; a legend on the
                        page lists them.
   [data-confirm=text]  a form (or submit button) asks before it submits.
   hotline:incoming-call  (htmx event on document.body, detail {phone, call_id, hotline_number}) fills the
                        agent console's caller phone, hidden call_id and dialled number, and loads the
                        caller's history.
   Idle sign-out        htmx requests carry X-Hotline-Active: 1 only while the person is active; after the
                        session's idle limit (body[data-idle-seconds]) the page reloads to show the login.
*/
(function () {
  "use strict";

  var MAIN_FORMS = ["#intake-form", "#dispatch-form"];

  function mainForm(origin) {
    var explicit = origin && origin.closest && origin.closest("[data-fill-form]");
    if (explicit) {
      var target = explicit.getAttribute("data-fill-form");
      if (target && target.charAt(0) === "#") {
        var byId = document.querySelector(target);
        if (byId) return byId;
      }
      if (explicit.tagName === "FORM") return explicit;
    }
    for (var i = 0; i < MAIN_FORMS.length; i++) {
      var form = document.querySelector(MAIN_FORMS[i]);
      if (form) return form;
    }
    return document.querySelector("form[data-main-form]");
  }

  function fire(el, type) {
    el.dispatchEvent(new Event(type, { bubbles: true }));
  }

  function setField(form, name, value) {
    var field = form.elements.namedItem(name);
    if (!field) return null;
    var values = Array.isArray(value) ? value.map(String) : [value === null || value === undefined ? "" : String(value)];
    if (field instanceof RadioNodeList && !(field instanceof HTMLSelectElement)) {
      var first = null;
      Array.prototype.forEach.call(field, function (item) {
        if (item.type === "radio") {
          item.checked = values.indexOf(item.value) !== -1;
        } else if (item.type === "checkbox") {
          if (Array.isArray(value)) item.checked = values.indexOf(item.value) !== -1;
          else if (values.indexOf(item.value) !== -1) item.checked = true;
        } else {
          item.value = values[0];
        }
        first = first || item;
      });
      return first;
    }
    if (field.tagName === "SELECT" && field.multiple) {
      Array.prototype.forEach.call(field.options, function (option) {
        if (Array.isArray(value)) option.selected = values.indexOf(option.value) !== -1;
        else if (values.indexOf(option.value) !== -1) option.selected = true;
      });
    } else if (field.type === "checkbox") {
      field.checked = value === true || value === "true" || value === "1" || value === "on";
    } else if (field.tagName === "SELECT") {
      var known = Array.prototype.some.call(field.options, function (o) { return o.value === values[0]; });
      if (!known) return null;
      field.value = values[0];
    } else {
      field.value = values[0];
    }
    return field;
  }

  function fill(origin, data) {
    var form = mainForm(origin);
    if (!form) return;
    var changed = [];
    Object.keys(data).forEach(function (name) {
      var field = setField(form, name, data[name]);
      if (field) changed.push(field);
    });
    changed.forEach(function (field) { fire(field, "change"); });
    updateMirrors(form);
  }

  function updateMirrors(form) {
    if (!form) return;
    document.querySelectorAll("[data-mirror]").forEach(function (el) {
      var field = form.elements.namedItem(el.getAttribute("data-mirror"));
      var value = field && field.value ? field.value : "";
      var target = el.querySelector("[data-mirror-value]") || el;
      target.textContent = value;
      el.hidden = !value;
    });
  }

  document.addEventListener("click", function (event) {
    var filler = event.target.closest("[data-fill]");
    if (filler) {
      event.preventDefault();
      var data;
      try {
        data = JSON.parse(filler.getAttribute("data-fill"));
      } catch (e) {
        return;
      }
      fill(filler, data);
      return;
    }
    var clearer = event.target.closest("[data-clear]");
    if (clearer) {
      event.preventDefault();
      var data2 = {};
      data2[clearer.getAttribute("data-clear")] = "";
      fill(clearer, data2);
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.form) updateMirrors(mainForm(event.target));
  });

  /* [data-filter-select="#id"]: typing narrows a long <select> (the category tree) to matching options
     and selects the first match, so a category is found with a few keystrokes. */
  document.addEventListener("input", function (event) {
    var box = event.target.closest && event.target.closest("[data-filter-select]");
    if (!box) return;
    var select = document.querySelector(box.getAttribute("data-filter-select"));
    if (!select) return;
    var words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var firstMatch = null;
    Array.prototype.forEach.call(select.options, function (option) {
      var text = option.textContent.toLowerCase();
      var match = !option.value || words.every(function (w) { return text.indexOf(w) !== -1; });
      option.hidden = !match;
      if (match && option.value && !firstMatch) firstMatch = option;
    });
    if (firstMatch && words.length && select.value !== firstMatch.value) {
      select.value = firstMatch.value;
      fire(select, "change");
    }
  });
  document.addEventListener("keydown", function (event) {
    var box = event.target.closest && event.target.closest("[data-filter-select]");
    if (box && event.key === "Enter") {
      /* Enter in the filter picks the match and moves on instead of submitting the form */
      event.preventDefault();
      var select = document.querySelector(box.getAttribute("data-filter-select"));
      if (select) select.focus();
    }
  });

  /* Keyboard shortcuts: Alt+key. */
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    var key = (event.key || "").toLowerCase();
    if (!key || key.length !== 1) return;
    var target = document.querySelector('[data-shortcut="' + key.replace(/["\\]/g, "") + '"]');
    if (!target || target.closest("[hidden]")) return;
    event.preventDefault();
    if (target.matches("input, select, textarea")) {
      target.focus();
      if (target.select && target.type !== "file") target.select();
    } else if (target.tagName === "DETAILS") {
      target.open = true;
      var inner = target.querySelector("input, select, textarea, button");
      if (inner) inner.focus();
    } else {
      target.click();
    }
  });

  /* Confirmation before destructive submits. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var text = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (text && !window.confirm(text)) event.preventDefault();
  }, true);

  /* The telephony event: a call rings for this agent. */
  document.body.addEventListener("hotline:incoming-call", function (event) {
    var detail = event.detail || {};
    var form = document.querySelector("#intake-form");
    if (!form || !detail.phone) return;
    var data = { caller_phone: String(detail.phone) };
    if (detail.call_id) data.call_id = String(detail.call_id);
    if (detail.hotline_number) data.hotline_number = String(detail.hotline_number);
    fill(form, data);
    var phone = form.elements.namedItem("caller_phone");
    if (phone) {
      fire(phone, "input");
      phone.focus();
    }
    var banner = document.querySelector("#incoming-call");
    if (banner) {
      var number = banner.querySelector("[data-call-phone]");
      if (number) number.textContent = String(detail.phone);
      banner.hidden = false;
    }
  });

  /* Idle sign-out. */
  var lastInput = Date.now();
  ["keydown", "mousedown", "touchstart", "wheel"].forEach(function (type) {
    document.addEventListener(type, function () { lastInput = Date.now(); }, { passive: true, capture: true });
  });
  document.body.addEventListener("htmx:configRequest", function (event) {
    var active = Date.now() - lastInput < 60 * 1000;
    event.detail.headers["X-Hotline-Active"] = active ? "1" : "0";
  });
  var idle = parseInt(document.body.getAttribute("data-idle-seconds") || "0", 10);
  var keepalive = document.body.getAttribute("data-keepalive-url");
  var lastPing = Date.now();
  if (idle > 0) {
    window.setInterval(function () {
      var now = Date.now();
      if (now - lastInput > (idle + 5) * 1000) {
        window.location.reload();
      } else if (keepalive && lastInput > lastPing && now - lastPing > 2 * 60 * 1000) {
        /* typing a long reply makes no request: tell the server the person is still there */
        lastPing = now;
        window.fetch(keepalive, { credentials: "same-origin", headers: { "HX-Request": "true", "X-Hotline-Active": "1" } });
      }
    }, 30 * 1000);
  }

  /* After a panel swaps in, keep the mirrors right (a panel may contain [data-mirror]). */
  document.body.addEventListener("htmx:afterSwap", function () {
    updateMirrors(mainForm(null));
  });

  /* Autofocus the first field marked for it, once the page is ready (keyboard users start typing). */
  var first = document.querySelector("[data-autofocus]");
  if (first && document.activeElement === document.body) first.focus();
})();
