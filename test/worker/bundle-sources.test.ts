/**
 * The workflow bundle this test run's workers load (test/setup/workflow-bundles.ts builds it with
 * worker/bundle.ts) matches the checkout's sources file by file, and holds every workflow module; and
 * the checkout's own dist/workflows.bundle.js, when `npm run build` made one, is current: a worker would
 * refuse it otherwise.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BUNDLE_FILE, loadWorkflowBundle, staleness, type BundleManifest } from '../../worker/bundle';
import { describeServer } from '../helpers/temporal';

const ROOT = path.join(__dirname, '../..');

describeServer('the workflow bundle', () => {
  it("this run's bundle was built from the sources as they are", () => {
    const manifestPath = process.env.BR_WORKFLOW_BUNDLE_MANIFEST!;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as BundleManifest;
    expect(Object.keys(manifest.files)).toEqual(
      expect.arrayContaining(['workflows/index.ts', 'workflows/build.ts', 'workflows/task.ts']),
    );
    expect(Object.keys(manifest.files).every((f) => /^(workflows|lib)\//.test(f))).toBe(true);
    expect(staleness(ROOT, manifest)).toEqual([]);
  });

  it("the checkout's built bundle, if any, is current", async () => {
    if (!existsSync(path.join(ROOT, BUNDLE_FILE))) return;
    expect(await loadWorkflowBundle({ root: ROOT, env: {} })).toEqual({
      codePath: path.join(ROOT, BUNDLE_FILE),
    });
  });
});
