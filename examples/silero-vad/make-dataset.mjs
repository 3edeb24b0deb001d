// Builds the labelled voice-activity evaluation set in examples/silero-vad/data/.
//
// Each recording ("scene") is a bed of seeded noise (or digital silence) with utterances
// synthesised by espeak-ng placed at known offsets. The labels come from those offsets: an
// utterance's segment runs from the first to the last sample of its espeak output whose
// amplitude exceeds TRIM_FRACTION of its peak, so espeak's lead-in and tail are not labelled.
//
// Usage: node examples/silero-vad/make-dataset.mjs [--out <dir>]
// Requires espeak-ng and sox on PATH (make-dataset.sh checks both).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SAMPLE_RATE = 16000;
const TRIM_FRACTION = 0.02;
const SPEECH_RMS_DBFS = -23;
const SPEECH_RMS = 10 ** (SPEECH_RMS_DBFS / 20);
const BASE_SEED = 20240607;

const UTTERANCES = {
  fox: { voice: 'en-us', rate: 160, text: 'The quick brown fox jumps over the lazy dog.' },
  stella: {
    voice: 'en-gb+f3',
    rate: 140,
    text: 'Please call Stella and ask her to bring these things with her from the store.',
  },
  junction: {
    voice: 'en-gb-scotland+m3',
    rate: 175,
    text: 'Turn left at the next junction, then keep going for two miles.',
  },
  parcels: {
    voice: 'en-us+f2',
    rate: 190,
    text: 'Seven hundred and forty two parcels arrived on Tuesday morning.',
  },
  hear: { voice: 'en-029', rate: 150, text: 'Can you hear me clearly now?' },
  detection: {
    voice: 'en-gb-x-rp+m7',
    rate: 130,
    text: 'Voice activity detection decides which parts of a recording contain speech.',
  },
  yes: { voice: 'en-us+f4', rate: 170, text: 'Yes.' },
  thanks: { voice: 'en-gb-x-gbclan', rate: 165, text: 'Thank you, that will be all for today.' },
};

// noise: colour and signal-to-noise ratio against the speech level, or an absolute level in
// dBFS for a scene without speech. Offsets are in seconds.
const SCENES = [
  {
    name: 'silence-en-us',
    seconds: 8,
    noise: null,
    events: [
      { utterance: 'fox', at: 1.0 },
      { utterance: 'hear', at: 5.2 },
    ],
  },
  {
    name: 'white-20db',
    seconds: 7,
    noise: { colour: 'white', snrDb: 20 },
    events: [{ utterance: 'stella', at: 1.3 }],
  },
  {
    name: 'pink-10db',
    seconds: 7,
    noise: { colour: 'pink', snrDb: 10 },
    events: [
      { utterance: 'junction', at: 0.9 },
      { utterance: 'yes', at: 5.6 },
    ],
  },
  {
    name: 'brown-5db',
    seconds: 6,
    noise: { colour: 'brown', snrDb: 5 },
    events: [{ utterance: 'parcels', at: 1.6 }],
  },
  {
    name: 'white-5db',
    seconds: 7,
    noise: { colour: 'white', snrDb: 5 },
    events: [
      { utterance: 'hear', at: 0.7 },
      { utterance: 'thanks', at: 3.9 },
    ],
  },
  {
    name: 'pink-5db',
    seconds: 8,
    noise: { colour: 'pink', snrDb: 5 },
    events: [{ utterance: 'detection', at: 1.8 }],
  },
  {
    name: 'brown-15db',
    seconds: 6,
    noise: { colour: 'brown', snrDb: 15 },
    events: [
      { utterance: 'yes', at: 0.8 },
      { utterance: 'fox', at: 2.4 },
    ],
  },
  {
    name: 'pink-noise-only',
    seconds: 4,
    noise: { colour: 'pink', levelDbfs: -30 },
    events: [],
  },
];

/** Synthesises one utterance and returns it as 16 kHz float samples in [-1, 1]. */
function synthesise({ voice, rate, text }, workDir) {
  const espeakWav = path.join(workDir, 'espeak.wav');
  execFileSync('espeak-ng', ['-v', voice, '-s', String(rate), '-w', espeakWav, text]);

  // -D: no dither, so the conversion is the same on every run. -v 0.5 leaves headroom for
  // the resampler's overshoot; the level is normalised afterwards anyway.
  const pcm = execFileSync('sox', [
    '-D',
    '-v',
    '0.5',
    espeakWav,
    '-t',
    'raw',
    '-e',
    'floating-point',
    '-b',
    '32',
    '-c',
    '1',
    '-r',
    String(SAMPLE_RATE),
    '-',
  ]);
  const samples = new Float32Array(pcm.length / 4);
  for (let i = 0; i < samples.length; i++) samples[i] = pcm.readFloatLE(i * 4);
  return samples;
}

/** Cuts espeak's lead-in and tail: keeps the first..last sample above TRIM_FRACTION of peak. */
function trimSilence(samples) {
  const peak = samples.reduce((max, x) => Math.max(max, Math.abs(x)), 0);
  if (peak === 0) throw new Error('espeak-ng produced only silence');
  const threshold = peak * TRIM_FRACTION;
  let first = 0;
  while (Math.abs(samples[first]) <= threshold) first++;
  let last = samples.length - 1;
  while (Math.abs(samples[last]) <= threshold) last--;
  return samples.slice(first, last + 1);
}

