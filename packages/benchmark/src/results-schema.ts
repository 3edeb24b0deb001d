import { HARDWARE_KINDS, RESULTS_SCHEMA_VERSION } from '@envoy/core';

const text = { type: 'string', minLength: 1 } as const;
const number = { type: 'number' } as const;

const metric = {
  type: 'object',
  required: ['value', 'unit', 'direction', 'source'],
  additionalProperties: false,
  properties: {
    value: number,
    unit: { type: 'string' },
    direction: { enum: ['smaller-is-better', 'bigger-is-better'] },
    source: { enum: ['measured', 'evaluation'] },
  },
} as const;

const hardware = {
  type: 'object',
  required: ['class', 'kind', 'os', 'cpu', 'memoryMiB', 'accelerators'],
  properties: {
    class: text,
    kind: { enum: HARDWARE_KINDS },
    os: {
      type: 'object',
      required: ['platform', 'release'],
      properties: { platform: text, release: { type: 'string' } },
    },
    cpu: {
      type: 'object',
      required: ['model', 'architecture', 'cores'],
      properties: { model: { type: 'string' }, architecture: text, cores: { type: 'integer' } },
    },
    memoryMiB: number,
    accelerators: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind', 'vendor', 'model'],
        properties: {
          kind: { enum: HARDWARE_KINDS.filter((kind) => kind !== 'cpu') },
          vendor: text,
          model: text,
        },
      },
    },
  },
} as const;

const trial = {
  type: 'object',
  required: ['latenciesMs', 'inferencesPerSecond'],
  additionalProperties: false,
  properties: {
    latenciesMs: { type: 'array', items: number },
    inferencesPerSecond: number,
  },
} as const;

const stability = {
  type: 'object',
  required: ['coefficientOfVariation', 'maxCoefficientOfVariation', 'stable'],
  additionalProperties: false,
  properties: {
    coefficientOfVariation: number,
    maxCoefficientOfVariation: number,
    stable: { type: 'boolean' },
  },
} as const;

/** JSON Schema of the results file (see the package README for what each field means). */
export const resultsSchema = {
  type: 'object',
  required: [
    'schemaVersion',
    'model',
    'version',
    'digest',
    'target',
    'driver',
    'hardware',
    'runtime',
    'metrics',
    'trials',
    'startedAt',
    'finishedAt',
  ],
  additionalProperties: false,
  properties: {
    schemaVersion: { const: RESULTS_SCHEMA_VERSION },
    model: text,
    version: { type: 'integer', minimum: 1 },
    digest: { type: 'string', pattern: '^sha256:[0-9a-f]+$' },
    target: text,
    driver: text,
    hardware,
    runtime: { type: 'object', additionalProperties: { type: 'string' } },
    metrics: { type: 'object', additionalProperties: metric },
    trials: { type: 'array', items: trial },
    stability,
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: 'string', format: 'date-time' },
  },
} as const;
