import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { lastLines, ToolError, ToolMissingError, UserError } from '@envoy/core';
import { parseBenchmarkOutput, resultFormatFromName } from '@envoy/result-formats';
import type { Driver } from './driver.js';

/**
 * Runs the user's own benchmark (argv, no shell, in the workspace; `{model}` is replaced by
 * the model's path) and parses what it writes, to a file or to standard output.
 */
export const commandDriver: Driver = {
  name: 'command',
  async run({ request, tools, log }) {
    const command = request.settings.command;
    if (!command) {
      throw new UserError('benchmark.command is required when benchmark.driver is "command"');
    }
    const format = resultFormatFromName(command.format, 'benchmark.command.format');
    const [tool, ...args] = command.run.map((word) =>
      word.replaceAll('{model}', request.modelFile),
    );
    if (!tool) throw new UserError('benchmark.command.run is empty: give the benchmark argv');
    log.info(`Running ${[tool, ...args].join(' ')}`);
    const output = await tools.run(tool, args, { cwd: request.root }).catch((error: unknown) => {
      if (error instanceof ToolMissingError) {
        throw new UserError(`benchmark.command.run: "${tool}" is not installed or not on PATH`);
      }
      if (error instanceof ToolError) {
        throw new UserError(
          `benchmark.command.run "${tool}" exited with ${error.exitCode}: ${error.stderrTail}`,
        );
      }
      throw error;
    });
    const source = command.output ? resolve(request.root, command.output) : 'standard output';
    const text = command.output ? await readOutputFile(source) : output.stdout;
    log.debug(`commandDriver: ${source} ends with ${lastLines(text, 3)}`);
    return {
      metrics: parseBenchmarkOutput(format, text, source),
      trials: [],
      runtime: { command: [tool, ...args].join(' '), format },
    };
  },
};

async function readOutputFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new UserError(`benchmark.command.output: the benchmark wrote no file ${path}`);
  }
}