function rms(samples) {
  let sum = 0;
  for (const x of samples) sum += x * x;
  return Math.sqrt(sum / samples.length);
}

function scaleTo(samples, targetRms) {
  const gain = targetRms / rms(samples);
  return samples.map((x) => x * gain);
}

/** mulberry32: a small seeded generator, so the noise is the same on every run. */
function seededUniform(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seededGaussian(seed) {
  const uniform = seededUniform(seed);
  return () => {
    const u = 1 - uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}

/** White, pink (Paul Kellet's filter) or brown (leaky integrator) noise, unscaled. */
function colouredNoise(colour, length, seed) {
  const white = seededGaussian(seed);
  const out = new Float32Array(length);
  const b = [0, 0, 0, 0, 0, 0, 0];
  let brown = 0;
  for (let i = 0; i < length; i++) {
    const w = white();
    if (colour === 'white') {
      out[i] = w;
    } else if (colour === 'pink') {
      b[0] = 0.99886 * b[0] + w * 0.0555179;
      b[1] = 0.99332 * b[1] + w * 0.0750759;
      b[2] = 0.969 * b[2] + w * 0.153852;
      b[3] = 0.8665 * b[3] + w * 0.3104856;
      b[4] = 0.55 * b[4] + w * 0.5329522;
      b[5] = -0.7616 * b[5] - w * 0.016898;
      out[i] = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + w * 0.5362;
      b[6] = w * 0.115926;
    } else if (colour === 'brown') {
      brown = 0.995 * brown + w;
      out[i] = brown;
    } else {
      throw new Error(`unknown noise colour "${colour}"`);
    }
  }
  return out;
}

function noiseBed(noise, length, seed) {
  if (noise === null) return new Float32Array(length);
  const level =
    noise.snrDb !== undefined
      ? SPEECH_RMS / 10 ** (noise.snrDb / 20)
      : 10 ** (noise.levelDbfs / 20);
  return scaleTo(colouredNoise(noise.colour, length, seed), level);
}

function toWav(samples) {
  const data = Buffer.alloc(samples.length * 2);
  let clipped = 0;
  for (let i = 0; i < samples.length; i++) {
    const value = Math.round(samples[i] * 32767);
    if (Math.abs(value) > 32767) clipped++;
    data.writeInt16LE(Math.max(-32768, Math.min(32767, value)), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return { wav: Buffer.concat([header, data]), clipped };
}

function renderScene(scene, index, speech) {
  const length = Math.round(scene.seconds * SAMPLE_RATE);
  const mix = noiseBed(scene.noise, length, BASE_SEED + index);
  const segments = [];
  for (const { utterance, at } of scene.events) {
    const samples = speech[utterance];
    const start = Math.round(at * SAMPLE_RATE);
    const end = start + samples.length;
    if (end > length) throw new Error(`${scene.name}: "${utterance}" runs past the end`);
    for (let i = 0; i < samples.length; i++) mix[start + i] += samples[i];
    segments.push({
      startSample: start,
      endSample: end,
      start: start / SAMPLE_RATE,
      end: end / SAMPLE_RATE,
      utterance,
      ...UTTERANCES[utterance],
    });
  }
  return { mix, segments };
}

function espeakVersion() {
  return execFileSync('espeak-ng', ['--version'])
    .toString()
    .trim()
    .split(/\s+Data at/)[0];
}

function parseOutDir(argv) {
  const i = argv.indexOf('--out');
  if (i === -1) return path.join(path.dirname(fileURLToPath(import.meta.url)), 'data');
  if (!argv[i + 1]) throw new Error('--out needs a directory');
  return path.resolve(argv[i + 1]);
}

function main() {
  const outDir = parseOutDir(process.argv.slice(2));
  const workDir = mkdtempSync(path.join(tmpdir(), 'silero-vad-dataset-'));
  const speech = {};
  try {
    for (const [id, spec] of Object.entries(UTTERANCES)) {
      speech[id] = scaleTo(trimSilence(synthesise(spec, workDir)), SPEECH_RMS);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }

  mkdirSync(outDir, { recursive: true });
  const files = SCENES.map((scene, index) => {
    const { mix, segments } = renderScene(scene, index, speech);
    const { wav, clipped } = toWav(mix);
    if (clipped > 0) console.error(`${scene.name}: ${clipped} samples clipped`);
    writeFileSync(path.join(outDir, `${scene.name}.wav`), wav);
    return {
      file: `${scene.name}.wav`,
      samples: mix.length,
      seconds: scene.seconds,
      noise: scene.noise,
      segments,
    };
  });

  const labels = {
    sampleRate: SAMPLE_RATE,
    generator: {
      script: 'make-dataset.mjs',
      espeak: espeakVersion(),
      seed: BASE_SEED,
      speechRmsDbfs: SPEECH_RMS_DBFS,
      trimFraction: TRIM_FRACTION,
    },
    files,
  };
  writeFileSync(path.join(outDir, 'labels.json'), `${JSON.stringify(labels, null, 2)}\n`);
  console.error(`wrote ${files.length} recordings and labels.json to ${outDir}`);
}

main();
