import { NEGATIVES, type LookAlike } from './negatives';
import { POSITIVES, type Planted } from './positives';
import { ALNUM, B64, HEX, LOWER, Rng } from './rng';

export interface CorpusLabel {
  line: number;
  family: string;
}

export interface CorpusFile {
  path: string;
  content: string;
  /** Lines holding a planted secret (1-based); every other line is a negative. */
  labels: CorpusLabel[];
}

type Kind = 'ts' | 'js' | 'py' | 'go' | 'env' | 'yaml' | 'json' | 'tf' | 'md' | 'Dockerfile';
const KINDS: Kind[] = ['ts', 'js', 'py', 'go', 'env', 'yaml', 'json', 'tf', 'md', 'Dockerfile'];

function render(kind: Kind, name: string, value: string, r: Rng): string {
  switch (kind) {
    case 'ts':
    case 'js':
      return r.chance(0.5)
        ? `const ${name.replace(/\W/g, '_')} = '${value}';`
        : `  ${name.replace(/\W/g, '_')}: "${value}",`;
    case 'py':
      return r.chance(0.5)
        ? `${name} = "${value}"`
        : `client = Client(${name.replace(/\W/g, '_').toLowerCase()}="${value}")`;
    case 'go':
      return `\t${name.replace(/\W/g, '')} := "${value}"`;
    case 'env':
      return `${name.replace(/\W/g, '_').toUpperCase()}=${value}`;
    case 'yaml':
      return r.chance(0.5) ? `  ${name}: ${value}` : `  ${name}: "${value}"`;
    case 'json':
      return `  "${name}": "${value}",`;
    case 'tf':
      return `  ${name.replace(/\W/g, '_').toLowerCase()} = "${value}"`;
    case 'md':
      return r.chance(0.5)
        ? `    export ${name.replace(/\W/g, '_').toUpperCase()}=${value}`
        : `Set \`${name}\` to \`${value}\` before running.`;
    case 'Dockerfile':
      return `${r.pick(['ENV', 'ARG'])} ${name.replace(/\W/g, '_').toUpperCase()}=${value}`;
  }
}

function filler(kind: Kind, r: Rng): string {
  const word = () => r.str(LOWER, r.int(3, 9));
  switch (kind) {
    case 'ts':
    case 'js':
      return r.pick([
        `import { ${word()} } from './${word()}';`,
        `export function ${word()}(${word()}: string): number {`,
        `  return ${word()}.length + ${r.int(0, 99)};`,
        '}',
        `// ${word()} ${word()} the ${word()} before ${word()}`,
        `const ${word()} = await fetch(\`/api/${word()}/\${id}\`);`,
        `  logger.info('${word()} ${word()}', { ${word()} });`,
        '',
      ]);
    case 'py':
      return r.pick([
        `import ${word()}`,
        `def ${word()}(${word()}):`,
        `    return ${word()}.${word()}()`,
        `# ${word()} ${word()}`,
        '',
      ]);
    case 'go':
      return r.pick([
        `func ${word()}(ctx context.Context) error {`,
        `\tif err != nil {`,
        '\t\treturn err',
        '\t}',
        '}',
        `// ${word()} ${word()}`,
        '',
      ]);
    case 'env':
      return r.pick([
        `${word().toUpperCase()}_PORT=${r.int(1000, 9999)}`,
        `# ${word()} settings`,
        `LOG_LEVEL=${r.pick(['info', 'debug'])}`,
        `${word().toUpperCase()}_HOST=${word()}.internal`,
      ]);
    case 'yaml':
      return r.pick([
        `${word()}:`,
        `  ${word()}: ${r.int(1, 500)}`,
        `  - name: ${word()}`,
        `    image: ${word()}:${r.int(1, 9)}.${r.int(0, 9)}`,
        '# comment',
      ]);
    case 'json':
      return r.pick([
        `  "${word()}": ${r.int(0, 1000)},`,
        `  "${word()}": "${word()}",`,
        `  "${word()}": true,`,
      ]);
    case 'tf':
      return r.pick([
        `resource "aws_s3_bucket" "${word()}" {`,
        `  bucket = "${word()}-${word()}"`,
        '}',
        `variable "${word()}" {}`,
        '',
      ]);
    case 'md':
      return r.pick([
        `## ${word()} ${word()}`,
        `The ${word()} ${word()} is ${word()} when ${word()}.`,
        `- ${word()} ${word()}`,
        '',
      ]);
    case 'Dockerfile':
      return r.pick([
        `FROM node:${r.int(18, 22)}-slim`,
        `RUN npm ci --omit=dev`,
        `COPY ${word()} /app/${word()}`,
        `WORKDIR /app`,
        `EXPOSE ${r.int(3000, 9000)}`,
      ]);
  }
}

