import { describe, expect, it } from 'vitest';
import { sanitizeTag, versionTagFromRef } from '../src/index.js';

const OCI_TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

describe('sanitizeTag', () => {
  it.each([
    ['main', 'main'],
    ['refs/heads/main', 'main'],
    ['refs/heads/feature/#42-x', 'feature-42-x'],
    ['refs/tags/v1.2.3', 'v1.2.3'],
    ['refs/pull/17/merge', 'pr-17'],
    ['refs/pull/17/head', 'pr-17'],
    ['Feature/UPPER_Case', 'Feature-UPPER_Case'],
    ['--leading-dashes', 'leading-dashes'],
    ['..hidden', 'hidden'],
    ['.-._x', '_x'],
    ['trailing.', 'trailing'],
    ['a  b\tc', 'a-b-c'],
    ['dependabot/npm_and_yarn/ajv-8.2.0', 'dependabot-npm_and_yarn-ajv-8.2.0'],
    ['ünïcödé/名前', 'n-c-d'],
    ['refs/remotes/origin/x', 'remotes-origin-x'],
  ])('%j → %j', (text, tag) => {
    expect(sanitizeTag(text)).toBe(tag);
    expect(tag).toMatch(OCI_TAG);
  });

  it.each(['', '///', '###', '-', '名前', 'refs/heads/'])(
    'never gives an empty tag, even for %j',
    (text) => {
      const tag = sanitizeTag(text);
      expect(tag).toMatch(/^ref-[0-9a-f]{8}$/);
      expect(sanitizeTag(text)).toBe(tag);
    },
  );

  it('keeps two unusable names apart', () => {
    expect(sanitizeTag('###')).not.toBe(sanitizeTag('///'));
  });

  it.each([
    ['a'.repeat(200)],
    [`feature/${'x'.repeat(125)}`],
    [`${'y'.repeat(119)}.-.-.-${'z'.repeat(20)}`],
  ])('shortens a long name to 128 characters with a hash (%#)', (text) => {
    const tag = sanitizeTag(text);
    expect(tag).toMatch(OCI_TAG);
    expect(tag.length).toBeLessThanOrEqual(128);
    expect(tag).toMatch(/-[0-9a-f]{8}$/);
    expect(sanitizeTag(text)).toBe(tag);
  });

  it('keeps long names that differ only at the end apart', () => {
    const stem = 'refs/heads/' + 'long-branch-name-'.repeat(10);
    expect(sanitizeTag(`${stem}one`)).not.toBe(sanitizeTag(`${stem}two`));
  });

  it('leaves a 128-character name as it is', () => {
    const name = 'n'.repeat(128);
    expect(sanitizeTag(name)).toBe(name);
  });
});

describe('versionTagFromRef', () => {
  it.each([
    ['refs/tags/v1.2.3', '1.2.3'],
    ['refs/tags/1.2.3', '1.2.3'],
    ['refs/tags/V2.0', '2.0'],
    ['refs/tags/v1.10.0', '1.10.0'],
    ['refs/tags/v1.2.0', '1.2.0'],
    ['refs/tags/v01.02', '01.02'],
    ['refs/tags/v2.0.0-rc.1+build.5', '2.0.0-rc.1+build.5'],
    ['refs/tags/3', '3'],
  ])('%j → %j, exactly as written', (ref, version) => {
    expect(versionTagFromRef(ref)).toBe(version);
  });

  it.each([
    'refs/heads/v1.2.3',
    'v1.2.3',
    'refs/tags/simple-tag',
    'refs/tags/v',
    'refs/tags/release-1.0',
    'refs/pull/3/merge',
  ])('%j names no version', (ref) => {
    expect(versionTagFromRef(ref)).toBeUndefined();
  });
});
