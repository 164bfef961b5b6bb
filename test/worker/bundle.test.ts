/**
 * The prebuilt workflow bundle (worker/bundle.ts) in a package folder of its own: a tiny workflow whose
 * bundle is written with its manifest, loaded as a file while its sources are unchanged, refused (with
 * the command that rebuilds it) once one of them changes or the manifest is missing, used unchecked
 * where there are no sources, and bundled from the sources only when no bundle was ever built.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BUNDLE_FILE,
  BUNDLE_MANIFEST,
  loadWorkflowBundle,
  StaleWorkflowBundleError,
  writeWorkflowBundle,
} from '../../worker/bundle';

const ROOT = path.join(__dirname, '../..');
let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'br-bundle-'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
  mkdirSync(path.join(root, 'workflows'));
  mkdirSync(path.join(root, 'lib'));
  writeFileSync(path.join(root, 'lib/greeting.ts'), "export const GREETING = 'hello';\n");
  writeFileSync(
    path.join(root, 'workflows/index.ts'),
    "import { GREETING } from '../lib/greeting';\nexport async function greet(): Promise<string> {\n  return GREETING;\n}\n",
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const quiet = { env: {} as NodeJS.ProcessEnv };

it('bundles from the sources when none was built, and says so', async () => {
  const notes: string[] = [];
  const bundle = await loadWorkflowBundle({ root, ...quiet, note: (l) => notes.push(l) });
  expect('code' in bundle && bundle.code).toContain('hello');
  expect(notes.join('\n')).toMatch(/No prebuilt workflow bundle .*bundling from the sources now/);
}, 120_000);

// One bundle is written (webpack, seconds of CPU) and the tests below take it through its states in turn.
let out: string;

it('writes the bundle and a manifest of its sources, and loads it as a file', async () => {
  out = await writeWorkflowBundle(root);
  expect(out).toBe(path.join(root, BUNDLE_FILE));
  const manifest = JSON.parse(readFileSync(path.join(root, BUNDLE_MANIFEST), 'utf8')) as {
    sdk: string;
    files: Record<string, string>;
  };
  expect(Object.keys(manifest.files).sort()).toEqual(['lib/greeting.ts', 'workflows/index.ts']);
  expect(manifest.sdk).toMatch(/^\d+\.\d+\.\d+/);

  const notes: string[] = [];
  expect(await loadWorkflowBundle({ root, ...quiet, note: (l) => notes.push(l) })).toEqual({ codePath: out });
  expect(notes).toEqual([]);
}, 120_000);

it('refuses a bundle cut short or edited after it was built (its sources unchanged)', async () => {
  const code = readFileSync(out, 'utf8');
  writeFileSync(out, code.slice(0, code.length >> 1)); // npm run build killed while writing it
  await expect(loadWorkflowBundle({ root, ...quiet })).rejects.toThrow(
    /stale: .*workflows\.bundle\.js changed since it was built.*\nRun `npm run build`/s,
  );
  writeFileSync(out, code);
  expect(await loadWorkflowBundle({ root, ...quiet })).toEqual({ codePath: out });
});

it('refuses it once a source changes or its manifest is missing, and uses it unchecked without sources', async () => {
  writeFileSync(path.join(root, 'lib/greeting.ts'), "export const GREETING = 'bonjour';\n");
  const stale = loadWorkflowBundle({ root, ...quiet });
  await expect(stale).rejects.toThrow(StaleWorkflowBundleError);
  await expect(stale).rejects.toThrow(/stale: lib\/greeting\.ts changed\.\nRun `npm run build` in /);

  rmSync(path.join(root, BUNDLE_MANIFEST));
  await expect(loadWorkflowBundle({ root, ...quiet })).rejects.toThrow(/no readable manifest.*npm run build/);

  // An install without the sources has nothing to compare with: the bundle is what it ships.
  rmSync(path.join(root, 'workflows'), { recursive: true });
  expect(await loadWorkflowBundle({ root, ...quiet })).toEqual({ codePath: out });
  expect(existsSync(out)).toBe(true);
});

it('BR_WORKFLOW_BUNDLE names the bundle outright', async () => {
  expect(await loadWorkflowBundle({ root, env: { BR_WORKFLOW_BUNDLE: '/x/w.js' } })).toEqual({
    codePath: '/x/w.js',
  });
});
