import { UserError, type Log } from '@envoy/core';
import type { ExecutionProvider } from '@envoy/config';
import type { OnnxRuntime } from '@envoy/onnx';

export type Session = Awaited<ReturnType<OnnxRuntime['InferenceSession']['create']>>;

export interface OpenedSession {
  session: Session;
  /** The provider the session was created with first: the one that runs the model. */
  executionProvider: ExecutionProvider;
}

/**
 * Creates a session with the requested execution providers, in order. When one cannot be
 * used (the CPU build of onnxruntime-node has no CUDA), the rest of the list is tried, and
 * cpu last, with a warning: a benchmark that silently ran elsewhere would mislead.
 */
export async function openSession(
  runtime: OnnxRuntime,
  modelFile: string,
  requested: readonly ExecutionProvider[],
  log: Log,
): Promise<OpenedSession> {
  const candidates = providersToTry(requested);
  for (const [index, provider] of candidates.slice(0, -1).entries()) {
    const session = await tryCreate(runtime, modelFile, candidates.slice(index), log);
    if (session instanceof Error) {
      log.warning(
        `Execution provider "${provider}" is unavailable (${firstLine(session)}); ` +
          `falling back to "${candidates[index + 1]}"`,
      );
      continue;
    }
    return { session, executionProvider: provider };
  }
  const session = await tryCreate(runtime, modelFile, ['cpu'], log);
  if (session instanceof Error) {
    throw new UserError(`ONNX Runtime cannot load ${modelFile}: ${firstLine(session)}`);
  }
  return { session, executionProvider: 'cpu' };
}

async function tryCreate(
  runtime: OnnxRuntime,
  modelFile: string,
  executionProviders: ExecutionProvider[],
  log: Log,
): Promise<Session | Error> {
  log.debug(`openSession: ${modelFile} with ${executionProviders.join(', ')}`);
  try {
    return await runtime.InferenceSession.create(modelFile, { executionProviders });
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** The requested providers in order, ending with cpu: nothing after cpu would ever run. */
export function providersToTry(requested: readonly ExecutionProvider[]): ExecutionProvider[] {
  const unique = [...new Set(requested)];
  const cpuAt = unique.indexOf('cpu');
  return cpuAt === -1 ? [...unique, 'cpu'] : unique.slice(0, cpuAt + 1);
}

function firstLine(error: Error): string {
  return error.message.split('\n')[0] ?? error.message;
}
