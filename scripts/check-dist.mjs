#!/usr/bin/env node
// Fails when a committed bundle differs from a fresh build, naming each stale one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BUNDLES } from './bundles.mjs';

const fresh = mkdtempSync(join(tmpdir(), 'envoy-dist-'));
execFileSync(process.execPath, ['scripts/build.mjs', '--out-root', fresh], { stdio: 'inherit' });

function files(root) {
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** A bundle's own files, leaving out the bundles nested inside its folder. */
function ownFiles(root, out) {
  const nested = BUNDLES.map((b) => b.out).filter((o) => o.startsWith(`${out}/`));
  return files(join(root, out))
    .map((path) => relative(join(root, out), path))
    .filter((path) => !nested.some((o) => `${out}/${path}`.startsWith(`${o}/`)))
    .sort();
}

const stale = BUNDLES.filter((bundle) => {
  const committed = ownFiles('.', bundle.out);
  const built = ownFiles(fresh, bundle.out);
  if (committed.join('\n') !== built.join('\n')) return true;
  return built.some((path) => {
    const a = readFileSync(join(fresh, bundle.out, path));
    const b = readFileSync(join(bundle.out, path));
    return !a.equals(b);
  });
});

if (stale.length > 0) {
  for (const bundle of stale) {
    console.error(
      `stale bundle: ${bundle.name} (${bundle.out}) differs from a fresh build of ${bundle.entry}`,
    );
  }
  console.error('Run "npm run build" and commit the dist folders.');
  process.exit(1);
}
console.log(`dist check: all ${BUNDLES.length} bundles match a fresh build`);
