import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson, planHash, sha256Hex } from '../../lib/plan-hash';
import type { Plan } from '../../lib/plan';

const nodeSha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('plan hash', () => {
  it('is SHA-256, equal to node:crypto for any text, across block boundaries and non-ASCII', () => {
    for (const s of ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'é€😀'.repeat(40)])
      expect(sha256Hex(s)).toBe(nodeSha(s));
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => sha256Hex(s) === nodeSha(s)),
    );
  });

  it('does not depend on key order, and changes when a task changes', () => {
    const a: Plan = {
      project: 'p',
      source: 'heuristic',
      tasks: [{ id: 't', title: 'T', description: 'd', dependsOn: [], files: [] } as never],
    };
    const b = JSON.parse(
      '{"tasks":[{"files":[],"dependsOn":[],"description":"d","title":"T","id":"t"}],"source":"heuristic","project":"p"}',
    ) as Plan;
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(planHash(a)).toBe(planHash(b));
    expect(planHash(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(planHash({ ...a, tasks: [{ ...a.tasks[0]!, title: 'T2' }] })).not.toBe(planHash(a));
  });
});
