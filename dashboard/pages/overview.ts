import type { DashboardOverview, RepoOverview } from '../../services/dashboard-overview';
import { duration, percent, stateClass, usd } from '../format';
import { html, type Html } from '../html';
import { page } from '../layout';

/** The first screen: one row per repository, the ones on fire first. Works without JavaScript. */
export function overviewPage(data: DashboardOverview): Html {
  return page({ title: 'Builds', body: overviewBody(data), scripts: ['/assets/app.js'] });
}

export function overviewBody(data: DashboardOverview): Html {
  const fires = data.repos.filter((r) => r.attention.length > 0).length;
  return html`<h1>
      Builds in ${data.repos.length} ${data.repos.length === 1 ? 'repository' : 'repositories'}
    </h1>
    <p class="muted">
      ${fires > 0 ? `${fires} need attention. ` : 'Nothing needs attention. '}As of
      <time datetime="${data.generatedAt}">${data.generatedAt.slice(0, 19).replace('T', ' ')} UTC</time>.
    </p>
    ${data.repos.length === 0 ? html`<p>No builds recorded yet.</p>` : reposTable(data.repos)}`;
}

function reposTable(repos: RepoOverview[]): Html {
  return html`<table id="repos">
    <caption>
      Repositories (spend in USD, days in UTC)
    </caption>
    <thead>
      <tr>
        <th scope="col">Repository</th>
        <th scope="col">Attention</th>
        <th scope="col">Active builds</th>
        <th scope="col" class="num">Today</th>
        <th scope="col" class="num">7 d</th>
        <th scope="col" class="num">30 d</th>
        <th scope="col">Budget (active)</th>
        <th scope="col" class="num">Per succeeded task, 30 d</th>
        <th scope="col" class="num">Success, 30 d</th>
        <th scope="col" class="num">Task p50 / p95, 30 d</th>
        <th scope="col">Last build</th>
      </tr>
    </thead>
    <tbody>
      ${repos.map(repoRow)}
    </tbody>
  </table>`;
}

function repoRow(r: RepoOverview): Html {
  const d = r.duration;
  return html`<tr class="${r.attention.length > 0 ? 'fire' : ''}" data-repo="${r.repoPath}">
    <th scope="row">${r.projects.join(', ')}<br /><span class="muted">${r.repoPath}</span></th>
    <td>
      ${r.attention.length === 0 ? html`<span class="muted">—</span>` : r.attention.map((a) => html`<span class="badge attention">${a.reason}</span> <a href="/builds/${encodeURIComponent(a.buildId)}">${a.buildId}</a><br />`)}
    </td>
    <td>${r.active.length === 0 ? html`<span class="muted">none</span>` : r.active.map(activeBuild)}</td>
    <td class="num">${usd(r.spend.todayUsd)}</td>
    <td class="num">${usd(r.spend.last7dUsd)}</td>
    <td class="num">${usd(r.spend.last30dUsd)}</td>
    <td>
      ${r.active.length === 0 ? html`<span class="muted">—</span>` : html`${usd(r.budget.activeSpentUsd)} of ${usd(r.budget.activeBudgetUsd)} <span class="badge ${stateClass(r.budget.breaker)}">breaker ${r.budget.breaker}</span>`}
    </td>
    <td class="num">${usd(r.costPerSucceededTaskUsd)}</td>
    <td class="num">
      ${percent(r.tasks.successRate)}
      <span class="muted">(${r.tasks.succeeded}/${r.tasks.succeeded + r.tasks.failed})</span>
    </td>
    <td class="num">
      ${duration(d.p50Ms)} / ${duration(d.p95Ms)}
      <span class="muted">n=${d.n}</span
      >${d.smallSample ? html` <abbr class="badge" title="fewer than 20 tasks: a small sample">small n</abbr>` : ''}
    </td>
    <td>
      <a href="/builds/${encodeURIComponent(r.lastBuild.id)}">${r.lastBuild.id}</a>
      <span class="badge ${stateClass(r.lastBuild.status)}">${r.lastBuild.status}</span>
      ${r.lastBuild.webUiUrl ? html`<br /><a href="${r.lastBuild.webUiUrl}">Temporal Web UI</a>` : ''}
    </td>
  </tr>`;
}

function activeBuild(b: RepoOverview['active'][number]): Html {
  return html`<div class="active-build">
    <a href="/builds/${encodeURIComponent(b.id)}">${b.id}</a>
    <span class="badge ${stateClass(b.status)}">${b.status}</span>
    ${b.percentMerged === null ? '' : `${b.percentMerged}% merged (${b.tasksMerged}/${b.taskCount})`},
    ${duration(b.elapsedMs)}
    ${b.running.length > 0 ? html`<br /><span class="muted">running:</span> ${b.running.map((t) => t.title).join(', ')}` : ''}
    ${b.webUiUrl ? html`<a href="${b.webUiUrl}" aria-label="${b.id} in the Temporal Web UI">Web UI</a>` : ''}
  </div>`;
}
