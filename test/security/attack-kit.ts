import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { makeRepo, isolateGitConfig, type TempRepo } from '../git/repo';

/**
 * What every attack on the worker's own steps (outside the sandbox) is judged by: a fake HOME and the
 * main checkout's `.git` hooks and config that must not change, canary secrets in the worker's
 * environment that must not reach any file outside the worktree, and an event-loop ticker that must
 * keep ticking while the step runs.
 */
export const CANARY = `canary-${'q7'.repeat(16)}`;
const CANARY_VARS = ['GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'ANTHROPIC_API_KEY'] as const;

export interface Victim {
  repo: TempRepo;
  home: string;
  /** Where a hook that ran outside the sandbox leaves its mark (inside it, the path is not writable). */
  leak: string;
  /** A shell line that records that it ran, with the canary, at `leak`. */
  mark(tag: string): string;
  /** Files outside the worktree that no step may change, hashed. */
  snapshot(): Map<string, string>;
  restore(): void;
}

function walk(p: string, into: Map<string, string>): void {
  if (!existsSync(p)) return;
  const st = lstatSync(p);
  if (st.isSymbolicLink()) into.set(p, `link:${readlinkSync(p)}`);
  else if (st.isDirectory()) for (const name of readdirSync(p)) walk(path.join(p, name), into);
  else if (st.isFile())
    into.set(p, `${st.mode}:${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
  else into.set(p, `special:${st.mode}`);
}

export function makeVictim(): Victim {
  const repo = makeRepo();
  const restoreGit = isolateGitConfig(repo);
  const home = path.join(path.dirname(repo.dir), 'home');
  mkdirSync(path.join(home, '.ssh'), { recursive: true });
  writeFileSync(path.join(home, '.bashrc'), 'export PS1=ok\n');
  writeFileSync(path.join(home, '.ssh', 'id_ed25519'), 'PRIVATE KEY OF THE USER\n');
  const leak = path.join(home, 'leak.txt');
  const saved: Record<string, string | undefined> = { HOME: process.env.HOME };
  process.env.HOME = home;
  for (const v of CANARY_VARS) {
    saved[v] = process.env[v];
    process.env[v] = CANARY;
  }
  return {
    repo,
    home,
    leak,
    mark: (tag) => `echo "${tag} GITHUB_TOKEN=$GITHUB_TOKEN parent=$(ps -o args= -p $PPID)" >> "${leak}"`,
    snapshot() {
      const m = new Map<string, string>();
      walk(home, m);
      walk(path.join(repo.dir, '.git', 'hooks'), m);
      walk(path.join(repo.dir, '.git', 'config'), m);
      return m;
    },
    restore() {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      restoreGit();
      repo.cleanup();
    },
  };
}

/** Fails with what changed: files outside the worktree, or the canary left anywhere in the fake HOME. */
export function assertUntouched(victim: Victim, before: Map<string, string>, output = ''): void {
  const after = victim.snapshot();
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
    (k) => before.get(k) !== after.get(k),
  );
  // What ran outside first (it says which git command started it), then every file it changed.
  expect(existsSync(victim.leak) ? readFileSync(victim.leak, 'utf8') : '(no leak file)').toBe(
    '(no leak file)',
  );
  expect(changed).toEqual([]);
  expect(output).not.toContain(CANARY);
}

/** Measures the longest stall of the event loop while `work` runs. */
export async function longestStall<T>(
  work: () => Promise<T>,
): Promise<{ result: T | Error; stallMs: number }> {
  let last = Date.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 25);
  try {
    const result = await work().catch((err: unknown) =>
      err instanceof Error ? err : new Error(String(err)),
    );
    return { result, stallMs: Math.max(stallMs, Date.now() - last) };
  } finally {
    clearInterval(timer);
  }
}

export function errorText(e: unknown): string {
  if (!(e instanceof Error)) return JSON.stringify(e ?? null);
  const details = (e as Error & { details?: unknown }).details;
  return `${e.message}\n${JSON.stringify(details ?? null)}`;
}
