// Pull request comments against a fake GitHub: a local HTTP server that stands in for the
// GitHub REST API and checks every request against GitHub's published OpenAPI description
// (test/support/fake-github.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLog } from '@envoy/core';
import { commentMarker, upsertPullRequestComment } from '../src/index.js';
import { ACTIONS_BOT, FakeGitHub, type FakeUser } from '../../../test/support/fake-github.js';
import { fakeClient } from './fake-client.js';

const PERSON: FakeUser = { login: 'octocat', id: 583231, type: 'User' };
const where = { owner: 'acme', repo: 'models', issueNumber: 7 };

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function upsert(
  github: FakeGitHub,
  model: string,
  target: string,
  body: string,
  token?: string,
) {
  const { client, log } = fakeClient(github, { token });
  return upsertPullRequestComment(client, { ...where, model, target, body, log });
}

describe('commentMarker', () => {
  it('names the model and the target in a hidden HTML comment', () => {
    expect(commentMarker('vad', 'l4')).toBe('<!-- envoy-gate model="vad" target="l4" -->');
  });

  it.each([
    ['a"b', 'a&#34;b'],
    ['x-->y', 'x-&#45;&#62;y'],
    ['<tag>', '&#60;tag&#62;'],
    ['line\nbreak', 'line&#10;break'],
  ])('escapes %j so it cannot end the comment early', (model, escaped) => {
    const marker = commentMarker(model, 't');
    expect(marker).toBe(`<!-- envoy-gate model="${escaped}" target="t" -->`);
    expect(marker.indexOf('-->')).toBe(marker.length - 3);
  });
});

describe('upsertPullRequestComment', () => {
  it('creates one comment, and a rerun edits it instead of adding another', async () => {
    fake = await FakeGitHub.start();

    const first = await upsert(fake, 'vad', 'l4', 'p99 12 ms');
    const second = await upsert(fake, 'vad', 'l4', 'p99 10 ms');

    expect(first.action).toBe('created');
    expect(second).toEqual({ id: first.id, action: 'updated' });
    const comments = fake.issueComments('acme', 'models', 7);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toBe(`${commentMarker('vad', 'l4')}\np99 10 ms`);
    expect(comments[0]!.user.login).toBe('github-actions[bot]');
    expect(fake.requestsTo('issues/create-comment')).toHaveLength(1);
    expect(fake.requestsTo('issues/update-comment')).toHaveLength(1);
  });

  it('cuts a report longer than GitHub allows and says so, keeping the marker', async () => {
    fake = await FakeGitHub.start();
    await upsert(fake, 'vad', 'l4', '| rule |\n'.repeat(20_000));
    const [comment] = fake.issueComments('acme', 'models', 7);
    expect(comment!.body.length).toBe(65_535);
    expect(comment!.body.startsWith(commentMarker('vad', 'l4'))).toBe(true);
    expect(comment!.body).toMatch(/report cut to fit GitHub’s limit/);
  });

  it('leaves a person’s comment that quotes the marker alone and writes its own', async () => {
    fake = await FakeGitHub.start();
    const quoted = `Why does this say\n> ${commentMarker('vad', 'l4')}\n?`;
    const person = fake.addIssueComment({ ...where, body: quoted, user: PERSON });

    const result = await upsert(fake, 'vad', 'l4', 'report');
    await upsert(fake, 'vad', 'l4', 'report again');

    expect(result.action).toBe('created');
    expect(person.body).toBe(quoted);
    const bodies = fake.issueComments('acme', 'models', 7).map((comment) => comment.body);
    expect(bodies).toEqual([quoted, `${commentMarker('vad', 'l4')}\nreport again`]);
  });

  it('keeps one comment per model and target', async () => {
    fake = await FakeGitHub.start();

    await upsert(fake, 'vad', 'l4', 'a');
    await upsert(fake, 'vad', 'cpu', 'b');
    await upsert(fake, 'asr', 'l4', 'c');
    await upsert(fake, 'vad', 'cpu', 'b2');

    const bodies = fake.issueComments('acme', 'models', 7).map((comment) => comment.body);
    expect(bodies).toEqual([
      `${commentMarker('vad', 'l4')}\na`,
      `${commentMarker('vad', 'cpu')}\nb2`,
      `${commentMarker('asr', 'l4')}\nc`,
    ]);
  });

  it('finds its comment on a later page of a long conversation', async () => {
    fake = await FakeGitHub.start();
    for (let index = 0; index < 130; index++) {
      fake.addIssueComment({ ...where, body: `chatter ${index}`, user: PERSON });
    }
    await upsert(fake, 'vad', 'l4', 'first');
    await upsert(fake, 'vad', 'l4', 'second');

    expect(fake.issueComments('acme', 'models', 7)).toHaveLength(131);
    const pages = fake.requestsTo('issues/list-comments').map((request) => request.query['page']);
    expect(pages).toEqual([undefined, '2', undefined, '2']);
  });

  it('with a personal token, matches comments by the account GET /user names', async () => {
    const owner: FakeUser = { login: 'release-bot-user', id: 777, type: 'User' };
    fake = await FakeGitHub.start({ tokens: { ghp_personal: owner, ghs_actions: ACTIONS_BOT } });
    const botComment = await upsert(fake, 'vad', 'l4', 'from actions', 'ghs_actions');

    const first = await upsert(fake, 'vad', 'l4', 'from pat', 'ghp_personal');
    const second = await upsert(fake, 'vad', 'l4', 'from pat again', 'ghp_personal');

    expect(first.action).toBe('created');
    expect(second).toEqual({ id: first.id, action: 'updated' });
    const comments = fake.issueComments('acme', 'models', 7);
    expect(comments.map((comment) => [comment.id, comment.user.login])).toEqual([
      [botComment.id, 'github-actions[bot]'],
      [first.id, 'release-bot-user'],
    ]);
    expect(comments[0]!.body).toContain('from actions');
  });

  it('with the Actions token, GET /user answers 403 and the bot login is used', async () => {
    fake = await FakeGitHub.start();
    const log = new MemoryLog();
    const { client } = fakeClient(fake, { log });

    await upsertPullRequestComment(client, { ...where, model: 'm', target: 't', body: 'x', log });

    expect(fake.requestsTo('users/get-authenticated').map((request) => request.status)).toEqual([
      403,
    ]);
    expect(log.lines.join('\n')).toContain('matching comments by github-actions[bot]');
  });

  it('does not take a person’s comment for the bot’s even if the login matches', async () => {
    fake = await FakeGitHub.start();
    const impostor: FakeUser = { login: 'github-actions[bot]', id: 1, type: 'User' };
    fake.addIssueComment({ ...where, body: `${commentMarker('m', 't')}\nfake`, user: impostor });

    const result = await upsert(fake, 'm', 't', 'real');

    expect(result.action).toBe('created');
    expect(fake.issueComments('acme', 'models', 7)[0]!.body).toContain('fake');
  });

  it('fails when GitHub refuses for another reason than GET /user', async () => {
    fake = await FakeGitHub.start({ tokens: { good: PERSON } });
    await expect(upsert(fake, 'm', 't', 'x', 'bad')).rejects.toMatchObject({ status: 401 });
    expect(fake.issueComments('acme', 'models', 7)).toHaveLength(0);
  });
});
