import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { detectionScores, frameLabels, rocAuc } from '../metrics.mjs';

const exampleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(exampleDir, '../..');
const evaluateScript = path.join(exampleDir, 'evaluate.mjs');
const v5Model = path.join(repoRoot, 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx');
const runNode = promisify(execFile);

interface LabelledFile {
  file: string;
  samples: number;
  seconds: number;
  segments: { startSample: number; endSample: number; start: number; end: number }[];
}

const labels = JSON.parse(readFileSync(path.join(exampleDir, 'data/labels.json'), 'utf8')) as {
  sampleRate: number;
  files: LabelledFile[];
};

/** Reads the sample count and format of a WAV file from its fmt and data chunks. */
function wavInfo(file: string) {
  const bytes = readFileSync(file);
  let offset = 12;
  let format = { channels: 0, rate: 0, bits: 0 };
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      format = {
        channels: bytes.readUInt16LE(offset + 10),
        rate: bytes.readUInt32LE(offset + 12),
        bits: bytes.readUInt16LE(offset + 22),
      };
    }
    if (id === 'data') return { ...format, samples: size / 2 };
    offset += 8 + size + (size % 2);
  }
  throw new Error(`${file}: no data chunk`);
}

describe('rocAuc', () => {
  it.each([
    { scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true], expected: 0.75 },
    { scores: [0.5, 0.5, 0.5, 0.5], labels: [false, true, false, true], expected: 0.5 },
    { scores: [0.2, 0.5, 0.5, 0.9], labels: [false, false, true, true], expected: 0.875 },
    { scores: [0.9, 0.8, 0.1, 0.2], labels: [false, false, true, true], expected: 0 },
    { scores: [0.1, 0.2, 0.8, 0.9], labels: [false, false, true, true], expected: 1 },
  ])('scores $scores against $labels as $expected', ({ scores, labels, expected }) => {
    expect(rocAuc(scores, labels)).toBeCloseTo(expected, 12);
  });

  it('refuses a single class', () => {
    expect(() => rocAuc([0.1, 0.9], [true, true])).toThrow(/both classes/);
  });
});

describe('frameLabels and detectionScores', () => {
  it('marks a frame as speech only when more than half of it is inside a segment', () => {
    const segments = [{ startSample: 6, endSample: 14 }];
    // Frames of 4: [0,4) none, [4,8) 2 of 4, [8,12) all, [12,16) 2 of 4; 17 samples -> 4 frames.
    expect(frameLabels(segments, 17, 4)).toEqual([false, false, true, false]);
    expect(frameLabels([{ startSample: 5, endSample: 8 }], 8, 4)).toEqual([false, true]);
  });

  it('counts a score at the threshold as speech', () => {
    const scores = [0.5, 0.2, 0.7, 0.4];
    const truth = [true, false, false, true];
    expect(detectionScores(scores, truth, 0.5)).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5 });
  });
});

describe('the committed dataset', () => {
  it.each(labels.files)('$file matches its labels', (entry) => {
    const wav = wavInfo(path.join(exampleDir, 'data', entry.file));
    expect(wav).toEqual({ channels: 1, rate: 16000, bits: 16, samples: entry.samples });
    expect(entry.seconds * labels.sampleRate).toBe(entry.samples);
    let previousEnd = 0;
    for (const segment of entry.segments) {
      expect(segment.startSample).toBeGreaterThanOrEqual(previousEnd);
      expect(segment.endSample).toBeGreaterThan(segment.startSample);
      expect(segment.endSample).toBeLessThanOrEqual(entry.samples);
      expect(segment.start).toBe(segment.startSample / labels.sampleRate);
      expect(segment.end).toBe(segment.endSample / labels.sampleRate);
      previousEnd = segment.endSample;
    }
  });

  it('stays under 2 MB', () => {
    const files = [...labels.files.map((entry) => entry.file), 'labels.json'];
    const bytes = files.reduce(
      (sum, f) => sum + statSync(path.join(exampleDir, 'data', f)).size,
      0,
    );
    expect(bytes).toBeLessThan(2_000_000);
  });
});

describe('evaluate.mjs', () => {
  const expectedFrames = labels.files.reduce(
    (sum, entry) => sum + Math.floor(entry.samples / 512),
    0,
  );

  it('prints one JSON object of metrics for a real Silero release', async () => {
    const { stdout } = await runNode('node', [evaluateScript, '--model', v5Model], { cwd: '/' });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] ?? '');
    expect(Object.keys(result).sort()).toEqual(['f1', 'frames', 'precision', 'recall', 'roc_auc']);
    expect(result.frames).toBe(expectedFrames);
    for (const key of ['f1', 'roc_auc', 'precision', 'recall']) {
      expect(result[key]).toBeGreaterThanOrEqual(0);
      expect(result[key]).toBeLessThanOrEqual(1);
    }
    // Silero v5 separates espeak speech from this noise easily; far lower means broken feeding.
    expect(result.f1).toBeGreaterThan(0.8);
    expect(result.roc_auc).toBeGreaterThan(0.9);
  });

  it.each([
    { args: ['--model', 'missing.onnx'], message: /--model "missing.onnx": no such file/ },
    { args: [], message: /--model <path.onnx> is required/ },
    { args: ['--model', v5Model, '--data', exampleDir], message: /no labels.json/ },
  ])('exits 2 with a one-line message for $args', async ({ args, message }) => {
    const failure = runNode('node', [evaluateScript, ...args], { cwd: exampleDir });
    await expect(failure).rejects.toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(message),
    });
  });
});
