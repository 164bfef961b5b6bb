import { scanText } from '../../../lib/secrets';
import { generateCorpus } from '../../fixtures/secrets/corpus/generate';
import { score } from '../../fixtures/secrets/corpus/evaluate';
import { loadSecretlint } from '../../fixtures/secrets/corpus/secretlint';

describe('the generated corpus against secretlint recommended preset', () => {
  const corpus = generateCorpus({ seed: 20240605, files: 300 });

  it('is deterministic for a seed and labels secrets of every family', () => {
    const again = generateCorpus({ seed: 20240605, files: 300 });
    expect(again).toEqual(corpus);
    const families = new Set(corpus.flatMap((f) => f.labels.map((l) => l.family)));
    expect([...families].sort()).toEqual(
      [
        'anthropic',
        'aws',
        'azure',
        'connection-url',
        'discord',
        'docker',
        'gcp',
        'generic',
        'github',
        'gitlab',
        'huggingface',
        'jwt',
        'mailgun',
        'npm',
        'openai',
        'private-key',
        'pypi',
        'sendgrid',
        'shopify',
        'slack',
        'stripe',
        'twilio',
      ].sort(),
    );
    expect(new Set(corpus.map((f) => f.path.split('.').pop())).size).toBeGreaterThanOrEqual(8);
  });

  it('gives our scanner at least the preset recall and precision on the same files', async () => {
    const secretlint = await loadSecretlint();
    const theirs = [];
    for (const file of corpus) theirs.push(...(await secretlint(file.path, file.content)));
    const ours = score(
      corpus,
      corpus.flatMap((f) => scanText(f.path, f.content)),
    );
    const preset = score(corpus, theirs);
    expect(preset.truePositives).toBeGreaterThan(0);
    expect(ours.recall).toBeGreaterThanOrEqual(preset.recall);
    expect(ours.precision).toBeGreaterThanOrEqual(preset.precision);
    expect(ours.recall).toBeGreaterThan(0.97);
  });
});
