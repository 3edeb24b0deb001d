import type { Log } from '@envoy/core';
import type { GitHubClient } from './client.js';
import { fitMarkdown } from './limits.js';

/** The account the Actions GITHUB_TOKEN writes as. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

/**
 * The hidden HTML comment that marks Envoy's gate comment for one model and one target.
 * Values are escaped so that no name can close the comment or the attribute early.
 */
export function commentMarker(model: string, target: string): string {
  return `<!-- envoy-gate model="${escapeMarkerValue(model)}" target="${escapeMarkerValue(target)}" -->`;
}

function escapeMarkerValue(value: string): string {
  return value
    .replace(/[&"<>\r\n]/g, (character) => `&#${character.charCodeAt(0)};`)
    .replace(/--/g, '-&#45;');
}

export interface UpsertCommentArgs {
  owner: string;
  repo: string;
  issueNumber: number;
  model: string;
  target: string;
  /** Markdown; the marker is put in front of it. */
  body: string;
  log: Log;
  /**
   * Who writes when `GET /user` is forbidden, as it is for the Actions GITHUB_TOKEN and for
   * GitHub App tokens (`<app-slug>[bot]`). Default `github-actions[bot]`.
   */
  botLogin?: string;
}

/** The account behind the token: matched by id when GitHub tells us, else by bot login. */
type Author = { id: number } | { botLogin: string };

/**
 * Edits Envoy's comment for this model and target on a pull request, or creates it when there
 * is none. A comment counts as Envoy's only when it carries the marker AND was written by the
 * token's own account, so a person quoting the marker is never edited.
 */
export async function upsertPullRequestComment(
  client: GitHubClient,
  args: UpsertCommentArgs,
): Promise<{ id: number; action: 'created' | 'updated' }> {
  const { owner, repo, issueNumber, log } = args;
  const marker = commentMarker(args.model, args.target);
  const body = fitMarkdown(`${marker}\n${args.body}`);
  const author = await tokenAuthor(client, args.botLogin ?? ACTIONS_BOT_LOGIN, log);

  const comments = await client.paginate(client.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  const ours = comments.filter(
    (comment) => comment.body?.includes(marker) && writtenBy(comment.user, author),
  );
  log.debug(`${comments.length} comments on #${issueNumber}, ${ours.length} written by Envoy`);

  const existing = ours[0];
  if (existing) {
    const { data } = await client.rest.issues.updateComment({
      owner,
      repo,
      comment_id: existing.id,
      body,
    });
    log.info(`Updated the gate comment on #${issueNumber}: ${data.html_url}`);
    return { id: data.id, action: 'updated' };
  }
  const { data } = await client.rest.issues.createComment({
    owner,
    repo,
    issue_number: issueNumber,
    body,
  });
  log.info(`Commented on #${issueNumber}: ${data.html_url}`);
  return { id: data.id, action: 'created' };
}

/** `GET /user` names a personal token's account; it answers 403 to app and Actions tokens. */
async function tokenAuthor(client: GitHubClient, botLogin: string, log: Log): Promise<Author> {
  try {
    const { data } = await client.rest.users.getAuthenticated();
    log.debug(`The token belongs to ${data.login}`);
    return { id: data.id };
  } catch (error) {
    if ((error as { status?: number }).status !== 403) throw error;
    log.debug(`GET /user is forbidden for this token; matching comments by ${botLogin}`);
    return { botLogin };
  }
}

function writtenBy(
  user: { id: number; login: string; type: string } | null | undefined,
  author: Author,
): boolean {
  if (!user) return false;
  if ('id' in author) return user.id === author.id;
  return user.type === 'Bot' && user.login.toLowerCase() === author.botLogin.toLowerCase();
}
