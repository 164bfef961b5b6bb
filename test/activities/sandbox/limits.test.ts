import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runInSandbox } from '../../../activities/sandbox/run';
import { parseConfig } from '../../../lib/config';
import { sandboxPolicy } from '../../../lib/sandbox/policy';
import { makeHost, type Host } from '../../fixtures/sandbox/host';

/** Total disk and memory limits, with real bubblewrap, for a worker without cgroups as well. */
let host: Host;
beforeAll(async () => {
  host = await makeHost();
});
afterAll(() => host.close());
afterEach(() => {
  for (const f of readdirSync(host.worktree)) if (/^fill/.test(f)) rmSync(path.join(host.worktree, f));
});

const policy = (limits: Record<string, number>) => ({
  ...sandboxPolicy(parseConfig({ agent: { limits } })),
  timeoutSeconds: 60,
});

/** Runs a command while counting event-loop ticks: the worker must stay responsive throughout. */
async function run(argv: string[], limits: Record<string, number>, cgroups?: boolean) {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 100);
  const started = Date.now();
  try {
    const r = await runInSandbox({
      argv,
      dir: host.worktree,
      policy: policy(limits),
      workerEnv: host.workerEnv,
      cgroups,
    });
    const seconds = (Date.now() - started) / 1000;
    return { ...r, seconds, ticks };
  } finally {
    clearInterval(timer);
  }
}

// 1 MB files, one after another, then waiting: each file is within fileSizeMb, the total is not.
const FILL =
  'i=0; while [ $i -lt 40 ]; do head -c 1048576 /dev/urandom > fill$i || exit 3; i=$((i+1)); done; sleep 50';

describe('total limits on a sandboxed command', () => {
  it('kills a command that writes past the disk quota in files each under fileSizeMb, with a clear verdict', async () => {
    const r = await run(['/bin/sh', '-c', FILL], { fileSizeMb: 1, diskMb: 16 });
    expect(r.verdict).toMatch(
      /^killed: the worktree grew to \d+ MB, over the disk quota of 16 MB \(agent\.limits\.diskMb\)$/,
    );
    expect(r.diskLimited).toBe(true);
    expect(r.timedOut).toBe(false);
    expect(r.seconds).toBeLessThan(40);
    // The worker's event loop kept turning while the quota was watched: a 100 ms timer fired at
    // least a fifth as often as it would on an idle machine (a synchronous runner gives about 0;
    // a loaded 2-core machine about half).
    expect(r.ticks).toBeGreaterThan(r.seconds * 2);
  }, 90_000);

  it('reports the quota even when the command wrote past it and exited between two measurements', async () => {
    const r = await run(['/bin/sh', '-c', 'head -c 25000000 /dev/urandom > fill-once'], { diskMb: 16 });
    expect(r.verdict).toContain('over the disk quota of 16 MB');
  }, 90_000);

  it('stops a process over the memory limit without cgroups (RLIMIT_DATA), with a clear verdict', async () => {
    const hog = 'const a = []; for (;;) a.push(Buffer.alloc(16 << 20, 1));';
    const r = await run(['node', '-e', hog], { memoryMb: 128 }, false);
    expect(r.limits).toBe('rlimit');
    expect(r.memoryLimited).toBe(true);
    expect(r.verdict).toBe(
      'failed: memory limit of 128 MB per process reached (RLIMIT_DATA; agent.limits.memoryMb)',
    );
    expect(r.seconds).toBeLessThan(40);
  }, 90_000);

  it('caps the private /tmp at the memory limit, so files there cannot take the memory either', async () => {
    const r = await run(
      ['/bin/sh', '-c', 'head -c 200000000 /dev/zero > /tmp/big; echo rc=$?'],
      { memoryMb: 64 },
      false,
    );
    expect(r.output).toMatch(/No space left on device/);
    expect(r.output).toContain('rc=1');
  }, 90_000);

  // bwrap's --dev is a tmpfs of its own (half the RAM, no --size): /dev/shm, or /dev itself, held
  // files as memory past every cap of /tmp.
  it.each(['/dev/shm/big', '/dev/big'])(
    'keeps %s from holding more than the memory limit in files',
    async (file) => {
      const r = await run(
        ['/bin/sh', '-c', `head -c 200000000 /dev/zero > ${file}; echo rc=$?; rm -f ${file}`],
        { memoryMb: 64, fileSizeMb: 512 },
        false,
      );
      expect(r.output).toMatch(/No space left on device|Read-only file system|Permission denied/);
      expect(r.output).not.toContain('rc=0');
    },
    90_000,
  );

  // As root the nested namespace fails anyway; a worker that is not root needs bwrap's --disable-userns.
  it('keeps a nested user namespace from mounting a tmpfs of its own past the memory limit', async () => {
    const nested =
      'unshare -Urm /bin/sh -c "mount -t tmpfs none /tmp && head -c 200000000 /dev/zero > /tmp/big; echo rc=\\$?"; echo done';
    const r = await run(['/bin/sh', '-c', nested], { memoryMb: 64, fileSizeMb: 512 }, false);
    expect(r.output).toContain('done');
    expect(r.output).not.toContain('rc=0');
  }, 90_000);

  it("counts the extra writable folders (the gate's scratch folder) against the disk quota too", async () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'br-scratch-'));
    try {
      const fill = FILL.replace(/> fill\$i/, `> ${scratch}/fill$i`);
      const r = await runInSandbox({
        argv: ['/bin/sh', '-c', fill],
        dir: host.worktree,
        policy: policy({ fileSizeMb: 1, diskMb: 16 }),
        workerEnv: host.workerEnv,
        writable: [scratch],
      });
      expect(r.diskLimited).toBe(true);
      expect(r.timedOut).toBe(false);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 90_000);

  it('leaves the worker able to run the next command normally after both limits were hit', async () => {
    const r = await run(['node', '-e', 'console.log("fine")'], { memoryMb: 128, diskMb: 16 }, false);
    expect(r.verdict).toBe('exited with code 0');
    expect(r.output).toContain('fine');
  }, 90_000);
});