function lockfile(r: Rng, index: number): { path: string; content: string } {
  const lines: string[] = [];
  if (r.chance(0.5)) {
    lines.push('{', '  "lockfileVersion": 3,', '  "packages": {');
    for (let i = r.int(5, 30); i > 0; i--) {
      const name = r.str(LOWER, r.int(3, 10));
      lines.push(
        `    "node_modules/${name}": {`,
        `      "version": "${r.int(0, 9)}.${r.int(0, 20)}.${r.int(0, 20)}",`,
      );
      lines.push(`      "resolved": "https://registry.npmjs.org/${name}/-/${name}-1.0.0.tgz",`);
      lines.push(`      "integrity": "sha512-${r.str(B64, 86)}=="`, '    },');
    }
    lines.push('  }', '}');
    return { path: `pkg${index}/package-lock.json`, content: lines.join('\n') };
  }
  for (let i = r.int(5, 30); i > 0; i--) {
    const name = r.str(LOWER, r.int(3, 10));
    lines.push(
      `${name}@^1.0.0:`,
      '  version "1.0.0"',
      `  resolved "https://registry.yarnpkg.com/${name}/-/${name}-1.0.0.tgz#${r.str(HEX, 40)}"`,
    );
    lines.push(`  integrity sha512-${r.str(B64, 86)}==`, '');
  }
  return { path: `pkg${index}/yarn.lock`, content: lines.join('\n') };
}

/**
 * A deterministic labelled corpus: each file mixes filler, look-alike negatives and (in most files)
 * planted secrets of every family; about one file in twelve is a lockfile full of integrity hashes.
 */
export function generateCorpus(options: { seed: number; files: number }): CorpusFile[] {
  const r = new Rng(options.seed);
  const positiveKinds = Object.keys(POSITIVES);
  const negativeKinds = Object.keys(NEGATIVES);
  const files: CorpusFile[] = [];
  for (let i = 0; i < options.files; i++) {
    if (r.chance(1 / 12)) {
      files.push({ ...lockfile(r, i), labels: [] });
      continue;
    }
    const kind = r.pick(KINDS);
    const items: (Planted | LookAlike)[] = [];
    const positives = r.chance(0.7) ? r.int(1, 3) : 0;
    for (let p = 0; p < positives; p++) items.push(POSITIVES[r.pick(positiveKinds)]!(r));
    for (let n = r.int(1, 4); n > 0; n--) items.push(NEGATIVES[r.pick(negativeKinds)]!(r));
    // Units keep a multi-line item (a key block) together, so nothing is planted inside another item.
    const units: { text: string[]; family?: string }[] = [];
    for (let n = r.int(5, 40); n > 0; n--) units.push({ text: [filler(kind, r)] });
    for (const item of items) {
      const text = item.lines ?? [render(kind, item.name, item.value, r)];
      units.splice(r.int(0, units.length), 0, { text, family: 'family' in item ? item.family : undefined });
    }
    const lines: string[] = [];
    const labels: CorpusLabel[] = [];
    for (const unit of units) {
      if (unit.family) labels.push({ line: lines.length + 1, family: unit.family });
      lines.push(...unit.text);
    }
    const name = `${r.str(LOWER, r.int(3, 8))}${r.str(ALNUM, 3)}`;
    const path =
      kind === 'Dockerfile'
        ? `svc${i}/Dockerfile`
        : kind === 'env'
          ? `svc${i}/.env`
          : `src${i}/${name}.${kind}`;
    files.push({ path, content: `${lines.join('\n')}\n`, labels });
  }
  return files;
}
