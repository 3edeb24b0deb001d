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

export interface ModelServer {
  url: string;
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
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}
