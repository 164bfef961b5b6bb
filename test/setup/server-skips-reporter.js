'use strict';
// In CI (CI=true) a skipped Temporal server test fails the run: test/helpers/temporal.ts marks their
// titles with "[temporal server]". Locally it only prints how many were skipped.
const MARK = '[temporal server]';

class ServerSkipsReporter {
  constructor() {
    this.error = undefined;
  }

  onRunComplete(_contexts, results) {
    const skipped = [];
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        const title = [...test.ancestorTitles, test.title].join(' › ');
        if (title.includes(MARK) && test.status !== 'passed' && test.status !== 'failed') skipped.push(title);
      }
    }
    if (skipped.length === 0) return;
    const ci = process.env.CI === 'true' || process.env.CI === '1';
    const message = `${skipped.length} Temporal server test(s) skipped${ci ? ' in CI' : ''}:\n  ${skipped.join('\n  ')}`;
    if (ci) {
      this.error = new Error(message);
      process.stderr.write(`\nFAIL: ${message}\n`);
    } else {
      process.stderr.write(`\nnote: ${message}\n(run \`npm run test:server\` to run them)\n`);
    }
  }

  getLastError() {
    return this.error;
  }
}

module.exports = ServerSkipsReporter;
