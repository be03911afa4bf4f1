/* impact-ssg — the catalogue's filters and full-text search, in place.
 *
 * Progressive enhancement: without this script /monographies/ is the full linked list.
 * With it, the list is filtered by facets (OR within a facet, AND across facets) and by
 * a full-text query (every word, each also as a prefix from three letters on, accents and
 * case ignored). The state lives in the query string: ?reseaux=meti&q=mobilite.
 * Data: recherche/catalogue.json (facets, each monograph's values, shard list) and
 * recherche/index/<key>.json shards, fetched only for the words typed.
 */
(function () {
  "use strict";

  var root = document.getElementById("catalogue");
  if (!root || !window.fetch || !window.URLSearchParams || !window.history) return;
  var base = root.getAttribute("data-index");
  var form = document.getElementById("recherche");
  var input = document.getElementById("q");
  var facetsBox = document.getElementById("facettes");
  var status = document.getElementById("resultats");
  var empty = document.getElementById("aucun");
  var list = document.getElementById("liste");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#liste > li"));
  var rowById = {};
  rows.forEach(function (row) { rowById[row.getAttribute("data-id")] = row; });

  var data = null;          // catalogue.json
  var stop = {};            // stop words
  var shardKeys = {};       // shards that exist
  var shards = {};          // key → Promise of {token: postings}
  var selected = {};        // param → {value: true}
  var query = "";
  var generation = 0;       // ignores answers to superseded queries
  var SHOWN_VALUES = 8;

  var LIGATURES = { "œ": "oe", "æ": "ae", "ø": "o", "ß": "ss", "ł": "l", "đ": "d", "ð": "d", "þ": "th" };

  function fold(text) {
    return text.toLowerCase()
      .replace(/[œæøßłđðþ]/g, function (c) { return LIGATURES[c]; })
      .normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  function words(text) {
    return fold(text).split(/[^a-z0-9]+/).filter(function (w) {
      return w.length > 1 && !stop[w];
    });
  }

  function decode(postings) {
    var ids = [], current = 0;
    postings.split(",").forEach(function (delta) {
      current += parseInt(delta, 10);
      ids.push(current);
    });
    return ids;
  }

  function loadShard(key) {
    if (!shardKeys[key]) return Promise.resolve({});
    if (!shards[key]) {
      shards[key] = fetch(base + "index/" + key + ".json").then(function (r) {
        if (!r.ok) throw new Error("index " + key + ": " + r.status);
        return r.json();
      });
    }
    return shards[key];
  }

  // The ids of the monographs holding every word (null: no text query).
  function textMatches(text) {
    var list = words(text);
    if (!list.length) return Promise.resolve(null);
    return Promise.all(list.map(function (word) {
      return loadShard(word.slice(0, 3)).then(function (shard) {
        var found = {};
        Object.keys(shard).forEach(function (token) {
          if (token === word || (word.length > 2 && token.indexOf(word) === 0)) {
            decode(shard[token]).forEach(function (id) { found[id] = true; });
          }
        });
        return found;
      });
    })).then(function (sets) {
      var result = sets[0];
      sets.slice(1).forEach(function (set) {
        var next = {};
        Object.keys(result).forEach(function (id) { if (set[id]) next[id] = true; });
        result = next;
      });
      return result;
    });
  }

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    selected = {};
    data.facets.forEach(function (facet) {
      selected[facet.param] = {};
      (params.get(facet.param) || "").split(",").forEach(function (value) {
        if (value) selected[facet.param][value] = true;
      });
    });
    query = params.get("q") || "";
    input.value = query;
  }

  function writeUrl(push) {
    var params = new URLSearchParams();
    data.facets.forEach(function (facet) {
      var values = Object.keys(selected[facet.param]);
      if (values.length) params.set(facet.param, values.join(","));
    });
    if (query.trim()) params.set("q", query.trim());
    var search = params.toString().replace(/%2C/gi, ",").replace(/%2F/gi, "/");
    var url = window.location.pathname + (search ? "?" + search : "");
    if (url === window.location.pathname + window.location.search) return;
    window.history[push ? "pushState" : "replaceState"](null, "", url);
  }

  // Whether a monograph's values in one facet satisfy its selection (OR; a territory
  // value is held by every monograph below it, as the data lists ancestors too).
  function facetAllows(doc, index) {
    var chosen = selected[data.facets[index].param];
    var keys = Object.keys(chosen);
    if (!keys.length) return true;
    var values = data.facets[index].values;
    return doc[index].some(function (position) { return chosen[values[position].slug]; });
  }

  // The list is busy from a change until its result is shown (screen readers wait; so do
  // tests).
  function busy(state) {
    if (state) list.setAttribute("aria-busy", "true");
    else list.removeAttribute("aria-busy");
  }

  function apply() {
    var mine = ++generation;
    busy(true);
    return textMatches(query).then(function (found) {
      if (mine !== generation) return;
      busy(false);
      var facetCount = data.facets.length;
      var counts = data.facets.map(function (facet) { return facet.values.map(function () { return 0; }); });
      var shown = 0;
      data.docs.forEach(function (doc, id) {
        if (found && !found[id]) { hide(id, true); return; }
        var allows = [];
        var failing = 0;
        for (var f = 0; f < facetCount; f++) {
          allows[f] = facetAllows(doc, f);
          if (!allows[f]) failing++;
        }
        // A value's count: the monographs it would leave, the other facets as they are.
        for (f = 0; f < facetCount; f++) {
          if (failing === 0 || (failing === 1 && !allows[f])) {
            doc[f].forEach(function (position) { counts[f][position]++; });
          }
        }
        hide(id, failing > 0);
        if (failing === 0) shown++;
      });
      renderCounts(counts);
      var total = data.docs.length;
      var filtered = shown !== total || query.trim() || anySelected();
      status.textContent = filtered
        ? shown + (shown > 1 ? " monographies" : " monographie") + " sur " + total + "."
        : total + (total > 1 ? " monographies" : " monographie") + ", de la plus récente à la plus ancienne.";
      empty.hidden = shown > 0;
    }).catch(function (error) {
      busy(false);
      status.textContent = "La recherche n’a pas pu être chargée ; la liste complète reste affichée.";
      if (window.console) console.warn(error);
    });
  }

  function hide(id, hidden) {
    var row = rowById[id];
    if (row) row.hidden = hidden;
  }

  function anySelected() {
    return data.facets.some(function (facet) { return Object.keys(selected[facet.param]).length > 0; });
  }

  // --- facet controls
  var controls = [];   // per facet: {fieldset, items: [{label, box, count, value}], more}

  function buildFacets() {
    data.facets.forEach(function (facet, f) {
      if (!facet.values.length) { controls.push(null); return; }
      var fieldset = document.createElement("fieldset");
      fieldset.className = "facet";
      var legend = document.createElement("legend");
      legend.textContent = facet.label;
      fieldset.appendChild(legend);
      var list = document.createElement("ul");
      list.id = "facette-" + facet.param;
      var items = facet.values.map(function (value, position) {
        var item = document.createElement("li");
        if (value.depth) item.style.paddingLeft = (value.depth * 0.9) + "rem";
        var label = document.createElement("label");
        var box = document.createElement("input");
        box.type = "checkbox";
        box.name = facet.param;
        box.value = value.slug;
        box.addEventListener("change", function () {
          if (box.checked) selected[facet.param][value.slug] = true;
          else delete selected[facet.param][value.slug];
          writeUrl(true);
          apply();
        });
        var text = document.createElement("span");
        text.textContent = value.label;
        var count = document.createElement("span");
        count.className = "count";
        label.appendChild(box);
        label.appendChild(text);
        label.appendChild(document.createTextNode(" "));
        label.appendChild(count);
        item.appendChild(label);
        list.appendChild(item);
        return { item: item, box: box, count: count, value: value, position: position };
      });
      fieldset.appendChild(list);
      var more = null;
      if (items.length > SHOWN_VALUES) {
        more = document.createElement("button");
        more.type = "button";
        more.className = "facet-more";
        more.setAttribute("aria-expanded", "false");
        more.setAttribute("aria-controls", list.id);
        more.addEventListener("click", function () {
          var open = more.getAttribute("aria-expanded") !== "true";
          more.setAttribute("aria-expanded", open ? "true" : "false");
          layoutFacet(f);
        });
        fieldset.appendChild(more);
      }
      facetsBox.appendChild(fieldset);
      controls.push({ items: items, more: more, facet: facet });
    });
  }

  // Territory values below regions show once their parent, or a sibling, is chosen.
  function visibleByTree(control, item) {
    var value = item.value;
    if (!value.depth || value.depth < 2) return true;
    var chosen = selected[control.facet.param];
    var parent = value.slug.split("/").slice(0, -1).join("/");
    return !!chosen[value.slug] || Object.keys(chosen).some(function (slug) {
      return slug === parent || slug.indexOf(parent + "/") === 0;
    });
  }

  function layoutFacet(f) {
    var control = controls[f];
    if (!control) return;
    var open = control.more && control.more.getAttribute("aria-expanded") === "true";
    var visible = 0, hiddenCount = 0;
    var chosen = selected[control.facet.param];
    control.items.forEach(function (entry) {
      var relevant = visibleByTree(control, entry) &&
        (entry.count.textContent !== "0" || chosen[entry.value.slug]);
      // Chosen values, and the sub-territories they open, are never folded away.
      var pinned = chosen[entry.value.slug] || entry.value.depth >= 2;
      var within = relevant && (open || visible < SHOWN_VALUES || pinned);
      entry.item.hidden = !within;
      if (within) visible++;
      else if (relevant) hiddenCount++;
    });
    if (control.more) {
      control.more.hidden = !open && hiddenCount === 0;
      control.more.textContent = open ? "Afficher moins" : "Afficher " + hiddenCount + " de plus";
    }
  }

  function renderCounts(counts) {
    controls.forEach(function (control, f) {
      if (!control) return;
      control.items.forEach(function (entry) {
        entry.box.checked = !!selected[control.facet.param][entry.value.slug];
        entry.count.textContent = String(counts[f][entry.position]);
        entry.box.disabled = counts[f][entry.position] === 0 && !entry.box.checked;
      });
      layoutFacet(f);
    });
  }

  function reset() {
    data.facets.forEach(function (facet) { selected[facet.param] = {}; });
    query = "";
    input.value = "";
    writeUrl(true);
    apply();
    input.focus();
  }

  var typing = null;
  function onInput() {
    busy(true);
    window.clearTimeout(typing);
    typing = window.setTimeout(function () {
      query = input.value;
      writeUrl(false);
      apply();
    }, 180);
  }

  fetch(base + "catalogue.json").then(function (r) {
    if (!r.ok) throw new Error("catalogue: " + r.status);
    return r.json();
  }).then(function (loaded) {
    data = loaded;
    // Values arrive compact: [slug, label], or [parent, segment, label] for territories.
    data.facets.forEach(function (facet) {
      var values = [];
      facet.values.forEach(function (v) {
        if (v.length !== 3) { values.push({ slug: v[0], label: v[1], depth: 0 }); return; }
        var parent = v[0] >= 0 ? values[v[0]] : null;
        values.push({ slug: parent ? parent.slug + "/" + v[1] : v[1], label: v[2],
                      depth: parent ? parent.depth + 1 : 0 });
      });
      facet.values = values;
    });
    data.stopwords.forEach(function (w) { stop[w] = true; });
    data.shards.forEach(function (k) { shardKeys[k] = true; });
    buildFacets();
    readUrl();
    form.hidden = false;
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    input.addEventListener("input", onInput);
    Array.prototype.forEach.call(document.querySelectorAll("[data-reset]"), function (button) {
      button.addEventListener("click", reset);
    });
    window.addEventListener("popstate", function () { readUrl(); apply(); });
    root.classList.add("catalogue-live");
    return apply();
  }).catch(function (error) {
    if (window.console) console.warn(error);
  });
})();
