/* The analysis dashboards' charts, drawn with ECharts (served from /static/vendor, no CDN).

   Each chart is a <div data-chart="ID" data-height="320"> whose specification sits in
   <script type="application/json" id="ID"> (Django's json_script): no inline script, as the content
   security policy requires. A specification is
     {"type": "line" | "bar" | "stacked" | "hbar" | "tiles",
      "x": [labels], "series": [{"name", "data": [values], "drill": [URL per point]}], "unit": "%" | "",
      "rows", "cols", "tiles": [{"name", "row", "col", "value", "drill"}]   (tiles only)}
   Clicking a point (a bar, a tile) opens its drill URL: the orders behind the figure.
   Tooltips are drawn on the canvas (renderMode "richText"): HTML tooltips would need inline styles.
*/
(function () {
  "use strict";

  var PALETTE = ["#0b5cad", "#b4232a", "#1a7f37", "#8a5a00", "#6f42c1", "#0f7b8a", "#c2410c", "#59636e", "#9a3412"];

  function axisSpec(spec) {
    var unit = spec.unit || "";
    return {
      type: "value",
      axisLabel: { formatter: unit ? "{value}" + unit : "{value}" },
      max: unit === "%" ? 100 : null,
      minInterval: unit === "%" ? null : 1
    };
  }

  function seriesOption(spec) {
    var kind = spec.type;
    return (spec.series || []).map(function (series) {
      var option = {
        name: series.name,
        type: kind === "line" ? "line" : "bar",
        data: series.data,
        emphasis: { focus: "series" },
        cursor: "pointer"
      };
      if (kind === "stacked") option.stack = "total";
      if (kind === "line") { option.smooth = false; option.showSymbol = series.data.length <= 62; }
      if (kind === "bar" || kind === "hbar") option.label = { show: series.data.length <= 20, position: kind === "hbar" ? "right" : "top" };
      return option;
    });
  }

  function cartesian(spec) {
    var horizontal = spec.type === "hbar";
    var category = { type: "category", data: spec.x, axisLabel: { hideOverlap: true } };
    if (horizontal) category.inverse = true;
    var many = (spec.series || []).length > 1;
    return {
      color: PALETTE,
      animation: false,
      tooltip: { trigger: horizontal || !many ? "item" : "axis", renderMode: "richText", confine: true },
      legend: many ? { type: "scroll", top: 0 } : undefined,
      grid: { left: horizontal ? 140 : 48, right: 24, top: many ? 36 : 16, bottom: 48, containLabel: horizontal },
      xAxis: horizontal ? axisSpec(spec) : category,
      yAxis: horizontal ? category : axisSpec(spec),
      dataZoom: !horizontal && spec.x.length > 62 ? [{ type: "inside" }, { type: "slider", height: 16, bottom: 8 }] : undefined,
      series: seriesOption(spec)
    };
  }

  function tiles(spec) {
    var values = spec.tiles.map(function (t) { return t.value === null ? 0 : t.value; });
    var max = Math.max.apply(null, values.concat([1]));
    var cols = [], rows = [];
    for (var c = 0; c < spec.cols; c++) cols.push(String(c));
    for (var r = 0; r < spec.rows; r++) rows.push(String(r));
    return {
      animation: false,
      tooltip: { renderMode: "richText", formatter: function (p) { return p.data.name + ": " + (p.data.shown === null ? "–" : p.data.shown + (spec.unit || "")); } },
      grid: { left: 8, right: 8, top: 8, bottom: 56 },
      xAxis: { type: "category", data: cols, show: false },
      yAxis: { type: "category", data: rows, show: false, inverse: true },
      visualMap: { min: 0, max: max, calculable: true, orient: "horizontal", left: "center", bottom: 4, inRange: { color: ["#e7f0fb", "#0b5cad"] } },
      series: [{
        type: "heatmap",
        cursor: "pointer",
        itemStyle: { borderColor: "#fff", borderWidth: 4 },
        label: { show: true, formatter: function (p) { return p.data.name + "\n" + (p.data.shown === null ? "–" : p.data.shown + (spec.unit || "")); } },
        data: spec.tiles.map(function (t) {
          return { value: [t.col, t.row, t.value === null ? 0 : t.value], name: t.name, shown: t.value, drill: t.drill };
        })
      }]
    };
  }

  function drillOf(spec, params) {
    if (params.data && params.data.drill) return params.data.drill;
    var series = (spec.series || [])[params.seriesIndex];
    return series && series.drill ? series.drill[params.dataIndex] : "";
  }

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source || !window.echarts) return;
    var spec = JSON.parse(source.textContent);
    element.style.height = (parseInt(element.getAttribute("data-height"), 10) || 320) + "px";
    element.style.width = "100%";
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(spec.type === "tiles" ? tiles(spec) : cartesian(spec));
    chart.on("click", function (params) {
      var url = drillOf(spec, params);
      if (url) window.location.assign(url);
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
