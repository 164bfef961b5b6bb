// The dashboard's only script: live refresh over server-sent events, and the cost chart (uPlot).
// Pages work without it; it swaps in fresh server-rendered content when the database changes.
(function () {
  'use strict';
  var main = document.getElementById('main');
  var status = document.getElementById('live');
  var chart = null;

  function say(text) {
    if (status) status.textContent = text;
  }

  function drawChart() {
    var host = document.getElementById('cost-chart');
    var data = document.getElementById('cost-data');
    if (chart) {
      chart.destroy();
      chart = null;
    }
    if (!host || !data || typeof uPlot === 'undefined') return;
    var parsed = JSON.parse(data.textContent);
    if (parsed.days.length === 0) return;
    var xs = parsed.days.map(function (d) {
      return Date.parse(d[0] + 'T00:00:00Z') / 1000;
    });
    var ys = parsed.days.map(function (d) {
      return Number(d[1]);
    });
    var style = getComputedStyle(document.body);
    var fg = style.color;
    chart = new uPlot(
      {
        width: Math.min(host.clientWidth || 800, 900),
        height: 220,
        series: [{}, { label: 'USD per day', stroke: fg, width: 2, points: { show: true } }],
        axes: [
          { stroke: fg, grid: { stroke: 'rgba(128,128,128,0.25)' } },
          { stroke: fg, grid: { stroke: 'rgba(128,128,128,0.25)' } },
        ],
        scales: { x: { time: true } },
      },
      [xs, ys],
      host,
    );
  }

  function refresh() {
    fetch(location.pathname, { headers: { 'X-Partial': '1' } })
      .then(function (res) {
        if (!res.ok) throw new Error(String(res.status));
        return res.text();
      })
      .then(function (body) {
        main.innerHTML = body;
        drawChart();
        say('Updated ' + new Date().toLocaleTimeString());
        document.documentElement.setAttribute('data-refreshed', String(Date.now()));
      })
      .catch(function () {
        say('Update failed; retrying on the next change');
      });
  }

  drawChart();
  if (!window.EventSource) return;
  var seen = false;
  var events = new EventSource('/api/events');
  events.addEventListener('hello', function () {
    say('Live');
    // After a reconnect (the server restarted) the page may have missed changes.
    if (seen) refresh();
    seen = true;
    document.documentElement.setAttribute('data-live', 'connected');
  });
  events.addEventListener('change', refresh);
  events.onerror = function () {
    say('Reconnecting…');
    document.documentElement.setAttribute('data-live', 'reconnecting');
  };
})();
