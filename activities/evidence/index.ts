export {
  gapsOfBuild,
  loadBuildEvidence,
  summaryGaps,
  type BuildEvidence,
  type GapSettings,
  type SummaryGaps,
} from './build';
export { collectGapInput, DEFAULT_TEST_PATTERN, type BuildTaskRow, type CollectOptions } from './collect';
