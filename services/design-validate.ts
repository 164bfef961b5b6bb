import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export interface DtcgValidation {
  name: string;
  ok: boolean;
  tokens: number;
  errors: string;
}

/*
 * @terrazzo/parser is ESM-only. Node 20.19 can require() it, but jest's module system cannot, so it
 * runs in a child `node` that reads the documents on stdin: the same code path in the CLI and tests.
 */
const SCRIPT = `
const { parse, defineConfig } = await import(process.argv[1]);
const docs = JSON.parse(await new Promise((ok) => { let s = ''; process.stdin.on('data', (d) => (s += d)); process.stdin.on('end', () => ok(s)); }));
const config = defineConfig({}, { cwd: new URL('file:///') });
const out = [];
for (const doc of docs) {
  const errors = [];
  try {
    const r = await parse([{ src: doc.json, filename: new URL('file:///' + doc.name) }], { config });
    out.push({ name: doc.name, ok: true, tokens: Object.keys(r.tokens).length, errors: '' });
  } catch (e) {
    out.push({ name: doc.name, ok: false, tokens: 0, errors: String(e && e.message || e).slice(0, 2000) });
  }
}
process.stdout.write(JSON.stringify(out));
`;

/** Parses and lints DTCG documents with @terrazzo/parser; one result per document. */
export async function validateDtcg(docs: { name: string; json: string }[]): Promise<DtcgValidation[]> {
  const entry = pathToFileURL(require.resolve('@terrazzo/parser')).href;
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '--no-warnings', '-e', SCRIPT, entry],
      { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`DTCG validation could not run: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as DtcgValidation[]);
      },
    );
    child.stdin!.end(JSON.stringify(docs));
  });
}
