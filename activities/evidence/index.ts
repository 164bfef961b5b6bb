export { collectGapInput, DEFAULT_TEST_PATTERN, type BuildTaskRow, type CollectOptions } from './collect';
