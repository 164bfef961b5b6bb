import type { BuildStatusReport } from '../../services/build-status';
import type { DashboardBuild } from '../../services/dashboard-build';
import { duration, stateClass, usd } from '../format';
import { taskGraph } from '../graph';
import { html, jsonScript, type Html } from '../html';
import { page } from '../layout';

export interface Steering {
  /** The per-process token every steering form carries (the server refuses a POST without it). */
  csrfToken: string;
}

/** One build: its task graph, every task's attempts and cost, the gaps, cost over time, the events. */
export function buildPage(b: DashboardBuild, steering: Steering | null): Html {
  return page({
    title: b.id,
    body: buildBody(b, steering),
    scripts: ['/assets/uPlot.iife.min.js', '/assets/app.js'],
    styles: ['/assets/uPlot.min.css'],
  });
}

export function buildBody(b: DashboardBuild, steering: Steering | null): Html {
  const live = 'status' in b.live ? b.live.status : null;
  const status = live?.status ?? b.status;
  return html`<h1>
      ${b.project}: <span id="build-id">${b.id}</span>
      <span class="badge ${stateClass(status)}">${status}</span>
    </h1>
    <div class="cards">
      <div class="card">
        Spent<b>${usd(live?.budget.spentUsd ?? b.costUsd)}</b>of ${usd(live?.budget.limitUsd ?? b.budgetUsd)}
        budget
      </div>
      <div class="card">
        Breaker<b>${live?.budget.breaker ?? '—'}</b>${live ? '' : 'live status unavailable'}
      </div>
      <div class="card">
        Tasks<b>${b.tasks.filter((t) => t.status === 'SUCCEEDED').length} / ${b.tasks.length}</b>merged
      </div>
      <div class="card">
        Elapsed<b>${live ? duration(live.elapsedMs) : '—'}</b>started
        ${b.startedAt.slice(0, 16).replace('T', ' ')} UTC
      </div>
    </div>
    <p>
      ${b.webUiUrl ? html`<a href="${b.webUiUrl}">Open in the Temporal Web UI</a> ·` : ''}
      <span class="muted">${b.repoPath}</span>
      ${'error' in b.live ? html`<br /><span class="muted">Live status from Temporal is unavailable: ${b.live.error}</span>` : ''}
    </p>
    ${steering && live ? steerForms(b.id, steering) : ''}
    <h2>Task graph</h2>
    ${taskGraph(b.tasks)} ${tasksTable(b)} ${gapsSection(live?.gaps)}
    <h2>Cost over time</h2>
    <div id="cost-chart" aria-hidden="true"></div>
    ${jsonScript('cost-data', { days: b.costByDay.rows.map((r) => [r.key, r.costUsd]), weeks: b.costByWeek.map((w) => [w.week, w.costUsd]) })}
    ${costTables(b)} ${eventsTable(b)}`;
}

function steerForms(id: string, steering: Steering): Html {
  const form = (action: string, label: string) =>
    html`<form class="steer" method="post" action="/builds/${encodeURIComponent(id)}/${action}">
      <input type="hidden" name="csrf" value="${steering.csrfToken}" /><button type="submit">${label}</button>
    </form>`;
  return html`<p aria-label="Steering">
    ${form('pause', 'Pause')} ${form('resume', 'Resume')} ${form('cancel', 'Cancel')}
  </p>`;
}

function tasksTable(b: DashboardBuild): Html {
  return html`<table id="tasks">
    <caption>
      Tasks: attempts, models and cost
    </caption>
    <thead>
      <tr>
        <th scope="col">Task</th>
        <th scope="col">State</th>
        <th scope="col">Waits on</th>
        <th scope="col">Attempts</th>
        <th scope="col" class="num">Cost</th>
      </tr>
    </thead>
    <tbody>
      ${b.tasks.map(
        (t) =>
          html`<tr data-task="${t.taskKey}">
            <th scope="row">${t.title}<br /><span class="muted">${t.taskKey}</span></th>
            <td>
              <span class="badge ${stateClass(t.status)}">${t.status}</span
              >${t.error ? html`<br /><span class="muted">${t.error}</span>` : ''}
            </td>
            <td>${t.dependsOn.join(', ') || '—'}</td>
            <td>
              ${t.tries.length === 0 ? `${t.attempts}${t.model ? ` on ${t.model}` : ''}` : t.tries.map((a) => html`#${a.attempt} ${a.model} ${a.outcome.toLowerCase()}${a.failureClass ? ` (${a.failureClass})` : ''} ${usd(a.costUsd)}<br />`)}
            </td>
            <td class="num">${usd(t.costUsd)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function gapsSection(gaps: BuildStatusReport['gaps']): Html {
  if (!gaps)
    return html`<h2>Gap report</h2>
      <p class="muted">No gap report: it is recorded when the build finishes.</p>`;
  return html`<h2>Gap report</h2>
    <p id="gaps-headline">${gaps.headline}</p>
    ${
      (gaps.high ?? []).length > 0
        ? html`<ul>
            ${gaps.high!.map((f) => html`<li><b>${f.kind}</b>: ${f.message}</li>`)}
          </ul>`
        : ''
    }`;
}

function costTables(b: DashboardBuild): Html {
  if (b.costByDay.rows.length === 0)
    return html`<p class="muted">No Claude calls recorded for this build.</p>`;
  return html`<table id="cost-days">
      <caption>
        Cost by day (UTC)
      </caption>
      <thead>
        <tr>
          <th scope="col">Day</th>
          <th scope="col" class="num">Calls</th>
          <th scope="col" class="num">Cost</th>
        </tr>
      </thead>
      <tbody>
        ${b.costByDay.rows.map(
          (r) =>
            html`<tr>
              <td>${r.key}</td>
              <td class="num">${r.calls}</td>
              <td class="num">${usd(r.costUsd)}</td>
            </tr>`,
        )}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Total</th>
          <td class="num">${b.costByDay.total.calls}</td>
          <td class="num">${usd(b.costByDay.total.costUsd)}</td>
        </tr>
      </tfoot>
    </table>
    <table id="cost-weeks">
      <caption>
        Cost by week (starting Monday, UTC)
      </caption>
      <thead>
        <tr>
          <th scope="col">Week</th>
          <th scope="col" class="num">Cost</th>
        </tr>
      </thead>
      <tbody>
        ${b.costByWeek.map(
          (w) =>
            html`<tr>
              <td>${w.week}</td>
              <td class="num">${usd(w.costUsd)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

function eventsTable(b: DashboardBuild): Html {
  return html`<h2>Event timeline</h2>
    ${
      b.events.length === 0
        ? html`<p class="muted">No events recorded.</p>`
        : html`<table id="events">
            <caption>
              Events, oldest first (UTC)
            </caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Task</th>
                <th scope="col">Model</th>
              </tr>
            </thead>
            <tbody>
              ${b.events.map(
                (e) =>
                  html`<tr>
                    <td>${e.occurredAt.slice(0, 19).replace('T', ' ')}</td>
                    <td>${e.type}</td>
                    <td>${e.taskKey ?? ''}</td>
                    <td>${e.model ?? ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }`;
}
