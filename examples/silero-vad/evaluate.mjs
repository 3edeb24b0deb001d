// Scores a Silero voice-activity model on the labelled recordings in data/.
//
// Usage: node examples/silero-vad/evaluate.mjs --model <path.onnx> [--data <dir>]
//
// Prints one JSON object on stdout: {"f1", "roc_auc", "precision", "recall", "frames"}, with F1,
// precision and recall at a speech threshold of 0.5. Everything else goes to stderr.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import { detectionScores, frameLabels, rocAuc } from './metrics.mjs';

const SAMPLE_RATE = 16000;
const FRAME_SAMPLES = 512;
const THRESHOLD = 0.5;
const DEFAULT_DATA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data');

/** A mistake in the command line or the files it names: reported in one line, no stack. */
class UsageError extends Error {}

function readOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { model: { type: 'string' }, data: { type: 'string' } },
    }));
  } catch (error) {
    throw new UsageError(error.message);
  }
  if (!values.model) throw new UsageError('--model <path.onnx> is required');
  const model = path.resolve(values.model);
  const data = path.resolve(values.data ?? DEFAULT_DATA_DIR);
  if (!existsSync(model) || !statSync(model).isFile()) {
    throw new UsageError(`--model "${values.model}": no such file`);
  }
  if (!existsSync(path.join(data, 'labels.json'))) {
    throw new UsageError(`--data "${values.data ?? data}": no labels.json in that directory`);
  }
  return { model, data };
}

/** Reads a 16 kHz mono 16-bit PCM WAV file into float samples in [-1, 1). */
function readWav(file) {
  const bytes = readFileSync(file);
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
    throw new UsageError(`${file}: not a RIFF/WAVE file`);
  }
  let format;
  for (let offset = 12; offset + 8 <= bytes.length;) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = {
        encoding: bytes.readUInt16LE(body),
        channels: bytes.readUInt16LE(body + 2),
        rate: bytes.readUInt32LE(body + 4),
        bits: bytes.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      const { encoding, channels, rate, bits } = format ?? {};
      if (encoding !== 1 || channels !== 1 || rate !== SAMPLE_RATE || bits !== 16) {
        const found = JSON.stringify(format ?? null);
        throw new UsageError(`${file}: need 16 kHz mono 16-bit PCM, found ${found}`);
      }
      const samples = new Float32Array(Math.floor(size / 2));
      for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(body + i * 2) / 32768;
      return samples;
    }
    offset = body + size + (size % 2);
  }
  throw new UsageError(`${file}: no data chunk`);
}

/**
 * Wraps a session the way @ricky0123/vad-web feeds each Silero release. v5 and v6 (inputs
 * input/state/sr) get 512-sample frames with the last 64 samples of the previous frame
 * prepended. The legacy v4 model (inputs input/sr/h/c) gets 1536-sample windows, so each call
 * scores three 512-sample frames; a short last window is zero-padded.
 */
function sileroRunner(session) {
  const names = new Set(session.inputNames);
  const sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(SAMPLE_RATE)]), []);
  if (['input', 'state', 'sr'].every((name) => names.has(name))) return v5Runner(session, sr);
  if (['input', 'sr', 'h', 'c'].every((name) => names.has(name))) return legacyRunner(session, sr);
  const found = session.inputNames.join(', ');
  throw new UsageError(`unrecognised model inputs (${found}): expected a Silero VAD release`);
}

function v5Runner(session, sr) {
  const contextSamples = 64;
  return {
    signature: 'silero v5/v6 (input, state, sr)',
    async scoreFile(samples) {
      let state = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
      const scores = [];
      const window = new Float32Array(contextSamples + FRAME_SAMPLES);
      for (let start = 0; start + FRAME_SAMPLES <= samples.length; start += FRAME_SAMPLES) {
        window.fill(0, 0, contextSamples);
        if (start > 0) window.set(samples.subarray(start - contextSamples, start), 0);
        window.set(samples.subarray(start, start + FRAME_SAMPLES), contextSamples);
        const input = new ort.Tensor('float32', window.slice(), [1, window.length]);
        const out = await session.run({ input, state, sr });
        state = out.stateN;
        scores.push(out.output.data[0]);
      }
      return scores;
    },
  };
}

function legacyRunner(session, sr) {
  const windowFrames = 3;
  const windowSamples = windowFrames * FRAME_SAMPLES;
  return {
    signature: 'silero legacy v4 (input, sr, h, c)',
    async scoreFile(samples) {
      let h = new ort.Tensor('float32', new Float32Array(2 * 64), [2, 1, 64]);
      let c = new ort.Tensor('float32', new Float32Array(2 * 64), [2, 1, 64]);
      const frameCount = Math.floor(samples.length / FRAME_SAMPLES);
      const scores = [];
      for (let start = 0; scores.length < frameCount; start += windowSamples) {
        const window = new Float32Array(windowSamples);
        window.set(samples.subarray(start, start + windowSamples));
        const input = new ort.Tensor('float32', window, [1, windowSamples]);
        const out = await session.run({ input, sr, h, c });
        ({ hn: h, cn: c } = out);
        const probability = out.output.data[0];
        for (let k = 0; k < windowFrames && scores.length < frameCount; k++) {
          scores.push(probability);
        }
      }
      return scores;
    },
  };
}

async function loadSession(model) {
  try {
    return await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  } catch (error) {
    throw new UsageError(`${model}: ONNX Runtime could not load it: ${error.message}`);
  }
}

function readLabels(data) {
  const labelsFile = path.join(data, 'labels.json');
  let dataset;
  try {
    dataset = JSON.parse(readFileSync(labelsFile, 'utf8'));
  } catch (error) {
    throw new UsageError(`${labelsFile}: not valid JSON: ${error.message}`);
  }
  if (dataset.sampleRate !== SAMPLE_RATE || !Array.isArray(dataset.files)) {
    throw new UsageError(`${labelsFile}: expected sampleRate ${SAMPLE_RATE} and a files array`);
  }
  return dataset;
}

async function evaluate({ model, data }) {
  const dataset = readLabels(data);
  const session = await loadSession(model);
  const runner = sileroRunner(session);
  console.error(`evaluate: ${path.basename(model)} read as ${runner.signature}`);

  const allScores = [];
  const allLabels = [];
  for (const entry of dataset.files) {
    const samples = readWav(path.join(data, entry.file));
    const labels = frameLabels(entry.segments, samples.length, FRAME_SAMPLES);
    const scores = await runner.scoreFile(samples);
    const speechFrames = labels.filter(Boolean).length;
    const flagged = scores.filter((score) => score >= THRESHOLD).length;
    console.error(
      `evaluate: ${entry.file}: ${labels.length} frames, ${speechFrames} labelled speech, ` +
        `${flagged} scored speech`,
    );
    allScores.push(...scores);
    allLabels.push(...labels);
  }
  await session.release();

  const { precision, recall, f1 } = detectionScores(allScores, allLabels, THRESHOLD);
  const rocAucValue = rocAuc(allScores, allLabels);
  return { f1, roc_auc: rocAucValue, precision, recall, frames: allLabels.length };
}

try {
  const result = await evaluate(readOptions(process.argv.slice(2)));
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`evaluate: ${error.message}`);
  process.exitCode = 2;
}
