export { DEFAULT_WEIGHTS, qualitySchema, SUB_SCORES, type QualityConfig, type SubScoreName } from './config';
export {
  regressions,
  scoreQuality,
  type QualityMeasurements,
  type QualityScore,
  type Ratio,
  type SubScore,
} from './score';
