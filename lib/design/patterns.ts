import { densityTokens, layer, type DesignLayer, type Density, type LayerMeta } from './layers';

interface PatternSpec extends Omit<LayerMeta, 'kind' | 'settings'> {
  density: Density;
  layout: string;
  navigation: string;
  dataDisplay: string;
}

function pattern(spec: PatternSpec): DesignLayer {
  const { density, layout, navigation, dataDisplay, ...meta } = spec;
  return layer(
    { ...meta, kind: 'pattern', settings: { density, layout, navigation, dataDisplay } },
    densityTokens(density),
  );
}

export const patterns: DesignLayer[] = [
  pattern({
    id: 'dashboard',
    title: 'Dashboard',
    summary: 'An overview of many numbers at once: KPI cards, small charts, recent activity.',
    density: 'compact',
    layout: 'sidebar + 12-column grid of cards',
    navigation: 'collapsible sidebar (bg-sidebar) with the current page as sidebar-primary',
    dataDisplay: 'KPI cards (large figures may use chart colours), sparklines, a short table',
    components: ['sidebar', 'card', 'badge', 'chart', 'table', 'dropdown-menu'],
    guidance: {
      do: ['Lead with 3–5 KPI cards; each says its period and its change in words.'],
      dont: ['Do not put more than one chart type per card.'],
    },
  }),
  pattern({
    id: 'marketplace',
    title: 'Marketplace',
    summary: 'Buyers browse and compare offers from many sellers.',
    density: 'comfortable',
    layout: 'top bar with search, filter column, result grid',
    navigation: 'top navigation with search first; filters as a side sheet on small screens',
    dataDisplay: 'listing cards with image, price, rating and seller',
    components: ['input', 'card', 'badge', 'sheet', 'pagination', 'select'],
    guidance: {
      do: [
        'Keep the search field visible on every listing page.',
        'Show active filters as removable badges.',
      ],
      dont: ['Do not reflow the grid while images load: reserve their size.'],
    },
  }),
  pattern({
    id: 'crm',
    title: 'CRM',
    summary: 'Contacts, companies and deals worked through every day.',
    density: 'compact',
    layout: 'sidebar, list pane, record detail pane',
    navigation: 'sidebar with saved views; tabs inside a record',
    dataDisplay: 'dense tables, kanban pipeline, activity timeline',
    components: ['sidebar', 'table', 'tabs', 'dialog', 'avatar', 'command'],
    guidance: {
      do: ['Inline-edit fields in the record pane; save on blur with an undo toast.'],
      dont: ['Do not open a modal for a one-field edit.'],
    },
  }),
  pattern({
    id: 'analytics',
    title: 'Analytics',
    summary: 'Exploring data: filters, time ranges, charts that compare series.',
    density: 'compact',
    layout: 'filter bar over a chart canvas and a detail table',
    navigation: 'sidebar of reports; date range and filters in a sticky top bar',
    dataDisplay: 'line, bar and area charts in chart-1…chart-5, with a data table under each',
    components: ['chart', 'table', 'popover', 'calendar', 'select', 'toggle-group'],
    guidance: {
      do: [
        'Give every chart a table or text alternative with the same numbers.',
        'Use chart-1…chart-5 in order; direct labels over legends.',
      ],
      dont: ['Do not use more than five series in one chart.'],
    },
  }),
  pattern({
    id: 'onboarding',
    title: 'Onboarding',
    summary: 'A first-run flow that gets a new user to value in a few steps.',
    density: 'spacious',
    layout: 'centred single column, max-w-md',
    navigation: 'stepper with "Step 2 of 4" and Back/Continue',
    dataDisplay: 'short forms, checklists, one illustration per step',
    components: ['card', 'input', 'button', 'progress', 'checkbox', 'label'],
    guidance: {
      do: ['Ask one question per step; let the user skip what is optional.'],
      dont: ['Do not ask for data you will not use in the first session.'],
    },
  }),
  pattern({
    id: 'admin-panel',
    title: 'Admin Panel',
    summary: 'Operators manage records, users and settings.',
    density: 'compact',
    layout: 'sidebar, breadcrumb header, table pages and form pages',
    navigation: 'grouped sidebar; breadcrumbs on every page',
    dataDisplay: 'tables with bulk actions, forms in sections',
    components: ['sidebar', 'table', 'form', 'dialog', 'alert-dialog', 'breadcrumb'],
    guidance: {
      do: ['Confirm destructive bulk actions with an alert dialog that names what will be deleted.'],
      dont: ['Do not make bg-destructive the default button of any dialog.'],
    },
  }),
  pattern({
    id: 'content-platform',
    title: 'Content Platform',
    summary: 'Publishing and reading articles, videos and collections.',
    density: 'spacious',
    layout: 'reading column (65ch) with an optional related-content rail',
    navigation: 'top navigation by section; a table of contents on long pages',
    dataDisplay: 'article cards, feeds, media with captions',
    components: ['card', 'navigation-menu', 'aspect-ratio', 'separator', 'avatar'],
    guidance: {
      do: ['Use font.family.heading for headings only; body text in font.family.sans.'],
      dont: ['Do not justify text or set lines longer than 75 characters.'],
    },
  }),
  pattern({
    id: 'api-service',
    title: 'API Service',
    summary: 'A developer product: docs, keys, usage and logs.',
    density: 'comfortable',
    layout: 'docs with a left index and code samples on the right; console pages with a sidebar',
    navigation: 'sidebar index; tabs for language samples',
    dataDisplay: 'code blocks in font.family.mono, usage charts, request logs',
    components: ['sidebar', 'tabs', 'code', 'table', 'badge', 'tooltip'],
    guidance: {
      do: ['Show a copy button on every code block and API key (masked by default).'],
      dont: ['Do not show a key again after creation; offer to rotate it instead.'],
    },
  }),
];
