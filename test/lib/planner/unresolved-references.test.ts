import { planFromMarkdown } from '../../../lib/planner/heuristic';
import { SpecReferenceError } from '../../../lib/planner/dependencies';

/** A spec with thousands of "Depends on" lines that name nothing is refused quickly, not lines × sections. */

describe('a spec full of references that resolve to nothing', () => {
  it('is refused in well under the time a closest-name search per line over every section took', () => {
    let spec = '# Project\n\n';
    for (let i = 1; i <= 600; i++) spec += `## Same same same ${i}\n- Build part ${i}\n`;
    for (let i = 0; i < 4000; i++) spec += 'Depends on: Same same\n';
    const started = Date.now();
    let error: unknown;
    try {
      planFromMarkdown(spec);
    } catch (err) {
      error = err;
    }
    // Before: over 60 s on a loaded 2-core machine (Levenshtein against 1 200 targets per line).
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(error).toBeInstanceOf(SpecReferenceError);
    const problems = (error as SpecReferenceError).problems;
    expect(problems).toHaveLength(4000);
    expect(problems[0]).toMatch(
      /^line 1203: "Depends on: Same same" — "Same same" matches no section.*Closest: /,
    );
  }, 120_000);
});
