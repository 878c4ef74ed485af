/* Maps of places (server/templates/_map.html): Leaflet markers from each .map's
   data-places. The marker images are our own copy (data-icons), and no tile layer is
   loaded unless the deployment names one (data-tiles): the markers, a graticule and a
   scale show with no network at all. */
(function () {
  "use strict";

  // Meridians and parallels every `step` degrees around the bounds: where the markers
  // are, when there is no base map to tell.
  function graticule(map, bounds) {
    var span = Math.max(bounds.getNorth() - bounds.getSouth(), bounds.getEast() - bounds.getWest());
    var step = [1, 2, 5, 10, 20, 30].find(function (s) { return span / s <= 8; }) || 30;
    var south = Math.floor(bounds.getSouth() / step - 2) * step;
    var north = Math.ceil(bounds.getNorth() / step + 2) * step;
    var west = Math.floor(bounds.getWest() / step - 2) * step;
    var east = Math.ceil(bounds.getEast() / step + 2) * step;
    var lines = [];
    for (var lat = Math.max(south, -90); lat <= Math.min(north, 90); lat += step) {
      lines.push([[lat, west], [lat, east]]);
    }
    for (var lng = west; lng <= east; lng += step) {
      lines.push([[Math.max(south, -90), lng], [Math.min(north, 90), lng]]);
    }
    L.polyline(lines, { className: "graticule", interactive: false, weight: 1 }).addTo(map);
  }

  function popup(place) {
    var text = document.createElement(place.url ? "a" : "span");
    if (place.url) text.href = place.url;
    text.textContent = place.label; // a label is text, never markup
    return text;
  }

  function draw(element) {
    var places = JSON.parse(element.getAttribute("data-places") || "[]");
    if (!places.length || element.classList.contains("leaflet-container")) return;
    L.Icon.Default.imagePath = element.getAttribute("data-icons");
    var tiles = element.getAttribute("data-tiles");
    var map = L.map(element, { scrollWheelZoom: false, attributionControl: Boolean(tiles) });
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 18 }).addTo(map);
    } else {
      element.classList.add("no-tiles");
    }
    var markers = places.map(function (place) {
      return L.marker([place.lat, place.long], { title: place.label, alt: place.label })
        .bindPopup(popup(place));
    });
    var group = L.featureGroup(markers);
    var bounds = group.getBounds();
    if (!tiles) graticule(map, bounds);
    group.addTo(map);
    map.fitBounds(bounds.pad(0.15), { maxZoom: 10 });
    L.control.scale().addTo(map);
  }

  if (window.L) document.querySelectorAll(".map[data-places]").forEach(draw);
})();
