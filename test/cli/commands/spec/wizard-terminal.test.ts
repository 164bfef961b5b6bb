import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BR_BIN, runsBuiltCli } from '../../../fixtures/br-process';
import { makeRepo, type TempRepo } from '../../../fixtures/repo';

jest.setTimeout(120_000);

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) {
  if (process.env.CI)
    throw new Error('tmux is required in CI for the real-terminal wizard test (.ci/run installs it)');
  console.warn(
    'tmux is not installed: the real-terminal br spec wizard test is skipped (apt-get install tmux).',
  );
}

let repo: TempRepo;
let socket: string;
beforeEach(() => {
  repo = makeRepo();
  socket = `br-wizard-${process.pid}-${Date.now()}`;
});
afterEach(() => {
  spawnSync('tmux', ['-L', socket, 'kill-server']);
  repo.cleanup();
});

const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'wizard');

/** Waits until the screen shows text at least `times` times (earlier answers stay on the screen). */
async function waitFor(text: string, times = 1, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (screen().split(text).length - 1 < times) {
    if (Date.now() > until)
      throw new Error(`timed out waiting for "${text}" (x${times}); the screen shows:\n${screen()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const send = (...keys: string[]) => tmux('send-keys', '-t', 'wizard', ...keys);

/** Waits for the n-th showing of a question, types the text (if any) and presses Enter. */
async function answer(question: string, text: string, times = 1): Promise<void> {
  await waitFor(question, times);
  if (text) send('-l', text);
  send('Enter');
}

(hasTmux ? describe : describe.skip)('br spec wizard in a real terminal (tmux)', () => {
  it('asks the questions, takes arrow keys and space, and writes a spec that matches the answers', async () => {
    const exitFile = path.join(repo.dir, '..', 'exit-code');
    const command = [
      `cd '${repo.dir}'`,
      `env -u CI -u CLAUDECODE -u BR_NO_INPUT ${runsBuiltCli() ? '' : 'BR_FROM_SOURCE=1 '}'${process.execPath}' '${BR_BIN}' spec wizard --project Clinic`,
      `echo $? > '${exitFile}'`,
      'sleep 60',
    ].join('; ');
    tmux('new-session', '-d', '-s', 'wizard', '-x', '120', '-y', '40', command);

    await answer('What does it do', 'A dashboard for ward nurses');
    // br design is installed, so the wizard offers its profiles and patterns: (none) first.
    await waitFor('Industry profile');
    send('Down'); // (none) -> healthcare
    await answer('❯ healthcare', '');
    await waitFor('Use-case pattern');
    send('Down'); // (none) -> dashboard
    await answer('❯ dashboard', '');
    await answer('First feature title', 'Design System');
    await waitFor('Priority of "Design System"');
    send('Up', 'Up'); // medium -> high -> critical
    await answer('❯ critical', '');
    await answer('Describe it in a sentence', 'Tokens and themes');
    await answer('Acceptance criterion 1', 'Every text pair passes WCAG AA');
    await answer('Acceptance criterion 2', '');
    await answer('Next feature title', 'Patient list');
    await answer('Priority of "Patient list"', '');
    await answer('Describe it in a sentence', '', 2);
    await answer('Acceptance criterion 1', 'Lists the patients of one ward', 2);
    await answer('Acceptance criterion 2', '', 2);
    await waitFor('"Patient list" depends on');
    send('Space');
    await answer('◉ Design System', '');
    await answer('Next feature title', '', 2);
    await waitFor('Next: br plan PROJECT_SPEC.md');

    const until = Date.now() + 10_000;
    while (!existsSync(exitFile) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('0');
    const spec = readFileSync(path.join(repo.dir, 'PROJECT_SPEC.md'), 'utf8');
    expect(spec).toContain('# Clinic\n\nA dashboard for ward nurses\n');
    expect(spec).toContain('Design: industry profile **healthcare**, use-case pattern **dashboard**.');
    expect(spec).toContain(
      '## Feature: Design System\n\nId: design-system · priority critical\nTokens and themes\n',
    );
    expect(spec).toContain('- R1.1 Every text pair passes WCAG AA');
    expect(spec).toContain('## Feature: Patient list\n\nId: patient-list · priority medium\n');
    expect(spec).toContain('Depends on: Design System');
    expect(spec).toContain('- R2.1 Lists the patients of one ward');
  });
});
