import { createHash } from 'node:crypto';

const MAX_TAG_LENGTH = 128;
const HASH_LENGTH = 8;

/**
 * Turns a git ref or branch name into a valid OCI image tag
 * (`[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`). `refs/heads/` and `refs/tags/` are dropped,
 * `refs/pull/N/merge` becomes `pr-N`, every run of other characters becomes one `-`.
 * Case is kept (tags are case-sensitive). A name too long keeps its start plus a short hash
 * of the whole text, so two long names stay apart; a name with nothing usable becomes
 * `ref-<hash>`. The same text always gives the same tag.
 */
export function sanitizeTag(text: string): string {
  const pullRequest = /^refs\/pull\/(\d+)\/(?:merge|head)$/.exec(text);
  if (pullRequest) return `pr-${pullRequest[1]}`;

  const name = text
    .replace(/^refs\/(?:heads|tags)\//, '')
    .replace(/^refs\//, '')
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/-{2,}/g, '-');
  const tag = trimEnds(name);
  if (tag === '') return `ref-${shortHash(text)}`;
  if (tag.length <= MAX_TAG_LENGTH) return tag;

  const kept = trimEnds(tag.slice(0, MAX_TAG_LENGTH - HASH_LENGTH - 1));
  return `${kept}-${shortHash(text)}`;
}

/** Tags must start with a letter, digit or `_`; a trailing `-` or `.` is dropped for looks. */
function trimEnds(name: string): string {
  return name.replace(/^[.-]+/, '').replace(/[.-]+$/, '');
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, HASH_LENGTH);
}

/**
 * The version a tag ref names: `refs/tags/v1.2.3` → `1.2.3`, `refs/tags/1.2.3` → `1.2.3`.
 * The text is kept exactly as written (`v1.10.0` stays `1.10.0`, `01.2` stays `01.2`): it is
 * never parsed as a number. Refs that are not tags, or tags that do not start with a digit
 * (after an optional `v`), give undefined.
 */
export function versionTagFromRef(ref: string): string | undefined {
  const match = /^refs\/tags\/[vV]?(\d[0-9A-Za-z.+_-]*)$/.exec(ref);
  return match?.[1];
}
