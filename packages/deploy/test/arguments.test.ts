import { describe, expect, it } from 'vitest';
import { UserError } from '@envoy/core';
import { buildSmokeRequest, parseServeArguments } from '../src/index.js';

describe('parseServeArguments', () => {
  it('reads every flag', () => {
    const argv = ['--model-file', '/m/vad.onnx', '--model-name', 'vad', '--version', '3'];
    expect(parseServeArguments([...argv, '--host', '0.0.0.0', '--port', '8080'])).toEqual({
      modelFile: '/m/vad.onnx',
      modelName: 'vad',
      version: 3,
      host: '0.0.0.0',
      port: 8080,
    });
  });

  it('defaults to loopback and a free port', () => {
    const argv = ['--model-file', 'm.onnx', '--model-name', 'vad', '--version', '1'];
    expect(parseServeArguments(argv)).toMatchObject({ host: '127.0.0.1', port: 0 });
  });

  it.each([
    [['--model-name', 'vad', '--version', '1'], /--model-file is required/],
    [['--model-file', 'm', '--model-name', 'vad', '--version', 'v2'], /--version "v2" is not/],
    [
      ['--model-file', 'm', '--model-name', 'vad', '--version', '1', '--port', '70000'],
      /--port "70000"/,
    ],
    [['--model-file', 'm', '--model-name', 'vad', '--version', '1', '--gpu'], /--gpu/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseServeArguments(argv)).toThrow(UserError);
    expect(() => parseServeArguments(argv)).toThrow(message);
  });
});

describe('buildSmokeRequest', () => {
  const signature = {
    inputs: [
      { name: 'input', type: 'float32', shape: ['batch', 512] },
      { name: 'sr', type: 'int64', shape: [] },
      { name: 'mask', type: 'bool', shape: [2] },
    ],
    outputs: [{ name: 'output', type: 'float32', shape: ['batch', 1] }],
  };

  it('builds v2 inputs from the resolved feeds', () => {
    const request = buildSmokeRequest(signature, {
      dimensions: { batch: 1 },
      inputs: { sr: { value: 16000 }, mask: { fill: 'ones' } },
    }) as { inputs: Array<{ name: string; shape: number[]; datatype: string; data: unknown[] }> };
    expect(request.inputs.map(({ name, shape, datatype }) => ({ name, shape, datatype }))).toEqual([
      { name: 'input', shape: [1, 512], datatype: 'FP32' },
      { name: 'sr', shape: [], datatype: 'INT64' },
      { name: 'mask', shape: [2], datatype: 'BOOL' },
    ]);
    expect(request.inputs[0]!.data).toHaveLength(512);
    expect(request.inputs[1]!.data).toEqual([16000]);
    expect(request.inputs[2]!.data).toEqual([true, true]);
  });

  it('names a symbolic dimension that has no size', () => {
    expect(() => buildSmokeRequest(signature, { dimensions: {}, inputs: {} })).toThrow(
      /dimension "batch"/,
    );
  });
});
