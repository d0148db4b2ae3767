// Maps with Leaflet (static/vendor/leaflet): the optional point of a proposal in its
// form, that point on the proposal page, and a process's proposals beside their list
// (clustered). Every map box is hidden without this file; the place's text field,
// the proposal page and the list work without it.
(function () {
  "use strict";
  if (!window.L) { return; }

  function baseMap(box) {
    box.hidden = false;
    var view = (box.getAttribute("data-view") || "35.68,139.77,13").split(",").map(Number);
    var map = L.map(box.querySelector("[data-map-canvas]"), { scrollWheelZoom: false });
    L.tileLayer(box.getAttribute("data-tile-url"), {
      attribution: box.getAttribute("data-tile-attribution"),
      maxZoom: Number(box.getAttribute("data-max-zoom")) || 18
    }).addTo(map);
    map.setView([view[0], view[1]], view[2]);
    return map;
  }

  function savedPoint(box) {
    var lat = parseFloat(box.getAttribute("data-latitude"));
    var lng = parseFloat(box.getAttribute("data-longitude"));
    return isNaN(lat) || isNaN(lng) ? null : L.latLng(lat, lng);
  }

  function setUpPicker(box) {
    var form = box.closest("form");
    var latInput = form && form.querySelector("[data-map-latitude]");
    var lngInput = form && form.querySelector("[data-map-longitude]");
    if (!latInput || !lngInput) { return; }
    var map = baseMap(box);
    var status = box.querySelector("[data-map-status]");
    var marker = null;
    function place(latlng) {
      var lat = Math.round(latlng.lat * 1e6) / 1e6;
      var lng = Math.round(L.Util.wrapNum(latlng.lng, [-180, 180], true) * 1e6) / 1e6;
      latInput.value = String(lat);
      lngInput.value = String(lng);
      if (!marker) { marker = L.marker([lat, lng], { keyboard: false }).addTo(map); }
      marker.setLatLng([lat, lng]);
      if (status) { status.textContent = lat.toFixed(5) + ", " + lng.toFixed(5); }
    }
    var start = latInput.value && lngInput.value ?
      L.latLng(parseFloat(latInput.value), parseFloat(lngInput.value)) : savedPoint(box);
    if (start) { place(start); map.setView(start, 16); }
    map.on("click", function (event) { place(event.latlng); });
    box.querySelector("[data-map-centre]").addEventListener("click", function () {
      place(map.getCenter());
    });
    box.querySelector("[data-map-clear]").addEventListener("click", function () {
      latInput.value = "";
      lngInput.value = "";
      if (marker) { map.removeLayer(marker); marker = null; }
      if (status) { status.textContent = ""; }
    });
  }

  function setUpPoint(box) {
    var point = savedPoint(box);
    if (!point) { return; }
    var map = baseMap(box);
    map.setView(point, 16);
    L.marker(point, { keyboard: false }).addTo(map);
  }

  function setUpPoints(box) {
    var url = box.getAttribute("data-points-url");
    if (!url || !window.fetch) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.features || !data.features.length) { return; }
        var map = baseMap(box);
        var group = L.markerClusterGroup ? L.markerClusterGroup() : L.featureGroup();
        data.features.forEach(function (feature) {
          var c = feature.geometry.coordinates;
          var link = document.createElement("a");
          link.href = feature.properties.url;
          link.textContent = feature.properties.title;  // text, never HTML
          var popup = document.createElement("div");
          popup.appendChild(link);
          var count = document.createElement("p");
          count.textContent = feature.properties.supports_label;
          popup.appendChild(count);
          group.addLayer(L.marker([c[1], c[0]], { title: feature.properties.title }).bindPopup(popup));
        });
        group.addTo(map);
        map.fitBounds(group.getBounds(), { maxZoom: 16, padding: [20, 20] });
      })
      .catch(function () { /* the list works without the map */ });
  }

  document.querySelectorAll("[data-map=picker]").forEach(setUpPicker);
  document.querySelectorAll("[data-map=point]").forEach(setUpPoint);
  document.querySelectorAll("[data-map=points]").forEach(setUpPoints);
})();
