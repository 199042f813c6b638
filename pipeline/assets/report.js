// saidwhen audit report: views, tables and article highlighting over the data embedded in the page.
// No network, no libraries: the page must open from a file on a machine without either.
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("report-data").textContent);
  const C = {};
  D.columns.forEach((name, i) => { C[name] = i; });
  const $ = (id) => document.getElementById(id);
  const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  const esc = (s) => String(s === null || s === undefined ? "" : s).replace(/[&<>"']/g, (ch) => ESC[ch]);
  const rowById = {};
  const rowsOfArticle = D.articles.map(() => []);
  D.rows.forEach((r, i) => { rowById[r[C.statement_id]] = i; rowsOfArticle[r[C.article]].push(i); });
  const articleIndex = {};
  D.articles.forEach((a, i) => { articleIndex[a[0]] = i; });

  function articleLink(articleIdx, sid) {
    return "#article/" + encodeURIComponent(D.articles[articleIdx][0]) + (sid ? "/" + encodeURIComponent(sid) : "");
  }
  function clip(s, n) { s = String(s); return s.length > n ? s.slice(0, n - 1) + "\u2026" : s; }
  function verdictTag(v) {
    if (!v) return "";
    const cls = v.indexOf("stale") >= 0 ? "stale" : (v === "correct" ? "correct" : "wrong");
    return '<span class="tag ' + cls + '">' + esc(v) + "</span>";
  }

  // ------------------------------------------------------------------ data tables
  // A table over `rows` (indices or arrays) that sorts, filters and shows one page at a time.
  function DataTable(el, opts) {
    this.el = el;
    this.cols = opts.columns;  // a column with `hidden` is filtered on (key:value) but not shown
    this.pageSize = opts.pageSize || 50;
    this.onRow = opts.onRow || null;
    this.query = "";
    this.selects = {};
    this.sort = opts.sort || null;
    this.page = 0;
    this.setRows(opts.rows);
    this.build();
  }
  DataTable.prototype.setRows = function (rows) {
    this.rows = rows;
    this.hay = null;
    this.page = 0;
    this.current = null;
  };
  DataTable.prototype.build = function () {
    const self = this;
    this.el.innerHTML = "";
    const bar = document.createElement("div");
    bar.className = "dt-bar";
    this.search = document.createElement("input");
    this.search.type = "search";
    this.search.placeholder = "Filter: words, or column:value";
    this.search.className = "dt-search";
    let timer = null;
    this.search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => { self.query = self.search.value; self.page = 0; self.render(); }, 120);
    });
    bar.appendChild(this.search);
    this.selectEls = {};
    this.cols.forEach((col, ci) => {
      if (!col.select) return;
      const sel = document.createElement("select");
      sel.className = "dt-select";
      sel.dataset.col = col.key;
      sel.addEventListener("change", () => { self.selects[ci] = sel.value; self.page = 0; self.render(); });
      self.selectEls[ci] = sel;
      bar.appendChild(sel);
    });
    this.count = document.createElement("span");
    this.count.className = "dt-count";
    bar.appendChild(this.count);
    const pager = document.createElement("span");
    pager.className = "dt-pager";
    this.prev = document.createElement("button");
    this.prev.textContent = "\u2039 prev";
    this.next = document.createElement("button");
    this.next.textContent = "next \u203a";
    this.pageLabel = document.createElement("span");
    this.prev.addEventListener("click", () => { self.page--; self.render(); });
    this.next.addEventListener("click", () => { self.page++; self.render(); });
    pager.append(this.prev, this.pageLabel, this.next);
    bar.appendChild(pager);
    this.el.appendChild(bar);
    const table = document.createElement("table");
    table.className = "dt";
    const head = document.createElement("tr");
    this.ths = this.cols.map((col, ci) => {
      const th = document.createElement("th");
      th.hidden = !!col.hidden;
      th.textContent = col.label;
      th.title = "sort by " + col.label + (col.key ? " (filter: " + col.key + ":value)" : "");
      th.addEventListener("click", () => {
        const dir = self.sort && self.sort.col === ci && self.sort.dir === 1 ? -1 : 1;
        self.sort = { col: ci, dir: dir };
        self.page = 0;
        self.render();
      });
      head.appendChild(th);
      return th;
    });
    const thead = document.createElement("thead");
    thead.appendChild(head);
    this.tbody = document.createElement("tbody");
    table.append(thead, this.tbody);
    this.el.appendChild(table);
    this.fillSelects();
    this.render();
  };
  DataTable.prototype.fillSelects = function () {
    const self = this;
    Object.keys(this.selectEls).forEach((ci) => {
      const col = self.cols[ci];
      const counts = {};
      self.rows.forEach((r) => { const v = String(col.get(r)); counts[v] = (counts[v] || 0) + 1; });
      const sel = self.selectEls[ci];
      const keep = self.selects[ci] || "";
      sel.innerHTML = '<option value="">' + esc(col.label) + ": all</option>" + Object.keys(counts).sort().map((v) =>
        '<option value="' + esc(v) + '">' + esc(v === "" ? "(empty)" : clip(v, 40)) + " (" + counts[v] + ")</option>").join("");
      sel.value = keep in counts ? keep : "";
      self.selects[ci] = sel.value;
    });
  };
  DataTable.prototype.setQuery = function (q) {
    this.query = q;
    this.search.value = q;
    this.page = 0;
    this.render();
  };
  DataTable.prototype.haystack = function () {
    if (!this.hay) {
      const cols = this.cols;
      this.hay = this.rows.map((r) => cols.map((c) => String(c.get(r)).toLowerCase()));
    }
    return this.hay;
  };
  DataTable.prototype.filtered = function () {
    const cols = this.cols;
    const terms = (this.query.toLowerCase().match(/"[^"]*"|\S+/g) || []).map((t) => {
      const m = /^([a-z_]+):(.+)$/.exec(t);
      const ci = m ? cols.findIndex((c) => c.key === m[1]) : -1;
      return ci >= 0 ? { ci: ci, text: m[2].replace(/"/g, "") } : { ci: -1, text: t.replace(/"/g, "") };
    });
    const selects = Object.keys(this.selects).filter((ci) => this.selects[ci] !== "").map((ci) => [+ci, this.selects[ci]]);
    const hay = this.haystack();
    const out = [];
    for (let i = 0; i < this.rows.length; i++) {
      const h = hay[i];
      let ok = selects.every(([ci, v]) => String(cols[ci].get(this.rows[i])) === v);
      for (let t = 0; ok && t < terms.length; t++) {
        const term = terms[t];
        ok = term.ci >= 0 ? h[term.ci].indexOf(term.text) >= 0 : h.some((cell) => cell.indexOf(term.text) >= 0);
      }
      if (ok) out.push(i);
    }
    if (this.sort) {
      const col = cols[this.sort.col];
      const dir = this.sort.dir;
      const rows = this.rows;
      out.sort((a, b) => {
        const x = col.get(rows[a]), y = col.get(rows[b]);
        if (x === y) return a - b;
        if (x === "" || x === null) return 1;
        if (y === "" || y === null) return -1;
        return (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y))) * dir || a - b;
      });
    }
    return out;
  };
  DataTable.prototype.render = function () {
    const shown = this.filtered();
    const pages = Math.max(1, Math.ceil(shown.length / this.pageSize));
    this.page = Math.min(Math.max(0, this.page), pages - 1);
    const start = this.page * this.pageSize;
    const slice = shown.slice(start, start + this.pageSize);
    const html = [];
    for (const i of slice) {
      const r = this.rows[i];
      html.push("<tr" + (this.current === r ? ' class="current"' : "") + ' data-i="' + i + '">' +
        this.cols.filter((c) => !c.hidden).map((c) => "<td" + (c.cls ? ' class="' + c.cls + '"' : "") + ">" +
          (c.html ? c.html(r) : esc(c.get(r))) + "</td>").join("") + "</tr>");
    }
    this.tbody.innerHTML = html.join("") || '<tr><td colspan="' + this.cols.length + '" class="hint">no rows match</td></tr>';
    if (this.onRow) {
      const self = this;
      this.tbody.querySelectorAll("tr[data-i]").forEach((tr) => {
        tr.addEventListener("click", (ev) => { if (ev.target.tagName !== "A") self.onRow(self.rows[+tr.dataset.i], tr); });
      });
    }
    this.count.textContent = (shown.length ? (start + 1) + "\u2013" + (start + slice.length) : "0") + " of " + shown.length +
      (shown.length !== this.rows.length ? " (filtered from " + this.rows.length + ")" : "");
    this.pageLabel.textContent = "page " + (this.page + 1) + " / " + pages;
    this.prev.disabled = this.page === 0;
    this.next.disabled = this.page >= pages - 1;
    this.ths.forEach((th, ci) => {
      th.className = this.sort && this.sort.col === ci ? (this.sort.dir === 1 ? "sorted-asc" : "sorted-desc") : "";
    });
  };

  // ------------------------------------------------------------------ columns of a statements row (a row index)
  const R = (i) => D.rows[i];
  const statementColumns = (withArticle) => [
    withArticle && { label: "article", key: "article", get: (i) => D.articles[R(i)[C.article]][0], cls: "nowrap",
      html: (i) => '<a href="' + articleLink(R(i)[C.article]) + '" title="' + esc(D.articles[R(i)[C.article]][0]) + '">' +
        esc(clip(D.articles[R(i)[C.article]][0], 24)) + "</a>" },
    { label: "actor", key: "actor", get: (i) => R(i)[C.actor] },
    { label: "actor_id", key: "actor_id", get: (i) => R(i)[C.actor_id], hidden: true },
    { label: "actor_type", key: "actor_type", get: (i) => R(i)[C.actor_type], select: true },
    { label: "cue", key: "cue", get: (i) => R(i)[C.cue] },
    { label: "content", key: "content", get: (i) => R(i)[C.content], cls: "long",
      html: (i) => '<a class="to-text" href="' + articleLink(R(i)[C.article], R(i)[C.statement_id]) + '" title="show in the text">' +
        esc(clip(R(i)[C.content], 160)) + "</a>" },
    { label: "quote", key: "quote_type", get: (i) => R(i)[C.quote_type], select: true },
    { label: "date", key: "date", get: (i) => R(i)[C.date], cls: "nowrap" },
    { label: "date_source", key: "date_source", get: (i) => R(i)[C.date_source], select: true },
    { label: "rule", key: "rule", get: (i) => R(i)[C.rule], select: true },
    { label: "cue_kind", key: "cue_kind", get: (i) => R(i)[C.cue_kind], select: true },
    { label: "verdict", key: "verdict", get: (i) => R(i)[C.verdict], select: true, html: (i) => verdictTag(R(i)[C.verdict]) },
    { label: "id", key: "statement_id", get: (i) => R(i)[C.statement_id], cls: "id",
      html: (i) => '<span title="' + esc(R(i)[C.statement_id]) + '">' + esc(R(i)[C.statement_id].slice(0, 8)) + "</span>" },
  ].filter(Boolean);

  // ------------------------------------------------------------------ overview
  function buildOverview() {
    $("page-title").textContent = D.title;
    $("audit-summary").textContent = D.audit.summary;
    $("audit-card").classList.add(D.audit.ok ? "good" : "bad");
    $("audit-problems").innerHTML = D.audit.problems.map((p) => {
      const i = rowById[p[1]];
      const where = i !== undefined ? '<a href="' + articleLink(R(i)[C.article], p[1]) + '">' + esc(p[1]) + "</a>" : esc(p[1]);
      return "<li>" + esc(p[0]) + " " + where + " (" + esc(p[2]) + "): " + esc(p[3]) + "</li>";
    }).join("") + (D.audit.more ? "<li>\u2026 and " + D.audit.more + " more (saidwhen audit lists them all)</li>" : "");
    $("precision-summary").textContent = D.precision.summary;
    if (D.precision.reviewed) {
      $("precision-by-rule").innerHTML = "<tr><th>rule</th><th>reviewed</th><th>correct</th><th>precision</th><th>95% CI</th></tr>" +
        D.precision.by_rule.map((r) => "<tr><td>" + esc(r.rule) + "</td><td>" + r.reviewed + "</td><td>" + r.correct +
          "</td><td>" + r.precision.toFixed(2) + "</td><td>" + r.low.toFixed(2) + "\u2013" + r.high.toFixed(2) + "</td></tr>").join("");
    }
    const A = D.articles.map((a, i) => i);
    new DataTable($("articles-table"), {
      rows: A, pageSize: 25, columns: [
        { label: "article", key: "id", get: (i) => D.articles[i][0], html: (i) => '<a href="' + articleLink(i) + '">' + esc(D.articles[i][0]) + "</a>" },
        { label: "title", key: "title", get: (i) => D.articles[i][1], cls: "long" },
        { label: "published", key: "published", get: (i) => D.articles[i][2] },
        { label: "source", key: "source", get: (i) => D.articles[i][3], select: true },
        { label: "statements", get: (i) => D.articles[i][6] },
        { label: "excluded regions", get: (i) => D.articles[i][4] },
        { label: "problem", key: "problem", get: (i) => D.articles[i][5] },
      ],
    });
    const actorRows = D.actors.map((a, i) => i);
    new DataTable($("actors-table"), {
      rows: actorRows, pageSize: 25, sort: { col: 3, dir: -1 }, columns: [
        { label: "actor", key: "actor", get: (i) => D.actors[i][1],
          html: (i) => '<a href="#statements?q=' + encodeURIComponent("actor_id:" + D.actors[i][0]) + '">' + esc(D.actors[i][1]) + "</a>" },
        { label: "actor_id", key: "actor_id", get: (i) => D.actors[i][0] },
        { label: "type", key: "type", get: (i) => D.actors[i][2], select: true },
        { label: "statements", get: (i) => D.actors[i][3] },
        { label: "articles", get: (i) => D.actors[i][4] },
      ],
    });
  }

  // ------------------------------------------------------------------ statements view
  let statementsTable = null;
  function showStatements(query) {
    if (!statementsTable) {
      statementsTable = new DataTable($("statements-table"), { rows: D.rows.map((r, i) => i), pageSize: 50, columns: statementColumns(true) });
    }
    if (query !== null) statementsTable.setQuery(query);
  }

  // ------------------------------------------------------------------ article view
  let shownArticle = -1;
  let spansOf = {};
  let articleTable = null;
  let selected = [];

  function details(rows) {
    const fields = ["statement_id", "actor", "actor_id", "actor_type", "actor_text", "cue", "cue_kind", "content", "quote_type",
      "date", "date_precision", "date_source", "date_text", "date_attachment", "rule", "verdict"];
    $("details").innerHTML = rows.map((i) => "<h4>" + esc(R(i)[C.actor]) + " \u2014 " + esc(R(i)[C.cue]) + "</h4><dl>" +
      fields.map((f) => "<dt>" + f + "</dt><dd>" + (f === "verdict" ? verdictTag(R(i)[C[f]]) || "not reviewed" : esc(R(i)[C[f]])) + "</dd>").join("") +
      "</dl>").join("");
  }
  function select(rows, scroll) {
    selected.forEach((i) => (spansOf[i] || []).forEach((el) => el.classList.remove("sel")));
    selected = rows;
    rows.forEach((i) => (spansOf[i] || []).forEach((el) => el.classList.add("sel")));
    details(rows);
    if (articleTable) {
      articleTable.current = rows[0];
      articleTable.render();
    }
    const first = rows.length && spansOf[rows[0]] ? spansOf[rows[0]][0] : null;
    if (scroll && first) first.scrollIntoView({ block: "center" });
  }
  function hot(el, on) {
    (el.dataset.s || "").split(" ").forEach((i) => (spansOf[i] || []).forEach((x) => x.classList.toggle("hot", on)));
  }

  function showArticle(idx, sid) {
    if (!D.articles.length) {
      $("article-title").textContent = "no articles";
      return;
    }
    idx = Math.min(Math.max(0, idx), D.articles.length - 1);
    if (idx !== shownArticle) {
      shownArticle = idx;
      const a = D.articles[idx];
      const text = $("article-text");
      text.innerHTML = "";
      text.appendChild(document.getElementById("art-" + idx).content.cloneNode(true));
      $("article-title").textContent = a[1] || a[0];
      $("article-meta").textContent = [a[0], a[2] ? "published " + a[2] : "no publication date", a[3], a[6] + " statements",
        a[4] + " excluded regions", a[5] ? "problem: " + a[5] : ""].filter(Boolean).join(" \u00b7 ");
      $("article-position").textContent = "article " + (idx + 1) + " of " + D.articles.length;
      $("article-prev").href = articleLink(Math.max(0, idx - 1));
      $("article-next").href = articleLink(Math.min(D.articles.length - 1, idx + 1));
      $("article-prev").style.visibility = idx > 0 ? "visible" : "hidden";
      $("article-next").style.visibility = idx < D.articles.length - 1 ? "visible" : "hidden";
      spansOf = {};
      selected = [];
      text.querySelectorAll("span[data-s]").forEach((el) => {
        el.dataset.s.split(" ").forEach((i) => { (spansOf[i] = spansOf[i] || []).push(el); });
      });
      $("details").innerHTML = '<p class="hint">Click a highlighted stretch of text, or a row below, to see the statement here.</p>';
      const onRow = (i) => {
        history.replaceState(null, "", articleLink(idx, R(i)[C.statement_id]));
        select([i], true);
      };
      if (!articleTable) {
        articleTable = new DataTable($("article-statements"), { rows: rowsOfArticle[idx], pageSize: 100, columns: statementColumns(false), onRow: onRow });
      } else {
        articleTable.onRow = onRow;
        articleTable.setRows(rowsOfArticle[idx]);
        articleTable.fillSelects();
        articleTable.setQuery("");
      }
      window.scrollTo(0, 0);
    }
    if (sid && rowById[sid] !== undefined) select([rowById[sid]], true);
  }

  $("article-text").addEventListener("click", (ev) => {
    const el = ev.target.closest("span[data-s]");
    if (!el) return;
    const rows = el.dataset.s.split(" ").map(Number);
    history.replaceState(null, "", articleLink(shownArticle, R(rows[0])[C.statement_id]));
    select(rows, false);
  });
  $("article-text").addEventListener("mouseover", (ev) => {
    const el = ev.target.closest("span[data-s]");
    if (el) hot(el, true);
  });
  $("article-text").addEventListener("mouseout", (ev) => {
    const el = ev.target.closest("span[data-s]");
    if (el) hot(el, false);
  });

  // ------------------------------------------------------------------ timeline and routing
  function buildTimeline() {
    $("timeline-note").textContent = D.timeline;
    const svg = $("timeline-svg");
    svg.hidden = false;
    $("timeline-figure").appendChild(svg);
  }

  function route() {
    const hash = location.hash.slice(1) || "overview";
    const q = hash.indexOf("?");
    const path = (q >= 0 ? hash.slice(0, q) : hash).split("/").map(decodeURIComponent);
    const params = new URLSearchParams(q >= 0 ? hash.slice(q + 1) : "");
    const view = ["overview", "statements", "article", "timeline"].indexOf(path[0]) >= 0 ? path[0] : "overview";
    document.querySelectorAll("section.view").forEach((s) => { s.hidden = s.id !== "view-" + view; });
    document.querySelectorAll("#nav a").forEach((a) => a.classList.toggle("active", a.dataset.view === view));
    if (view === "statements") showStatements(params.has("q") ? params.get("q") : null);
    if (view === "article") {
      const idx = path[1] !== undefined && articleIndex[path[1]] !== undefined ? articleIndex[path[1]] : Math.max(0, shownArticle);
      showArticle(idx, path[2]);
    }
    if (view !== "article") window.scrollTo(0, 0);
  }

  buildOverview();
  buildTimeline();
  window.addEventListener("hashchange", route);
  route();
  document.body.dataset.ready = "1";
})();
