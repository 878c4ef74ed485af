/*
 * The query UI of /sparql: YASGUI (@zazuko/yasgui, pinned in package.json), set up from the
 * page's JSON block #yasgui-config so that no script is inline.
 *
 * - Offline: no prefix.cc, no Linked Open Vocabularies look-ups, no Google Charts; prefixes
 *   are completed from our own list, and the chart view is drawn here in SVG.
 * - Hostile results render as text: values only ever reach the page through textContent,
 *   YASR's own escaping, or DOMPurify, and the two gaps left in YASR 4.6.2's table (variable
 *   names and language tags written as HTML) are closed below.
 * - The row limit: a response with X-Result-Truncated gets a visible note above its results.
 */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("yasgui-config").textContent);
  const Yasgui = window.Yasgui;
  const Yasqe = Yasgui.Yasqe;
  const Yasr = Yasgui.Yasr;
  const SVG = "http://www.w3.org/2000/svg";
  const LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const NUMERIC = new Set(
    [
      "integer", "decimal", "double", "float", "int", "long", "short", "byte",
      "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
      "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
    ].map((name) => XSD + name)
  );

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svgElement(tag, attributes) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    return node;
  }

  function escapeHtml(text) {
    const replacements = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
    return String(text).replace(/[&<>"']/g, (c) => replacements[c]);
  }

  /* The shortest prefix:local form of an IRI, or the IRI itself. */
  function compact(iri, prefixes) {
    let best = "";
    let found = iri;
    for (const [prefix, namespace] of Object.entries(prefixes)) {
      if (iri.startsWith(namespace) && namespace.length > best.length) {
        best = namespace;
        found = prefix + ":" + iri.slice(namespace.length);
      }
    }
    return found;
  }

  /* ---- Offline: completions from our own data only ---------------------------------- */

  // The class and property completers ask lov.linkeddata.es: keep the local ones only.
  Yasqe.defaults.autocompleters.splice(0, Infinity, "prefixes", "variables");
  Yasqe.defaults.prefixCcApi = null;
  // The bundled list is a snapshot of prefix.cc (thousands of entries, some spam): offer ours.
  const ourPrefixes = Object.entries(config.prefixes).map(([p, ns]) => `${p}: <${ns}>`).sort();
  Yasqe.registerAutocompleter(
    { ...Yasqe.Autocompleters.prefixes, get: () => Promise.resolve(ourPrefixes) },
    true
  );

  /* ---- Hardening: what YASR 4.6.2's table writes as HTML without escaping ------------ */

  // A variable name goes through DOMPurify only (which keeps <img>, <a>, <form>…) and a
  // language tag through nothing. A conforming endpoint sends neither with markup in it;
  // a hostile one could, so both are escaped here and show as text.
  const Table = Yasr.plugins.table;
  const getColumns = Table.prototype.getColumns;
  Table.prototype.getColumns = function () {
    return getColumns.call(this).map((column) =>
      column.name ? { ...column, title: escapeHtml(column.name) } : column
    );
  };
  const formatLiteral = Table.prototype.formatLiteral;
  Table.prototype.formatLiteral = function (binding, prefixes) {
    const lang = binding["xml:lang"];
    if (lang && !LANGUAGE_TAG.test(lang)) binding = { ...binding, "xml:lang": escapeHtml(lang) };
    return formatLiteral.call(this, binding, prefixes);
  };

  /* ---- The chart view: a bar chart of a numeric column by a label column, in SVG ----- */

  class Chart {
    constructor(yasr) {
      this.yasr = yasr;
      this.label = "Chart";
      this.priority = 5;
      this.svg = undefined;
    }

    columns() {
      const vars = this.yasr.results.getVariables();
      const rows = this.yasr.results.getBindings() || [];
      const numeric = vars.filter((name) => {
        const values = rows.map((row) => row[name]).filter(Boolean);
        return values.length > 0 && values.every((v) => NUMERIC.has(v.datatype));
      });
      return { vars, rows, numeric };
    }

    canHandleResults() {
      const results = this.yasr.results;
      return !!(results && results.getBindings && results.getBindings() &&
                this.columns().numeric.length > 0);
    }

    getIcon() {
      const icon = svgElement("svg", { viewBox: "0 0 16 16", width: "16", height: "16" });
      for (const [x, h] of [[1, 9], [6, 14], [11, 6]]) {
        icon.appendChild(svgElement("rect", { x, y: 16 - h, width: 4, height: h, fill: "currentColor" }));
      }
      return icon;
    }

    draw(persistent) {
      const { vars, rows, numeric } = this.columns();
      const saved = persistent || {};
      const value = numeric.includes(saved.value) ? saved.value : numeric[0];
      const labels = vars.filter((name) => name !== value);
      const label = labels.includes(saved.label) ? saved.label : labels.find((n) => !numeric.includes(n)) || labels[0];
      const root = element("div", "passerelles-chart");
      root.appendChild(this.controls(vars, numeric, label, value));
      this.svg = this.bars(rows, label, value);
      root.appendChild(this.svg);
      this.yasr.resultsEl.appendChild(root);
    }

    controls(vars, numeric, label, value) {
      const bar = element("div", "passerelles-chart-controls");
      const choose = (text, options, selected, key) => {
        const wrapper = element("label", "", text + " ");
        const select = element("select");
        for (const name of options) {
          const option = element("option", "", "?" + name);
          option.value = name;
          option.selected = name === selected;
          select.appendChild(option);
        }
        select.addEventListener("change", () => {
          const choice = { label, value, [key]: select.value };
          this.yasr.storePluginConfig("chart", choice);
          this.yasr.draw();
        });
        wrapper.appendChild(select);
        return wrapper;
      };
      if (vars.length > 1) bar.appendChild(choose("Label", vars.filter((n) => n !== value), label, "label"));
      bar.appendChild(choose("Value", numeric, value, "value"));
      return bar;
    }

    bars(rows, label, value) {
      const MAX_BARS = 100;
      const prefixes = this.yasr.getPrefixes();
      const data = rows.filter((row) => row[value]).slice(0, MAX_BARS).map((row, i) => {
        const term = label && row[label];
        let text = term ? term.value : "";
        if (term && term.type === "uri") text = compact(term.value, prefixes);
        return { text: text || "#" + (i + 1), number: Number(row[value].value) };
      });
      const labelWidth = 260, barWidth = 480, rowHeight = 22, top = 8;
      const low = Math.min(0, ...data.map((d) => d.number));
      const high = Math.max(0, ...data.map((d) => d.number));
      const scale = (n) => labelWidth + ((n - low) / (high - low || 1)) * barWidth;
      const height = top * 2 + data.length * rowHeight + (rows.length > MAX_BARS ? rowHeight : 0);
      const svg = svgElement("svg", {
        viewBox: `0 0 ${labelWidth + barWidth + 80} ${height}`,
        width: "100%", role: "img", class: "passerelles-chart-svg",
      });
      svg.appendChild(svgElement("title")).textContent = `?${value} by ?${label || "row"}`;
      data.forEach((d, i) => {
        const y = top + i * rowHeight;
        const name = svg.appendChild(svgElement("text", { x: labelWidth - 8, y: y + 15, "text-anchor": "end" }));
        name.textContent = d.text.length > 40 ? d.text.slice(0, 39) + "…" : d.text;
        name.appendChild(svgElement("title")).textContent = d.text;
        const x0 = scale(Math.min(0, d.number)), x1 = scale(Math.max(0, d.number));
        svg.appendChild(svgElement("rect", { x: x0, y: y + 3, width: Math.max(1, x1 - x0), height: rowHeight - 6, class: "bar" }));
        svg.appendChild(svgElement("text", { x: x1 + 6, y: y + 15 })).textContent = d.number.toLocaleString();
      });
      if (rows.length > MAX_BARS) {
        const more = svgElement("text", { x: labelWidth, y: height - top, class: "more" });
        more.textContent = `The first ${MAX_BARS} of ${rows.length} rows.`;
        svg.appendChild(more);
      }
      return svg;
    }

    download() {
      if (!this.svg) return undefined;
      const svg = this.svg;
      return {
        contentType: "image/svg+xml",
        getData: () => new XMLSerializer().serializeToString(svg),
        filename: "chart.svg",
        title: "Download the chart (SVG)",
      };
    }
  }

  Yasr.registerPlugin("chart", Chart);
  Yasr.defaults.pluginOrder = ["table", "chart", "response"];

  /* ---- The row limit: a note above results the server cut ---------------------------- */

  function showTruncation(tab, response) {
    const yasr = tab.getYasr();
    if (!yasr) return;
    let note = yasr.rootEl.querySelector(".passerelles-truncated");
    if (!note) {
      note = element("p", "notice passerelles-truncated");
      note.setAttribute("role", "status");
      yasr.rootEl.insertBefore(note, yasr.resultsEl);
    }
    const truncated = response && response.headers && response.headers.get("X-Result-Truncated");
    if (!truncated || !/^true\b/.test(truncated)) {
      note.hidden = true;
      return;
    }
    const limit = (/limit=(\d+)/.exec(truncated) || [])[1] || String(config.maxRows);
    note.textContent =
      `Truncated: only the first ${Number(limit).toLocaleString()} rows are shown, the most ` +
      "this endpoint returns. Narrow the query, or page through it with LIMIT and OFFSET.";
    note.hidden = false;
  }

  const watched = new WeakSet();
  function watchResponses(tab) {
    const yasqe = tab.getYasqe();
    if (!yasqe || watched.has(yasqe)) return;
    watched.add(yasqe);
    yasqe.on("queryResponse", (_yasqe, response) => showTruncation(tab, response));
  }

  /* ---- YASGUI itself ------------------------------------------------------------------ */

  const endpoint = new URL(config.endpoint, window.location.href).href;
  const declarations = ["ess", "skos", "rdfs"]
    .filter((p) => p in config.prefixes)
    .map((p) => `PREFIX ${p}: <${config.prefixes[p]}>`)
    .join("\n");
  const welcome =
    declarations +
    "\n\n# How many things of each class: try the Chart view.\n" +
    "SELECT ?class (COUNT(?thing) AS ?things)\nWHERE { ?thing a ?class }\n" +
    "GROUP BY ?class\nORDER BY DESC(?things)\nLIMIT 20\n";

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    persistenceId: config.persistenceId,
    // A link's own endpoint or settings are not taken: only ?query=, which the server echoes.
    populateFromUrl: false,
    copyEndpointOnNewTab: true,
    requestConfig: { endpoint, method: "POST" },
    endpointCatalogueOptions: {
      getData: () => [{ endpoint }],
      keys: [],
      renderItem: (item, parent) => parent.appendChild(element("span", "", item.value.endpoint)),
    },
    yasqe: { value: welcome },
    yasr: { prefixes: config.prefixes },
  });
  yasgui.on("query", (_yasgui, tab) => watchResponses(tab));

  // One tab per named query; a tab the user closed comes back on the next visit.
  const current = yasgui.getTab();
  for (const example of config.examples) {
    const id = "example-" + example.name;
    if (yasgui.getTab(id)) continue;
    yasgui.addTab(false, {
      id,
      name: example.title,
      yasqe: { value: example.query },
      requestConfig: { endpoint, method: "POST" },
    });
  }
  if (current) yasgui.selectTabId(current.getId());

  // /sparql?query=…: that query in a tab of its own, run at once.
  if (config.query) {
    const linked = {
      name: "Query from the link",
      yasqe: { value: config.query },
      requestConfig: { endpoint, method: "POST" },
    };
    const tab = yasgui.addTab(true, linked, { avoidDuplicateTabs: true });
    tab.query().catch(() => undefined);
  }
})();
