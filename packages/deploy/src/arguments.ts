import { parseArgs } from 'node:util';
import { UserError, describeError, parseVersionNumber } from '@envoy/core';
import type { InferenceServerOptions } from './server.js';

export type ServeArguments = Omit<InferenceServerOptions, 'runtime'>;

/** Reads the serve entry's flags: --model-file, --model-name, --version, --host, --port. */
export function parseServeArguments(argv: string[]): ServeArguments {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'model-file': { type: 'string' },
        'model-name': { type: 'string' },
        version: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '0' },
      },
    }));
  } catch (error) {
    throw new UserError(describeError(error));
  }
  const modelFile = required(values['model-file'], '--model-file');
  const modelName = required(values['model-name'], '--model-name');
  const versionText = required(values.version, '--version');
  const version = parseVersionNumber(versionText);
  if (version === undefined) {
    throw new UserError(`--version "${versionText}" is not a positive integer`);
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) {
    throw new UserError(`--port "${values.port}" is not a port number (0 to 65535)`);
  }
  return { modelFile, modelName, version, host: values.host, port };
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UserError(`${flag} is required`);
  return value;
}
