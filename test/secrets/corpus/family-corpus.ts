import { scanText } from '../../../lib/secrets';
import { FAMILIES } from './families';
import { Rng } from './rng';

/**
 * The per-family corpus: for each provider family, tokens from its documented formats rendered as a
 * user would write them (.env, TypeScript, YAML, JSON, Python), and look-alikes in the same slots that
 * must not be reported: the token cut short, its placeholder, an ordinary value, an environment reference.
 */

type Kind = 'env' | 'ts' | 'yaml' | 'json' | 'py';
const KINDS: Kind[] = ['env', 'ts', 'yaml', 'json', 'py'];

function render(kind: Kind, name: string, value: string): string {
  const lower = name.toLowerCase();
  switch (kind) {
    case 'env':
      return `${name}=${value}\n`;
    case 'ts':
      return `export const config = {\n  ${lower}: '${value}',\n};\n`;
    case 'yaml':
      return `settings:\n  ${lower}: "${value}"\n`;
    case 'json':
      return `{\n  "${lower}": "${value}"\n}\n`;
    case 'py':
      return `${name} = "${value}"\n`;
  }
}

/** Look-alikes for formats that are a context, not a token. */
const RAW_NEGATIVES: Record<string, string[]> = {
  'shapes (no family)': [
    'commit: 3f786850e387550fdab836ed7e6dc881de23001b',
    'request_id = "9b2e4c1a-5f3d-4e8b-a7c6-1d0f2e3b4a59"',
    'sha256sum: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
    '"integrity": "sha512-3oXbQfCi0hOpTtHhTIxDQ8RVN2pZlOuyfAjbVDoWu0MP5o5CCk0H2FGF7aDgv7J1yDPwxLd8PV/lJwplL/mP4g=="',
    '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==">',
    'docker pull ghcr.io/acme/api@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945',
  ],
  kubernetes: ['kind: ConfigMap\ndata:\n  color: blue\n  size: large', 'kind: Secret\ndata: {}'],
  nuget: ['<add key="Source" value="https://api.nuget.org/v3/index.json" />'],
  curl: [
    'curl -H "Accept: application/json" https://api.example.net/v1/items',
    'curl -H "Authorization: Bearer $TOKEN" https://x.example',
  ],
  'private-key': [
    '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----',
  ],
  freemius: ["'secret_key' => getenv('FS_SECRET_KEY'),"],
};

/**
 * A look-alike in the same file kinds: a placeholder or a reference in the secret's own slot, an
 * ordinary setting of the same provider, or the token with its prefix in the wrong case in a slot that
 * does not name a secret, where only a format rule could report it.
 */
const swapCase = (t: string) =>
  [...t].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');

function lookAlike(r: Rng, family: string, name: string, value: string, kind: Kind, i: number): Sample {
  const upper = family.toUpperCase().replace(/\W/g, '_');
  const neutral = r.pick(['BUILD_REF', 'release_tag', 'image_label', 'cache_hint']);
  const variants: [string, string, string][] = [
    ['placeholder', name, value.slice(0, 4) + 'x'.repeat(Math.max(8, value.length - 4))],
    ['reference', name, r.pick([`\${${name}}`, `process.env.${name}`, `{{ .Values.${family}.token }}`])],
    [
      'ordinary setting',
      r.pick([`${upper}_REGION`, `${upper}_URL`, `${upper}_ENABLED`, `${upper}_TIMEOUT`, `${upper}_TEAM`]),
      r.pick(['eu-west-1', `https://api.${family}.example/v2`, 'true', '30s', 'platform-team']),
    ],
    // The token with its first four characters in the other case, where no secret name stands: the
    // prefix no longer matches, so only a rule that ignores the prefix (or its case) would report it.
    ['prefix in the wrong case', neutral, swapCase(value.slice(0, 4)) + value.slice(4)],
  ];
  const [what, slot, v] = variants[i % variants.length]!;
  return {
    family,
    text: render(kind, slot, v),
    file: `src/${family}-n${i}.${kind}`,
    secret: false,
    kind: what,
  };
}

export interface Sample {
  family: string;
  text: string;
  file: string;
  secret: boolean;
  kind: string;
}

export function familyCorpus(seed = 7, perFamily = 25): Sample[] {
  const r = new Rng(seed);
  const out: Sample[] = [];
  for (const [family, text] of Object.entries(RAW_NEGATIVES).flatMap(([f, texts]) =>
    texts.map((t) => [f, t] as const),
  ))
    if (!(family in FAMILIES))
      out.push({
        family,
        text: `${text}\n`,
        file: `src/${family.split(' ')[0]}.txt`,
        secret: false,
        kind: 'look-alike',
      });
  for (const [family, gens] of Object.entries(FAMILIES)) {
    for (let i = 0; i < perFamily; i++) {
      const [name, value] = gens[i % gens.length]!(r);
      const kind = KINDS[i % KINDS.length]!;
      const text = name === 'raw' ? `${value}\n` : render(kind, name, value);
      out.push({ family, text, file: `src/${family}-${i}.${kind}`, secret: true, kind: 'token' });
      if (name === 'raw') continue;
      out.push(lookAlike(r, family, name, value, kind, i));
    }
    for (const [i, text] of (RAW_NEGATIVES[family] ?? []).entries())
      out.push({
        family,
        text: `${text}\n`,
        file: `src/${family}-raw${i}.txt`,
        secret: false,
        kind: 'look-alike',
      });
  }
  return out;
}

export interface FamilyScore {
  family: string;
  positives: number;
  found: number;
  negatives: number;
  falsePositives: number;
  recall: number;
  precision: number;
  missedSamples: string[];
  falsePositiveSamples: string[];
}

/** Per-family recall (planted tokens reported) and precision (reports that were planted tokens). */
export function scoreFamilies(samples: Sample[]): FamilyScore[] {
  const scores = new Map<string, FamilyScore>();
  for (const sample of samples) {
    const s = scores.get(sample.family) ?? {
      family: sample.family,
      positives: 0,
      found: 0,
      negatives: 0,
      falsePositives: 0,
      recall: 0,
      precision: 0,
      missedSamples: [],
      falsePositiveSamples: [],
    };
    scores.set(sample.family, s);
    const reported = scanText(sample.file, sample.text).length > 0;
    if (sample.secret) {
      s.positives++;
      if (reported) s.found++;
      else if (s.missedSamples.length < 3) s.missedSamples.push(sample.text.trim().slice(0, 120));
    } else {
      s.negatives++;
      if (reported) {
        s.falsePositives++;
        if (s.falsePositiveSamples.length < 3)
          s.falsePositiveSamples.push(`${sample.kind}: ${sample.text.trim().slice(0, 120)}`);
      }
    }
  }
  return [...scores.values()].map((s) => ({
    ...s,
    recall: s.positives ? s.found / s.positives : 1,
    precision: s.found + s.falsePositives ? s.found / (s.found + s.falsePositives) : 1,
  }));
}
