/**
 * The unit project's guard (jest setupFiles): a unit test has no Temporal server and no sandbox. Its
 * PATH starts with a folder whose `bwrap` refuses with a message, so a file that runs model-written
 * code in the sandbox fails here (sandbox unavailable) instead of quietly needing bubblewrap; such a
 * file belongs in SANDBOX in test/setup/projects.js. The Temporal helpers refuse on BR_TEST_PROJECT.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

process.env.BR_TEST_PROJECT = 'unit';
delete process.env.BR_TEST_TEMPORAL_ADDRESS;
delete process.env.BR_WORKFLOW_BUNDLE;
delete process.env.BR_WORKFLOW_BUNDLE_MANIFEST;
delete process.env.BR_TEST_REPLAY_BUNDLE;

const dir = path.join(tmpdir(), `br-unit-guard-${process.getuid?.() ?? 0}`);
mkdirSync(dir, { recursive: true });
const shim = path.join(dir, 'bwrap');
writeFileSync(
  shim,
  '#!/bin/sh\necho "bwrap: unit tests run without the sandbox; this file belongs to the server project (test/setup/projects.js)" >&2\nexit 97\n',
);
chmodSync(shim, 0o755);
if (!process.env.PATH?.startsWith(`${dir}:`)) process.env.PATH = `${dir}:${process.env.PATH ?? ''}`;
