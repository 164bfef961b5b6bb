/**
 * What a heading says about its section: whether it asks for work, describes the project, lists
 * acceptance criteria or groups features; its label ("Feature 2", "A.1", "F001") and the time estimate
 * written in it ("(90 min)"). Pure string rules, shared by the parser and the reference resolver.
 */

export type SectionKind = 'work' | 'descriptive' | 'acceptance' | 'container';

// Sections that describe rather than ask: their text is context, never a task.
const DESCRIPTIVE = [
  'overview',
  'introduction',
  'intro',
  'background',
  'context',
  'current state',
  'current status',
  'status',
  'state of',
  'risks?',
  'risks and mitigations',
  'mitigations?',
  'timeline',
  'schedule',
  'calendar',
  'metrics',
  'kpis?',
  'success metrics',
  'appendix',
  'appendices',
  'glossary',
  'terminology',
  'definitions',
  'references',
  'links',
  'resources',
  'goals?',
  'non-goals',
  'objectives?',
  'targets?',
  'out of scope',
  'scope',
  'open questions',
  'questions',
  'faq',
  'assumptions',
  'constraints',
  'notes?',
  'summary',
  'tl;dr',
  'tldr',
  'motivation',
  'problem',
  'problem statement',
  'vision',
  'personas?',
  'users',
  'target users',
  'stakeholders',
  'team',
  'owners?',
  'roles',
  'changelog',
  'history',
  'revision history',
  'table of contents',
  'contents',
  'toc',
  'installation',
  'install',
  'usage',
  'getting started',
  'quick ?start',
  'contributing',
  'license',
  'authors?',
  'acknowledge?ments',
  'support',
  'prior art',
  'alternatives considered',
  'alternatives',
  'decisions?',
  'lessons learned',
  'retrospective',
  'dependencies',
  'external dependencies',
  'tech stack',
  'technology',
  'architecture overview',
  'communication',
  'coordination',
  'sync points?',
  'handoffs?',
  'user scenarios',
  'user scenarios and testing',
  'scenarios',
  'primary user story',
  'edge cases',
  'key entities',
  'clarifications',
  'execution flow',
  'drawbacks',
  'unresolved questions',
  'future work',
  'future possibilities',
  'future enhancements?',
  'future',
  "won'?t fix",
  'wontfix',
  'not planned',
  'deferred',
  'icebox',
  'parking lot',
  'user experience',
  'ux',
  'user flows?',
  'architecture',
  'technical architecture',
  'system architecture',
  // A week plan's day-by-day schedule and its testing approach restate the work; spec-kit's notes on
  // its own format and its parallel examples are about the file.
  'execution plan',
  'execution schedule',
  'daily plan',
  'day-by-day plan',
  'day by day',
  'testing strategy',
  'test strategy',
  'testing approach',
  'format',
  'parallel examples?',
];

const ACCEPTANCE_TITLES = [
  'acceptance',
  'acceptance criteria',
  'acceptance tests?',
  'success criteria',
  'deliverables?',
  'verification',
  'how to verify',
  'definition of done',
  'done when',
  'exit criteria',
  'completion criteria',
  'expected (?:result|behaviou?r|outcome)s?',
];

const CONTAINERS = [
  'tasks',
  'task list',
  'task breakdown',
  'work items',
  'work breakdown',
  'features',
  'feature list',
  'requirements',
  'functional requirements',
  'user stories',
  'stories',
  'epics',
  'implementation',
  'implementation plan',
  'implementation tasks',
  'plan',
  'backlog',
  'roadmap',
  'development roadmap',
  'milestones',
  'phases',
  'bugs',
  'bug fixes',
  'fixes',
  'known issues',
  'issues',
  'changes',
  'packages',
  'workstreams',
  'parallel builds',
  'builds',
  'parallel work',
  'to ?do',
];

const words = (list: string[]) => new RegExp(`^(?:${list.join('|')})$`, 'i');
const DESCRIPTIVE_RE = words(DESCRIPTIVE);
const ACCEPTANCE_RE = words(ACCEPTANCE_TITLES);
const CONTAINER_RE = words(CONTAINERS);
// "Week 1 Target", "Goals for Q3", "Risks & Mitigations", "Current State (as of May)".
const DESCRIPTIVE_WORDS =
  /\b(?:overview|background|current state|risks?|timeline|schedule|metrics|appendix|glossary|goals?|targets?|non-goals|out of scope|open questions|assumptions|status)\b/i;

