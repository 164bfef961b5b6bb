export { analyzeGaps, isMerged } from './analyze';
export { citationsIn, type CitedTest } from './citations';
export { gapsHeadline, gapsMarkdown } from './render';
export { indexResults, type ResultIndex } from './results';
export * from './types';
export {
  ADVISORY_NOTE,
  advisoryMarkdown,
  advisoryProblems,
  advisoryPrompt,
  advisorySchema,
  type AdvisoryAnswer,
  type AdvisoryReport,
} from './advisory';
