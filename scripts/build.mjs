#!/usr/bin/env node
// Bundles every action, the root action, the inference server and the command line with ncc.
// Usage: node scripts/build.mjs [--out-root DIR] [--only TEXT]
//   --out-root DIR  build into a copy, for the dist check
//   --only TEXT     build only the bundles whose output folder contains TEXT (e.g. dist/cli)
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import ncc from '@vercel/ncc';
import { BUNDLES, EXTERNALS } from './bundles.mjs';

const outRootIndex = process.argv.indexOf('--out-root');
const outRoot = outRootIndex > 0 ? process.argv[outRootIndex + 1] : '.';
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex > 0 ? process.argv[onlyIndex + 1] : '';

async function buildBundle(bundle) {
  const { code, assets } = await ncc(join(process.cwd(), bundle.entry), {
    externals: EXTERNALS,
    transpileOnly: true,
    minify: false,
    sourceMap: false,
    quiet: true,
    license: 'licenses.txt',
  });
  const out = join(outRoot, bundle.out);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'index.js'), code);
  for (const [name, asset] of Object.entries(assets)) {
    await mkdir(dirname(join(out, name)), { recursive: true });
    await writeFile(join(out, name), asset.source);
  }
  console.log(
    `built ${bundle.name}: ${bundle.out}/index.js (${Math.round(code.length / 1024)} kB)`,
  );
}

// Outer folders first: clearing dist/ must not remove dist/serve once it is built.
const ordered = BUNDLES.filter((bundle) => bundle.out.includes(only)).sort(
  (a, b) => a.out.split('/').length - b.out.split('/').length,
);
for (const bundle of ordered) await buildBundle(bundle);
