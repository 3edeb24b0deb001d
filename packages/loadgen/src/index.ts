export type {
  ErrorCounts,
  LatencySummary,
  LoadOptions,
  LoadProgress,
  LoadReport,
  LoopMode,
  Protocol,
} from './types.js';
export { DEFAULT_MAX_IN_FLIGHT, runLoad } from './load.js';
export {
  MAX_BISECTIONS,
  MAX_DOUBLINGS,
  meetsBound,
  runConcurrencySweep,
  runOffline,
  runServerScenario,
  runSingleStream,
  searchHighestRate,
  type LatencyBound,
  type ScenarioOptions,
  type ServerScenarioResult,
} from './scenarios.js';
