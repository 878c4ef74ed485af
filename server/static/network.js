/* The who-met-whom network (server/templates/_network.html): cytoscape.js draws the
   JSON of /-/network.json (data-src). Nodes are people, organisations and delegations,
   coloured by kind; edges are encounters, coloured by evidence and labelled when
   pointed at. A mission <select> hides the encounters of the other missions: the
   page's own form (form[data-network=<id>]) if it has one, else one made here. A click
   on a node opens its page. The last network drawn is window.passerellesNetwork. */
(function () {
  "use strict";

  var KINDS = { person: "#2f6f9f", organisation: "#d9822b", delegation: "#5b8c3a" };
  var EVIDENCE = {
    TravelledTogether: "#173f5f",
    DelegationVisit: "#d9822b",
    AttendedPresentation: "#8e44ad",
    MetDuringVisit: "#9aa5b1",
  };

  var STYLE = [
    { selector: "node", style: {
      "background-color": function (n) { return KINDS[n.data("kind")] || "#777"; },
      label: "data(label)", "font-size": 9, color: "#1d2430", "text-valign": "bottom",
      "text-margin-y": 3, "text-wrap": "ellipsis", "text-max-width": 110, width: 14, height: 14,
    } },
    { selector: "node[kind = 'organisation']", style: { shape: "round-rectangle" } },
    { selector: "node[kind = 'delegation']", style: { shape: "diamond", width: 18, height: 18 } },
    { selector: "edge", style: {
      width: 1.6, "curve-style": "bezier", opacity: 0.8,
      "line-color": function (e) { return EVIDENCE[e.data("key")] || "#777"; },
    } },
    { selector: "edge.pointed, edge:selected", style: {
      label: "data(evidenceLabel)", "font-size": 8, width: 3, opacity: 1,
      "text-background-color": "#fff", "text-background-opacity": 0.85,
    } },
    { selector: ".hidden", style: { display: "none" } },
  ];

  function elements(data) {
    var nodes = data.nodes.map(function (n) {
      return { group: "nodes", data: { id: n.id, label: n.label, kind: n.kind, url: n.url } };
    });
    var edges = data.edges.map(function (e) {
      return { group: "edges", data: {
        id: e.id, source: e.source, target: e.target, mission: e.mission || "",
        key: e.evidence.slice(e.evidence.lastIndexOf("#") + 1), evidenceLabel: e.evidence_label,
      } };
    });
    return nodes.concat(edges);
  }

  function legend(data) {
    var list = document.createElement("ul");
    list.className = "network-legend";
    function item(colour, text, shape) {
      var li = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch " + shape;
      swatch.style.backgroundColor = colour;
      li.appendChild(swatch);
      li.appendChild(document.createTextNode(text));
      list.appendChild(li);
    }
    data.legend.kinds.forEach(function (k) { item(KINDS[k.key], k.label, "node-" + k.key); });
    data.legend.evidence.forEach(function (e) { item(EVIDENCE[e.key] || "#777", e.label, "edge"); });
    return list;
  }

  // The page's own mission form, enhanced, or a <select> of the missions in the data.
  function missionSelect(element, data) {
    var form = document.querySelector('form.network-filter[data-network="' + element.id + '"]');
    if (form) {
      form.classList.add("live");
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      return form.querySelector("select[name=mission]");
    }
    if (data.missions.length < 2) return null;
    var label = document.createElement("label");
    label.className = "network-filter";
    label.appendChild(document.createTextNode(element.getAttribute("data-label") + " "));
    var select = document.createElement("select");
    [{ id: "", label: element.getAttribute("data-all") }].concat(data.missions).forEach(function (m) {
      select.appendChild(new Option(m.label, m.id));
    });
    label.appendChild(select);
    element.parentNode.insertBefore(label, element);
    return select;
  }

  var LAYOUT = {
    name: "cose", animate: false, randomize: true, padding: 24, componentSpacing: 80,
    nodeRepulsion: function () { return 60000; }, idealEdgeLength: function () { return 70; },
    nodeOverlap: 20, gravity: 0.4, numIter: 2000,
  };

  function show(cy, element, mission) {
    cy.batch(function () {
      cy.edges().forEach(function (e) {
        e.toggleClass("hidden", Boolean(mission) && e.data("mission") !== mission);
      });
      cy.nodes().forEach(function (n) {
        n.toggleClass("hidden", n.connectedEdges().not(".hidden").empty());
      });
    });
    var visible = cy.elements().not(".hidden");
    visible.layout(LAYOUT).run();
    if (cy.zoom() > 1.5) {
      cy.zoom(1.5); // a few nodes: fitted, they would fill the frame with huge labels
      cy.center(visible);
    }
    var rows = document.querySelectorAll('table[data-network="' + element.id + '"] tr[data-mission]');
    rows.forEach(function (row) {
      row.hidden = Boolean(mission) && row.getAttribute("data-mission") !== mission;
    });
  }

  function draw(element, data) {
    element.classList.add("drawn");
    element.textContent = "";
    var canvas = document.createElement("div");
    canvas.className = "network-canvas";
    element.appendChild(canvas);
    element.appendChild(legend(data));
    var cy = cytoscape({
      container: canvas, elements: elements(data), style: STYLE, minZoom: 0.2, maxZoom: 4,
      layout: { name: "null" },
    });
    cy.on("tap", "node", function (event) {
      var url = event.target.data("url");
      if (url) window.location.assign(url);
    });
    cy.on("mouseover", "edge", function (event) { event.target.addClass("pointed"); });
    cy.on("mouseout", "edge", function (event) { event.target.removeClass("pointed"); });
    var select = missionSelect(element, data);
    if (select) {
      select.value = element.getAttribute("data-mission") || select.value;
      select.addEventListener("change", function () {
        show(cy, element, select.value);
        if (select.form) {
          var url = new URL(window.location.href);
          if (select.value) url.searchParams.set("mission", select.value);
          else url.searchParams.delete("mission");
          window.history.replaceState(null, "", url);
        }
      });
    }
    show(cy, element, select ? select.value : "");
    window.passerellesNetwork = cy;
  }

  document.querySelectorAll(".network[data-src]").forEach(function (element) {
    if (!window.cytoscape) return;
    fetch(element.getAttribute("data-src"), { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + response.statusText);
        return response.json();
      })
      .then(function (data) { draw(element, data); })
      .catch(function (error) {
        element.classList.add("failed");
        element.setAttribute("data-error", String(error));
      });
  });
})();
