export {
  DEFAULT_GATE_MEASURES,
  DEFAULT_WEIGHTS,
  GATE_MEASURES,
  qualitySchema,
  SUB_SCORES,
  type GateMeasure,
  type QualityConfig,
  type QualityGateConfig,
  type SubScoreName,
} from './config';
export {
  evaluateGate,
  gateFeedback,
  gateSettings,
  onlyMeasured,
  type GateFinding,
  type GateReport,
} from './gate';
export {
  regressions,
  scoreQuality,
  type QualityMeasurements,
  type QualityScore,
  type Ratio,
  type SubScore,
} from './score';
