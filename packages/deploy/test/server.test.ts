import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInferenceServer } from '../src/index.js';
import { SILERO_MODEL, sileroRequest } from './fixtures/silero.js';

let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  const runtime = await import('onnxruntime-node');
  server = await startInferenceServer({
    modelFile: SILERO_MODEL,
    modelName: 'silero-vad',
    version: 4,
    host: '127.0.0.1',
    port: 0,
    runtime,
  });
});

afterAll(async () => {
  await server?.close();
});

interface OutputTensor {
  name: string;
  shape: number[];
  datatype: string;
  data: number[];
}

/** What the server answers; each test checks the fields it expects. */
interface Answer {
  error?: string;
  id?: string;
  model_name?: string;
  model_version?: string;
  outputs: OutputTensor[];
}

async function readAnswer(response: Response) {
  return { status: response.status, body: (await response.json()) as Answer };
}

async function get(path: string) {
  return readAnswer(await fetch(server.url + path));
}

async function infer(body: unknown, path = '/v2/models/silero-vad/infer') {
  const response = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return readAnswer(response);
}

type Request = ReturnType<typeof sileroRequest>;

function changeInput(index: number, change: Record<string, unknown>): Request {
  const request = sileroRequest();
  request.inputs[index] = { ...request.inputs[index]!, ...change } as Request['inputs'][number];
  return request;
}

describe('inference server', () => {
  it.each([
    ['/v2/health/live', { live: true }],
    ['/v2/health/ready', { ready: true }],
    ['/v2/models/silero-vad/ready', { name: 'silero-vad', ready: true }],
    ['/v2/models/silero-vad/versions/4/ready', { name: 'silero-vad', ready: true }],
    ['/v2', { name: 'envoy', version: '0.1.0', extensions: [] }],
  ])('answers GET %s', async (path, expected) => {
    expect(await get(path)).toEqual({ status: 200, body: expected });
  });

  it.each(['/v2/models/silero-vad', '/v2/models/silero-vad/versions/4'])(
    'describes the model at %s with v2 datatypes and -1 for symbolic sizes',
    async (path) => {
      expect(await get(path)).toEqual({
        status: 200,
        body: {
          name: 'silero-vad',
          versions: ['4'],
          platform: 'onnxruntime_onnx',
          inputs: [
            { name: 'input', datatype: 'FP32', shape: [-1, -1] },
            { name: 'state', datatype: 'FP32', shape: [2, -1, 128] },
            { name: 'sr', datatype: 'INT64', shape: [] },
          ],
          outputs: [
            { name: 'output', datatype: 'FP32', shape: [-1, 1] },
            { name: 'stateN', datatype: 'FP32', shape: [-1, -1, -1] },
          ],
        },
      });
    },
  );

  it.each(['/v2/models/silero-vad/infer', '/v2/models/silero-vad/versions/4/infer'])(
    'runs a real inference at %s',
    async (path) => {
      const { status, body } = await infer(sileroRequest('req-7'), path);
      expect(status).toBe(200);
      expect(body.model_name).toBe('silero-vad');
      expect(body.model_version).toBe('4');
      expect(body.id).toBe('req-7');
      const [output, stateN] = body.outputs as [OutputTensor, OutputTensor];
      expect(output).toMatchObject({ name: 'output', shape: [1, 1], datatype: 'FP32' });
      expect(output.data[0]).toBeGreaterThanOrEqual(0);
      expect(output.data[0]).toBeLessThanOrEqual(1);
      expect(stateN).toMatchObject({ name: 'stateN', shape: [2, 1, 128], datatype: 'FP32' });
      expect(stateN.data).toHaveLength(256);
    },
  );

  it('returns only the outputs asked for', async () => {
    const { status, body } = await infer({ ...sileroRequest(), outputs: [{ name: 'stateN' }] });
    expect(status).toBe(200);
    expect(body.outputs.map((output) => output.name)).toEqual(['stateN']);
    expect(body).not.toHaveProperty('id');
  });

  it.each([
    [
      'an unknown input',
      changeInput(0, { name: 'audio' }),
      /unknown input "audio".*"input", "state", "sr"/,
    ],
    [
      'a wrong datatype',
      changeInput(2, { datatype: 'FP32' }),
      /input "sr" has datatype "FP32": the model expects "INT64"/,
    ],
    [
      'a wrong fixed size',
      changeInput(1, { shape: [2, 1, 64], data: new Array(128).fill(0) }),
      /input "state" has shape \[2,1,64\]: the model expects \[2,-1,128\]/,
    ],
    ['a wrong rank', changeInput(2, { shape: [1] }), /input "sr" has shape \[1\]/],
    [
      'too few values',
      changeInput(0, { data: [0.1, 0.2] }),
      /input "input" has 2 values: shape \[1,512\] needs 512/,
    ],
    [
      'a fractional integer',
      changeInput(2, { data: [16000.5] }),
      /input "sr" value 16000.5 at index 0 is not INT64/,
    ],
    ['a missing input', { inputs: sileroRequest().inputs.slice(0, 2) }, /missing input "sr"/],
    [
      'an unknown output',
      { ...sileroRequest(), outputs: [{ name: 'prob' }] },
      /unknown output "prob"/,
    ],
    ['no inputs list', { id: 'x' }, /"inputs" must be an array/],
    ['a body that is not JSON', '{"inputs": [', /not valid JSON/],
  ])('answers 400 naming the problem for %s', async (_case, body, message) => {
    const { status, body: answer } = await infer(body);
    expect(status).toBe(400);
    expect(answer.error).toMatch(message);
  });

  it.each([
    ['GET', '/v2/models/whisper'],
    ['GET', '/v2/models/silero-vad/versions/3'],
    ['POST', '/v2/models/whisper/infer'],
    ['GET', '/v2/repository/index'],
  ])('answers 404 for %s %s', async (method, path) => {
    const response = await fetch(server.url + path, {
      method,
      ...(method === 'POST' ? { body: JSON.stringify(sileroRequest()) } : {}),
    });
    const { status, body } = await readAnswer(response);
    expect(status).toBe(404);
    expect(body.error).toMatch(/unknown model "whisper"|no version "3"|no such endpoint/);
  });

  it('answers 405 for GET on the infer endpoint', async () => {
    const response = await fetch(`${server.url}/v2/models/silero-vad/infer`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });
});
