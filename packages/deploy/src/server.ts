import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeError, type ModelSignature } from '@envoy/core';
import {
  isSupportedTensorType,
  readSignature,
  tensorFromValues,
  type OnnxRuntime,
} from '@envoy/onnx';
import { BadInferenceRequest, checkInferenceRequest, type CheckedInput } from './request.js';
import { modelMetadata, toV2Datatype } from './tensors.js';

export interface InferenceServerOptions {
  modelFile: string;
  modelName: string;
  version: number;
  host: string;
  /** 0 picks a free port. */
  port: number;
  runtime: OnnxRuntime;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

type Session = Awaited<ReturnType<OnnxRuntime['InferenceSession']['create']>>;
type Tensor = InstanceType<OnnxRuntime['Tensor']>;

interface ServedModel {
  name: string;
  version: number;
  signature: ModelSignature;
  session: Session;
  runtime: OnnxRuntime;
}

/** Request bodies above this size are refused with 413. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** The name and version GET /v2 reports. */
export const SERVER_NAME = 'envoy';
export const SERVER_VERSION = '0.1.0';

/**
 * Serves one ONNX model over the Open Inference Protocol (KServe v2) REST API. The model
 * is loaded before the port opens, so a listening server is a ready one.
 */
export async function startInferenceServer(
  options: InferenceServerOptions,
): Promise<RunningServer> {
  const session = await options.runtime.InferenceSession.create(options.modelFile);
  const model: ServedModel = {
    name: options.modelName,
    version: options.version,
    signature: readSignature(session),
    session,
    runtime: options.runtime,
  };
  const server = createServer((request, response) => {
    route(request, response, model).catch((error: unknown) => {
      sendJson(response, 500, { error: describeError(error) });
    });
  });
  const address = await listen(server, options.host, options.port);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await session.release();
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}

const MODEL_PATH = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/;

async function route(request: IncomingMessage, response: ServerResponse, model: ServedModel) {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
  const method = request.method ?? 'GET';
  const simple: Record<string, unknown> = {
    '/v2/health/live': { live: true },
    '/v2/health/ready': { ready: true },
    '/v2': { name: SERVER_NAME, version: SERVER_VERSION, extensions: [] },
  };
  if (path in simple) {
    if (method !== 'GET') return refuseMethod(response, 'GET');
    return sendJson(response, 200, simple[path]);
  }
  const match = MODEL_PATH.exec(path);
  if (!match) return sendJson(response, 404, { error: `no such endpoint: ${path}` });
  const problem = unknownModel(model, decodeURIComponent(match[1]!), match[2]);
  if (problem) return sendJson(response, 404, { error: problem });
  if (match[3] === '/infer') {
    if (method !== 'POST') return refuseMethod(response, 'POST');
    return infer(request, response, model);
  }
  if (method !== 'GET') return refuseMethod(response, 'GET');
  if (match[3] === '/ready') return sendJson(response, 200, { name: model.name, ready: true });
  sendJson(response, 200, modelMetadata(model.name, model.version, model.signature));
}

function unknownModel(model: ServedModel, name: string, version: string | undefined) {
  if (name !== model.name) return `unknown model "${name}": this server serves "${model.name}"`;
  if (version !== undefined && version !== String(model.version)) {
    return `model "${name}" has no version "${decodeURIComponent(version)}": this server serves version ${model.version}`;
  }
  return undefined;
}

async function infer(request: IncomingMessage, response: ServerResponse, model: ServedModel) {
  let checked;
  try {
    checked = checkInferenceRequest(await readJsonBody(request), model.signature);
  } catch (error) {
    if (error instanceof BadInferenceRequest)
      return sendJson(response, 400, { error: error.message });
    if (error instanceof BodyTooLarge) return sendJson(response, 413, { error: error.message });
    throw error;
  }
  const feeds = Object.fromEntries(
    checked.inputs.map((input) => [input.name, createInputTensor(model.runtime, input)]),
  );
  const results = await model.session.run(feeds, checked.outputs);
  sendJson(response, 200, {
    model_name: model.name,
    model_version: String(model.version),
    ...(checked.id !== undefined ? { id: checked.id } : {}),
    outputs: checked.outputs.map((name) => encodeOutput(name, results[name]!)),
  });
}

class BodyTooLarge extends Error {}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new BodyTooLarge(`request body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new BadInferenceRequest(`the request body is not valid JSON: ${describeError(error)}`);
  }
}

function createInputTensor(runtime: OnnxRuntime, input: CheckedInput): Tensor {
  const { type, shape, values } = input;
  if (type === 'string') return new runtime.Tensor('string', values as string[], shape);
  // TODO: FP16 inputs need a float16 encoder; they are refused for now.
  if (!isSupportedTensorType(type)) {
    throw new BadInferenceRequest(`input "${input.name}": ${toV2Datatype(type)} is not supported`);
  }
  return tensorFromValues(runtime, type, values.map(Number), shape);
}

function encodeOutput(name: string, tensor: Tensor) {
  const data = Array.from(tensor.data as ArrayLike<unknown>, (value) => {
    if (typeof value === 'bigint') return Number(value);
    return tensor.type === 'bool' ? Boolean(value) : value;
  });
  return { name, shape: [...tensor.dims], datatype: toV2Datatype(tensor.type), data };
}

function refuseMethod(response: ServerResponse, allowed: string) {
  response.setHeader('Allow', allowed);
  sendJson(response, 405, { error: `method not allowed: use ${allowed}` });
}

function sendJson(response: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}
