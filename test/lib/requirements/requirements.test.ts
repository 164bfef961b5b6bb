import { citationsIn } from '../../../lib/gaps';
import { planFromMarkdown } from '../../../lib/planner/heuristic';
import { attachRequirements, parseRequirements, vagueWords } from '../../../lib/requirements';
import { TAG } from '../../fixtures/shop';

const SPEC = `# App

## Login

Users sign in.

- [ ] Build the form in \`src/login.js\`
  - Shows an error under the field
- [x] Pick a session library

Acceptance criteria:
1. R2.1: A wrong password answers 401
2. Sessions expire after 30 minutes
- WHEN a user signs in 5 times in a minute THE SYSTEM SHALL answer 429

\`\`\`
- [ ] not a requirement inside a fence
\`\`\`

## Notes

- **R9** The app is user-friendly
`;

describe('requirements of a spec', () => {
  // @req R15.1
  it('gives every criterion, EARS line and checklist item an id: explicit ones kept, the rest counted per feature', () => {
    expect(parseRequirements(SPEC).map((r) => [r.id, r.kind, r.feature])).toEqual([
      ['login.c1', 'checklist', 'login'],
      ['login.ac1', 'criterion', 'login'],
      ['login.c2', 'checklist', 'login'],
      ['R2.1', 'criterion', 'login'],
      ['login.ac2', 'criterion', 'login'],
      ['login.e1', 'ears', 'login'],
      ['R9', 'criterion', 'notes'],
    ]);
    const nested = parseRequirements(SPEC).find((r) => r.id === 'login.ac1')!;
    expect(nested.item).toBe('Build the form in `src/login.js`');
    expect(parseRequirements(SPEC).find((r) => r.id === 'login.c2')!.checked).toBe(true);
  });

  // @req R15.1
  it('keeps the ids of one feature when another feature gains a requirement', () => {
    const before = parseRequirements(SPEC).filter((r) => r.feature === 'login');
    const edited = SPEC.replace('## Login', '## Signup\n\n- [ ] A new step\n\n## Login');
    const after = parseRequirements(edited).filter((r) => r.feature === 'login');
    expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
  });

  // @req R15.2
  it('names on each planned task the requirements it serves', () => {
    const plan = attachRequirements(planFromMarkdown(SPEC), parseRequirements(SPEC));
    const form = plan.tasks.find((t) => t.title.startsWith('Build the form'))!;
    expect(form.requirementIds).toEqual(['login.c1', 'login.ac1', 'R2.1', 'login.ac2', 'login.e1']);
  });

  it('calls wording vague only when no number pins it down', () => {
    expect(vagueWords('The app is user-friendly and fast')).toEqual(['fast', 'user-friendly']);
    expect(vagueWords('Pages load fast: under 200 ms')).toEqual([]);
    expect(vagueWords('Breakfast is served')).toEqual([]);
  });
});

describe('tests citing requirements', () => {
  it('reads @req in a test name, in a comment above a test, and above a describe for all its tests', () => {
    expect(citationsIn('t.test.js', `it('reads ${TAG} in a name', () => {});`)).toEqual([]);
    const source = [
      `it('logs in ${TAG} R2.1, login.ac2', () => {});`,
      `// ${TAG} login.e1`,
      "test('rate limits', () => {});",
      `/* ${TAG} R9 */`,
      "describe('suite', () => {",
      "  it('one', () => {});",
      '  it("two", () => {});',
      '});',
    ].join('\n');
    expect(citationsIn('t.test.js', source).map((c) => [c.name, c.line, c.requirementIds])).toEqual([
      [`logs in ${TAG} R2.1, login.ac2`, 1, ['R2.1', 'login.ac2']],
      ['rate limits', 3, ['login.e1']],
      ['one', 6, ['R9']],
      ['two', 7, ['R9']],
    ]);
  });
});
