import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./fixtures/model-server.mjs', import.meta.url));

export type ServerBehaviour =
  | { behaviour: 'fixed'; delayMs: number }
  | { behaviour: 'mixture'; delays: [number, number][]; seed: number }
  | { behaviour: 'slow-start'; slowForMs: number; slowMs: number; fastMs: number }
  | { behaviour: 'serial'; serviceMs: number }
  | { behaviour: 'faults' }
  | { behaviour: 'openai'; ttftMs: number; gapMs: number; tokens: number };

/** What the server really did, in milliseconds, warm-up included. */
export interface ActualTimings {
  /** From receiving a request to answering it (successful v2 answers). */
  latencyMs: number[];
  /** From receiving a request to writing its first token (OpenAI streams). */
  firstTokenMs: number[];
  tokenGapsMs: number[];
}

export interface ModelServer {
  url: string;
  actual(): Promise<ActualTimings>;
  close(): Promise<void>;
}

/** Starts the fixture model server in its own process, on a free loopback port. */
export async function startModelServer(behaviour: ServerBehaviour): Promise<ModelServer> {
  const child = fork(SCRIPT, [JSON.stringify(behaviour)], { stdio: 'inherit' });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`model server exited early with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    actual: () =>
      new Promise((resolve) => {
        child.once('message', (message) => resolve((message as { actual: ActualTimings }).actual));
        child.send('actual');
      }),
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

/** The nearest-rank percentile (0 to 100) of `values`. */
export function percentile(values: number[], rank: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.max(0, Math.ceil((rank / 100) * sorted.length) - 1);
  return sorted[index] ?? NaN;
}
