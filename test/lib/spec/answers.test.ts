import { namesFromJson } from '../../../cli/prompts/spec-wizard';
import { mergeAnswers, missingAnswers, parseAnswers, parseFeatureFlag } from '../../../lib/spec/answers';
import { renderSpecFiles, SPEC_FILE } from '../../../lib/spec/render';

describe('spec wizard answers', () => {
  it('reads a --feature flag: title and key=value parts', () => {
    expect(
      parseFeatureFlag('Cart | priority=high | id=F002 | required | accept=Adds; Removes | after=Catalog'),
    ).toEqual({
      title: 'Cart',
      id: 'F002',
      priority: 'high',
      required: true,
      description: '',
      acceptance: ['Adds', 'Removes'],
      dependsOn: ['Catalog'],
    });
    expect(() => parseFeatureFlag('Cart | priority=urgent')).toThrow(/priority/);
    expect(() => parseFeatureFlag(' | priority=high')).toThrow(/title/);
  });

  it('lets later sources win per key and names what is still missing', () => {
    const merged = mergeAnswers(
      { project: 'file', features: [parseFeatureFlag('A')] },
      { project: 'flag', features: [] },
    );
    expect(merged.project).toBe('flag');
    expect(merged.features).toHaveLength(1);
    expect(missingAnswers(merged).map((q) => q.flag)).toEqual(['--description']);
    expect(() => parseAnswers('{"project": "x", "colour": 1}', 'a.json')).toThrow(/a\.json: .*colour/);
  });

  it('renders the same bytes for the same answers', () => {
    const answers = {
      project: 'P',
      description: 'D',
      features: [parseFeatureFlag('A | accept=one'), parseFeatureFlag('B | after=a')],
    };
    const one = renderSpecFiles(answers);
    expect(renderSpecFiles(structuredClone(answers))).toEqual(one);
    expect(one.files[SPEC_FILE]).toContain(
      '## Feature: B\n\nId: b · priority medium\nDeliver B.\n\nDepends on: A\n',
    );
    expect(() =>
      renderSpecFiles({
        ...answers,
        features: [parseFeatureFlag('A, B'), parseFeatureFlag('C | after=A, B')],
      }),
    ).toThrow(/title cannot contain ","/);
  });

  it('reads the design system list answers in the shapes a --json list may take', () => {
    expect(namesFromJson(['healthcare', 'fintech'])).toEqual(['healthcare', 'fintech']);
    expect(namesFromJson({ profiles: [{ id: 'healthcare' }, { name: 'fintech' }, { x: 1 }] })).toEqual([
      'healthcare',
      'fintech',
    ]);
    expect(namesFromJson(null)).toEqual([]);
  });
});
