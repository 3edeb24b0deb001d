export {
  probeHardware,
  fingerprintClass,
  requireAccelerator,
  describeHardware,
} from './fingerprint.js';
export type { ProbeOptions } from './fingerprint.js';
export { parseLscpuJson, cpuFromNode } from './cpu.js';
export { parseNvidiaSmiCsv, parseNvidiaSmiXml } from './nvidia.js';
export { parseAmdSmiStaticJson, parseRocmSmiJson } from './amd.js';
export { parseXrtExamineJson, xrtAccelerators } from './xilinx.js';
export type { XrtDevice, XrtExamineReport } from './xilinx.js';
export { parseAoclDiagnose } from './intel-fpga.js';
export { startTelemetry, DEFAULT_TELEMETRY_INTERVAL_MS } from './telemetry.js';
export type { SpawnLoop, TelemetryOptions } from './telemetry.js';
export { summarizeTelemetry } from './telemetry-summary.js';
export type {
  DeviceReading,
  TelemetryRound,
  TelemetrySession,
  TelemetrySummary,
} from './telemetry-summary.js';
export { parseNvidiaSmiTelemetryLine } from './telemetry-nvidia.js';
export type { NvidiaTelemetryLine } from './telemetry-nvidia.js';
export {
  parseAmdSmiMetricJson,
  parseRocmSmiMetricJson,
  parseXrtElectricalJson,
} from './telemetry-samplers.js';
