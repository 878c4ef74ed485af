/* The timeline (server/templates/_timeline.html): an SVG time axis drawn above each
   ol.timeline from its items' data-start/data-end (xsd:date, gYearMonth or gYear), one
   bar per event, coloured by kind (paler when only the month or year is known), labelled
   and linked like the list, which stays as the readable version. No library. */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var DAY = 86400000;
  var ROW = 22;
  var AXIS = 24;
  var CHAR = 6.2; // average width of a 11px label character, to keep labels apart

  // The first or the last day a date of the data covers: "2017", "2017-05", "2017-05-08".
  function day(text, last) {
    var parts = text.split("-").map(Number);
    if (parts.length === 1) return Date.UTC(parts[0] + (last ? 1 : 0), 0, 1) - (last ? DAY : 0);
    if (parts.length === 2) return Date.UTC(parts[0], parts[1] - (last ? 0 : 1), 1) - (last ? DAY : 0);
    return Date.UTC(parts[0], parts[1] - 1, parts[2]);
  }

  function node(name, attributes, parent) {
    var element = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { element.setAttribute(key, attributes[key]); });
    if (parent) parent.appendChild(element);
    return element;
  }

  function draw(list) {
    var items = Array.prototype.slice.call(list.querySelectorAll("li[data-start]"));
    if (!items.length || list.previousElementSibling && list.previousElementSibling.matches("svg.timeline-axis")) return;
    var events = items.map(function (li) {
      var link = li.querySelector("a");
      return {
        start: day(li.getAttribute("data-start"), false),
        end: day(li.getAttribute("data-end") || li.getAttribute("data-start"), true) + DAY,
        kind: li.getAttribute("data-kind") || "event",
        planned: li.classList.contains("planned"),
        vague: (li.getAttribute("data-start") || "").length < 10,
        label: (link || li).textContent.trim(),
        when: (li.querySelector("time") || li).textContent.trim(),
        href: link ? link.getAttribute("href") : null,
      };
    });
    var first = new Date(Math.min.apply(null, events.map(function (e) { return e.start; })));
    var last = new Date(Math.max.apply(null, events.map(function (e) { return e.end; })));
    var from = Date.UTC(first.getUTCFullYear(), 0, 1);
    var to = Date.UTC(last.getUTCFullYear() + 1, 0, 1);
    var width = Math.max(list.parentNode.clientWidth || 800, 480);
    var x = function (time) { return 8 + (width - 16) * (time - from) / (to - from); };

    // Each event goes on the first row where its bar and label fit after the others; a
    // label that would leave the picture on the right goes on the left of its bar.
    var ends = [];
    events.forEach(function (e) {
      e.left = x(e.start);
      e.bar = Math.max(x(e.end) - e.left, 6);
      var text = 4 + e.label.length * CHAR;
      e.before = e.left + e.bar + text > width && e.left - text > 0;
      var begin = e.before ? e.left - text : e.left;
      var row = ends.findIndex(function (end) { return end < begin; });
      if (row < 0) { row = ends.length; ends.push(0); }
      ends[row] = e.before ? e.left + e.bar : e.left + e.bar + text;
      e.row = row;
    });

    var height = AXIS + ends.length * ROW + 8;
    // The list below says the same: the picture is hidden from assistive technology.
    var svg = node("svg", { class: "timeline-axis", width: width, height: height,
                            viewBox: "0 0 " + width + " " + height, "aria-hidden": "true" });
    for (var year = first.getUTCFullYear(); year <= last.getUTCFullYear() + 1; year++) {
      var at = x(Date.UTC(year, 0, 1));
      node("line", { class: "tick", x1: at, x2: at, y1: 0, y2: height }, svg);
      node("text", { class: "year", x: at + 3, y: 14 }, svg).textContent = String(year);
    }
    events.forEach(function (e) {
      var group = e.href ? node("a", { href: e.href, tabindex: "-1" }, svg) : node("g", {}, svg);
      group.setAttribute("class", "event kind-" + e.kind + (e.planned ? " planned" : "") +
                         (e.vague ? " vague" : ""));
      node("title", {}, group).textContent = e.label + " (" + e.when + ")";
      var top = AXIS + e.row * ROW;
      node("rect", { x: e.left, y: top + 3, width: e.bar, height: ROW - 8, rx: 3 }, group);
      var label = e.before ?
        { x: e.left - 4, y: top + ROW - 8, "text-anchor": "end" } :
        { x: e.left + e.bar + 4, y: top + ROW - 8 };
      node("text", label, group).textContent = e.label;
    });
    list.parentNode.insertBefore(svg, list);
  }

  document.querySelectorAll("ol.timeline").forEach(draw);
})();
