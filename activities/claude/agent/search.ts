import { Worker } from 'node:worker_threads';

/**
 * search_files' matching, on a thread of its own with a time limit. RE2 is linear in the text, but
 * times the size of the compiled pattern: the model's `[ab]{1000}` repeated ten times took 16 s on one
 * 20 KB line, and fifty times 218 s on 60 KB, on the worker's only thread, where every activity's
 * heartbeat stopped with it. The thread is terminated at the deadline (a running match included) and
 * what it found by then is returned.
 */

/** Runs in the worker thread: plain JavaScript, BuildRunner's own code never loaded there. */
const SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const { RE2JS } = require(workerData.re2js);
const { root, files, pattern, maxMatches, maxFileBytes } = workerData;
(() => {
  let regex;
  try {
    regex = RE2JS.compile(pattern);
  } catch (err) {
    parentPort.postMessage({ invalid: String((err && err.message) || err) });
    return;
  }
  let found = 0;
  for (const rel of files) {
    if (found >= maxMatches) break;
    const full = path.join(root, rel);
    let text;
    try {
      // lstat and O_NOFOLLOW: a symlink is never followed, wherever it points; O_NONBLOCK: no FIFO waits.
      const info = fs.lstatSync(full);
      if (!info.isFile() || info.size > maxFileBytes) continue;
      const fd = fs.openSync(full, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
      try {
        if (!fs.fstatSync(fd).isFile()) continue;
        text = fs.readFileSync(fd, 'utf8');
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      continue;
    }
    const matches = [];
    const lines = text.split('\\n');
    for (let i = 0; i < lines.length && found < maxMatches; i++)
      if (regex.matcher(lines[i]).find()) {
        matches.push(rel + ':' + (i + 1) + ': ' + lines[i].slice(0, 300));
        found++;
      }
    if (matches.length) parentPort.postMessage({ matches });
  }
  parentPort.postMessage({ done: true });
})();
`;

export interface SearchRequest {
  root: string;
  /** Paths relative to root, in the order to search. */
  files: readonly string[];
  pattern: string;
  maxMatches: number;
  maxFileBytes: number;
  timeoutMs: number;
}

export type SearchResult = { invalid: string } | { matches: string[]; timedOut: boolean };

export function searchInThread(req: SearchRequest): Promise<SearchResult> {
  return new Promise((resolve, reject) => {
    const matches: string[] = [];
    let settled = false;
    const worker = new Worker(SCRIPT, {
      eval: true,
      workerData: {
        re2js: require.resolve('re2js'),
        root: req.root,
        files: [...req.files],
        pattern: req.pattern,
        maxMatches: req.maxMatches,
        maxFileBytes: req.maxFileBytes,
      },
      // A huge compiled pattern or file must not take the worker's memory with it.
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
    const finish = (result: SearchResult | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const timer = setTimeout(() => finish({ matches, timedOut: true }), req.timeoutMs);
    worker.on('message', (m: { invalid?: string; matches?: string[]; done?: boolean }) => {
      if (m.invalid !== undefined) finish({ invalid: m.invalid });
      else if (m.matches) matches.push(...m.matches);
      else if (m.done) finish({ matches, timedOut: false });
    });
    worker.on('error', (err) => finish(err));
    // Out of memory (resourceLimits) ends the thread without a message: what was found is kept.
    worker.on('exit', () => finish({ matches, timedOut: true }));
  });
}
