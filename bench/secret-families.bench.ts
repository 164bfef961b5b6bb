import { familyCorpus, scoreFamilies } from '../test/fixtures/secrets/corpus/family-corpus';
import type { BenchModule } from './types';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Per provider family: recall on documented token formats, precision against same-slot look-alikes. */
const bench: BenchModule = {
  name: 'secret-families',
  async run() {
    const samples = familyCorpus();
    const started = process.hrtime.bigint();
    const scores = scoreFamilies(samples);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const families = scores.filter((s) => s.positives > 0);
    const tp = families.reduce((n, s) => n + s.found, 0);
    const fp = scores.reduce((n, s) => n + s.falsePositives, 0);
    const positives = families.reduce((n, s) => n + s.positives, 0);
    const rows = scores
      .sort((a, b) => a.family.localeCompare(b.family))
      .map(
        (s) =>
          `| ${s.family} | ${s.found}/${s.positives} | ${s.positives ? pct(s.recall) : '–'} | ${s.falsePositives}/${s.negatives} | ${s.positives ? pct(s.precision) : '–'} |`,
      );
    const fpNotes = scores
      .filter((s) => s.falsePositiveSamples.length)
      .map((s) => `- ${s.family}: ${s.falsePositiveSamples[0]!.replace(/\n/g, ' ⏎ ').slice(0, 110)}`);
    return {
      title: 'Secret scanning per provider family (gitleaks default families + Supabase, Vercel, Linode)',
      command: 'npm run bench -- secret-families',
      markdown: [
        `${families.length} families, ${samples.length} samples (${positives} planted tokens, ${samples.length - positives} look-alikes), scanned in ${ms.toFixed(0)} ms.`,
        `Overall recall ${pct(tp / positives)}, precision ${pct(tp / (tp + fp))}.`,
        '',
        'Corpus (`test/fixtures/secrets/corpus/families.ts`, `family-corpus.ts`, seed 7): 25 tokens per family from',
        "generators written from each provider's documented format, independently of the rules' regexes,",
        'rendered as .env, TypeScript, YAML, JSON and Python assignments. Look-alikes, one per token, in turn:',
        'a placeholder (`xxxx…`) or a reference (`${NAME}`, `process.env.NAME`) in the same slot, an ordinary',
        'setting of the same provider (`HEROKU_REGION=eu-west-1`), and the token with its first four characters',
        'in the other case in a slot that names no secret; plus hand-written look-alikes for context formats',
        '(curl, NuGet, Kubernetes, private keys) and a family-less set of hashes, UUIDs and data URLs.',
        'Caveat: the wrong-case look-alike leaves a token unchanged in substance when its distinctive part is',
        'not its first four characters (Azure `Q~`, Fly `fm2_`, MaxMind `_mmk`, Slack webhook host, Telegram',
        '`:AA`, New Relic `NRAL`, Mailchimp `-us`) or when the rule ignores case (Clojars): those count as false',
        'positives below although they are valid tokens. Tokens are random, so this measures format coverage,',
        'not behaviour on real leaked keys.',
        '',
        '| family | found | recall | false positives / look-alikes | precision |',
        '|---|---|---|---|---|',
        ...rows,
        '',
        'A false positive per family, for tuning:',
        '',
        ...fpNotes,
      ].join('\n'),
    };
  },
};

export default bench;
