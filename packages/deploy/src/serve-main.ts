// The serve entry: `node serve.js --model-file F --model-name N --version V --host H --port P`.
// Bundled by the build; deployLocal starts it as a detached process.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProcessToolRunner, UserError, describeError, type Log } from '@envoy/core';
import { loadOnnxRuntime } from '@envoy/onnx';
import { parseServeArguments } from './arguments.js';
import { startInferenceServer } from './server.js';

/** Writes log lines to standard error, which deployLocal sends to the server's log file. */
const stderrLog: Log = {
  info: (message) => process.stderr.write(`${message}\n`),
  debug: (message) => {
    if (process.env.ENVOY_DEBUG) process.stderr.write(`debug: ${message}\n`);
  },
  warning: (message) => process.stderr.write(`warning: ${message}\n`),
  error: (message) => process.stderr.write(`error: ${message}\n`),
  group: (_name, work) => work(),
  mask: () => undefined,
};

async function main(): Promise<void> {
  const options = parseServeArguments(process.argv.slice(2));
  const searchFrom = [dirname(fileURLToPath(import.meta.url)), process.cwd()];
  const runtime = await loadOnnxRuntime(
    { searchFrom },
    new ProcessToolRunner(stderrLog),
    stderrLog,
  );
  const server = await startInferenceServer({ ...options, runtime });
  stderrLog.info(`Serving ${options.modelName} v${options.version} at ${server.url}`);
  const stop = (signal: string) => {
    stderrLog.info(`Stopping on ${signal}`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  const detail = error instanceof UserError ? describeError(error) : String(error);
  process.stderr.write(`envoy-serve: ${detail}\n`);
  process.exit(1);
});