/** The heading with its label, time estimate and decoration removed, lower-cased, for classification. */
function core(title: string): string {
  return splitLabel(stripTime(title).title)
    .rest.replace(/[*_`]/g, '')
    .replace(/\(.*?\)/g, '')
    .replace(/[:.\s]+$/, '')
    .replace(/&/g, 'and')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** The sections that are the spec's own task list: when one exists, requirement sections are context. */
export function isTaskList(title: string): boolean {
  return /^(?:tasks|task list|task breakdown|implementation tasks|work items|work breakdown|development roadmap)$/.test(
    core(title),
  );
}

export function classifyHeading(title: string): SectionKind {
  const c = core(title);
  if (
    ACCEPTANCE_RE.test(c) ||
    /\b(?:acceptance|review|completion|validation|verification|final|launch|release)\b.*\bchecklist$|^acceptance \w+$/.test(
      c,
    )
  )
    return 'acceptance';
  if (CONTAINER_RE.test(c) || /^(?:week|sprint|phase) \d+ (?:tasks|plan|work)$/.test(c)) return 'container';
  if (isChainTitle(c)) return 'descriptive';
  const labelled = splitLabel(stripTime(title).title);
  // "Feature 3: Metrics" names work even when its words look descriptive; "5. Metrics" may not.
  if (labelled.label && labelled.kind && !/^(?:section|part)$/.test(labelled.kind)) return 'work';
  if (DESCRIPTIVE_RE.test(c)) return 'descriptive';
  if (labelled.label) return 'work';
  if (DESCRIPTIVE_WORDS.test(c) && c.split(' ').length <= 5) return 'descriptive';
  return 'work';
}

/** "Acceptance criteria:", "**Success criteria**", "Definition of done:" as a paragraph label. */
export const ACCEPTANCE_LABEL = new RegExp(
  `^\\s*(?:\\*\\*|__)?(?:${ACCEPTANCE_TITLES.join('|')})(?:\\*\\*|__)?\\s*:?\\s*(?:\\*\\*|__)?\\s*$`,
  'i',
);

export interface Labelled {
  /** The kind word, lower-case: "feature", "build", "story" … or "" for a bare label. */
  kind: string;
  /** "2", "A", "A.1", "F001", "US-3"; null when the heading has none. */
  label: string | null;
  rest: string;
}

const KIND =
  'feature|feat|requirement|req|story|user story|epic|build|phase|step|stage|milestone|task|part|section|fix|bug|issue|item|workstream|track|package|ticket|us|fr|nfr';
// "Feature 2: Slug generation", "Build A — Parser", "A.1: Tokenizer", "1. Setup", "F001 Login", "#3 Search", "US-3: Sign up".
const LABELLED = new RegExp(
  `^(?:(${KIND})\\s*[-#]?\\s*)?(#?\\d+(?:\\.\\d+)*|[A-Z]{1,3}-?\\d+(?:\\.\\d+)*|[A-Z](?:\\.\\d+)*)(?:\\s*([:.)–—-])\\s*|\\s+)(.*)$`,
  'i',
);

export function splitLabel(title: string): Labelled {
  const text = title.trim();
  const none = { kind: '', label: null, rest: text };
  const m = LABELLED.exec(text);
  if (!m) return none;
  const kind = (m[1] ?? '').toLowerCase();
  const label = m[2]!;
  // One letter is a label only as a capital after a kind word: "Build A", never "Build a REST API".
  if (/^[a-z]$/i.test(label) && (!kind || label !== label.toUpperCase())) return none;
  // Without a kind word, a label needs punctuation after it ("1. Setup", "A.1: …") unless it is a
  // code such as "F001", "T012", "#3" or an outline number such as "2.1".
  if (!kind && !m[3] && !/^(?:#\d+|[A-Z]{1,3}-?\d{2,}|\d+(?:\.\d+)+)$/.test(label)) return none;
  const rest = m[4]!.trim();
  return { kind, label, rest: rest || text };
}

const TIME =
  /\s*[([]\s*~?\s*(\d+(?:\.\d+)?)\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?|pts?|points?)\s*[)\]]|\s+[-–—]\s*~?(\d+(?:\.\d+)?)\s*(min|mins|minutes?|h|hrs?|hours?|days?)\s*$/i;

/** "Tokenizer (90 min)" → { title: "Tokenizer", minutes: 90 }. Days count as 8 hours, points not at all. */
export function stripTime(title: string): { title: string; minutes?: number } {
  const m = TIME.exec(title);
  if (!m) return { title };
  const amount = Number(m[1] ?? m[3]);
  const unit = (m[2] ?? m[4]!).toLowerCase();
  const stripped = title.replace(m[0], '').trim();
  if (unit.startsWith('p')) return { title: stripped };
  const factor = unit.startsWith('d') ? 480 : unit.startsWith('h') ? 60 : 1;
  return { title: stripped, minutes: Math.round(amount * factor) };
}

const CHAIN_TITLE =
  /^(?:logical\s+)?dependency\s+(?:chain|order|graph)$|^(?:build|work|development|implementation)\s+order$|^order\s+of\s+(?:work|development|implementation)$/i;

/** Whether a heading is a dependency-chain section (chain.ts reads it), by its words alone. */
export const isChainTitle = (name: string) => CHAIN_TITLE.test(name.replace(/[*_`:]|\(.*?\)/g, '').trim());
