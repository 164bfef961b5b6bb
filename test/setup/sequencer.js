'use strict';
/**
 * The order jest hands test files to its workers: jest's own (files that failed last time first, then
 * the longest by the timings jest cached, then the largest), except that with no timings at all (a clean
 * clone, as in CI) the server project's files go before the unit project's. Server files run for minutes
 * (heartbeat timeouts, killed and restarted workers, a stopped database, 1.5 s scripted answers) and
 * several are small files that jest would start in the second half by size (temporal-server-restart
 * 141st of 265, long-build 174th); unit files mostly take seconds. Longest first leaves the short ones
 * to fill the end of the run instead of a long one trailing it.
 */
const Sequencer = require('@jest/test-sequencer').default;

class ServerFirst extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    if (ordered.some((test) => test.duration != null)) return ordered;
    const server = (test) => test.context.config.displayName?.name === 'server';
    return [...ordered.filter(server), ...ordered.filter((test) => !server(test))];
  }
}

module.exports = ServerFirst;
