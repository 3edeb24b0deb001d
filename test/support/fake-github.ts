// A fake GitHub REST API for tests. It stands in for api.github.com on 127.0.0.1 (random
// port; tests point GITHUB_API_URL or the client's apiUrl at `fake.url`). Every request is
// checked against GitHub's published OpenAPI description (npm @octokit/openapi, see
// github-openapi.ts): an unknown method or path answers 404 as GitHub does, a JSON body the
// operation's requestBody schema rejects answers 422 "Validation Failed", a request without
// an `authorization` header answers 401. The fake's own answers are validated against the
// documented response schemas too, so a payload that drifts from GitHub's shape fails loudly.
// It keeps issue comments, check runs (with annotations), deployments and deployment statuses
// in memory, records every request for assertions, and can answer the next N calls of an
// operation with a 5xx or a rate limit. A test helper only: nothing in src/ imports it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { githubOpenApi, type Operation } from './github-openapi.js';

export interface FakeUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

/** The account behind the Actions GITHUB_TOKEN. */
export const ACTIONS_BOT: FakeUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** GitHub's operationId (`issues/create-comment`), when the route exists. */
  operationId?: string;
  /** What the fake answered. */
  status: number;
}

export type Fault =
  | { kind: 'server-error'; status?: 500 | 502 | 503 | 504 }
  /** The hourly limit: 403 with x-ratelimit-remaining: 0 and x-ratelimit-reset. */
  | { kind: 'rate-limit'; resetInSeconds?: number }
  /** The abuse limit: 403 (or 429) with retry-after. */
  | { kind: 'secondary-rate-limit'; retryAfter?: number; status?: 403 | 429 };

export interface FakeGitHubOptions {
  /**
   * The account behind each accepted token; any other token answers 401 "Bad credentials".
   * Default: every token is the Actions GITHUB_TOKEN. A Bot account gets 403 from GET /user,
   * as GitHub answers tokens of apps.
   */
  tokens?: Record<string, FakeUser>;
  /** Where html_url links point. Default https://github.com. */
  serverUrl?: string;
}

export interface FakeIssueComment {
  id: number;
  owner: string;
  repo: string;
  issueNumber: number;
  body: string;
  user: FakeUser;
  createdAt: string;
  updatedAt: string;
}

export interface FakeCheckRun {
  id: number;
  owner: string;
  repo: string;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: JsonObject[];
  detailsUrl: string | null;
  externalId: string | null;
  startedAt: string;
  completedAt: string | null;
}

export interface FakeDeployment {
  id: number;
  owner: string;
  repo: string;
  ref: string;
  sha: string;
  task: string;
  environment: string;
  description: string | null;
  payload: JsonObject | string;
  transientEnvironment: boolean;
  productionEnvironment: boolean;
  creator: FakeUser;
  createdAt: string;
  statuses: FakeDeploymentStatus[];
}

export interface FakeDeploymentStatus {
  id: number;
  state: string;
  description: string;
  environment: string;
  environmentUrl: string;
  logUrl: string;
  creator: FakeUser;
  createdAt: string;
}

type JsonObject = Record<string, unknown>;

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Call {
  operation: Operation;
  body: JsonObject;
  query: Record<string, string>;
  account: FakeUser;
  url: URL;
}

type Handler = (call: Call) => Answer;

const DOCS = 'https://docs.github.com/rest';

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly comments: FakeIssueComment[] = [];
  readonly checkRuns: FakeCheckRun[] = [];
  readonly deployments: FakeDeployment[] = [];
  private readonly faults = new Map<string, Fault[]>();
  private readonly serverUrl: string;
  private nextId = 1000;
  private readonly handlers: Record<string, Handler> = {
    'users/get-authenticated': (call) => this.getAuthenticatedUser(call),
    'issues/list-comments': (call) => this.listComments(call),
    'issues/create-comment': (call) => this.createComment(call),
    'issues/get-comment': (call) => this.getComment(call),
    'issues/update-comment': (call) => this.updateComment(call),
    'checks/create': (call) => this.createCheckRun(call),
    'checks/update': (call) => this.updateCheckRun(call),
    'checks/get': (call) => this.getCheckRun(call),
    'checks/list-annotations': (call) => this.listAnnotations(call),
    'repos/create-deployment': (call) => this.createDeployment(call),
    'repos/list-deployments': (call) => this.listDeployments(call),
    'repos/get-deployment': (call) => this.getDeployment(call),
    'repos/create-deployment-status': (call) => this.createDeploymentStatus(call),
    'repos/list-deployment-statuses': (call) => this.listDeploymentStatuses(call),
  };

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: FakeGitHubOptions,
  ) {
    this.serverUrl = options.serverUrl ?? 'https://github.com';
  }

  /** Starts the fake on 127.0.0.1 at a free port. */
  static async start(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
    githubOpenApi();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeGitHub(server, `http://127.0.0.1:${port}`, options);
    server.on('request', (request, response) => void fake.serve(request, response));
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  /** Requests made to one operation, e.g. `issues/create-comment`. */
  requestsTo(operationId: string): RecordedRequest[] {
    return this.requests.filter((request) => request.operationId === operationId);
  }

  /** The next `count` calls of `operationId` answer with `fault` instead of the real thing. */
  failNext(operationId: string, count: number, fault: Fault): void {
    const queue = this.faults.get(operationId) ?? [];
    for (let index = 0; index < count; index++) queue.push(fault);
    this.faults.set(operationId, queue);
  }

  /** A comment written by someone (a person, another bot) directly, as if through the UI. */
  addIssueComment(args: {
    owner: string;
    repo: string;
    issueNumber: number;
    body: string;
    user: FakeUser;
  }): FakeIssueComment {
    const now = new Date().toISOString();
    const comment = { ...args, id: this.newId(), createdAt: now, updatedAt: now };
    this.comments.push(comment);
    return comment;
  }

  issueComments(owner: string, repo: string, issueNumber: number): FakeIssueComment[] {
    return this.comments.filter(
      (comment) =>
        comment.owner === owner && comment.repo === repo && comment.issueNumber === issueNumber,
    );
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const method = request.method ?? 'GET';
    const text = await readBody(request);
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: parseJson(text),
      headers: { ...request.headers },
      status: 0,
    };
    this.requests.push(record);
    let answer: Answer;
    try {
      answer = this.answer(method, url, text, record);
    } catch (error) {
      answer = failure(500, `fake GitHub failed: ${(error as Error).stack ?? String(error)}`);
    }
    record.status = answer.status;
    response.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-request-id': `FAKE:${this.requests.length}`,
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-resource': 'core',
      ...answer.headers,
    });
    response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  }

  private answer(method: string, url: URL, text: string, record: RecordedRequest): Answer {
    const contract = githubOpenApi();
    const operation = contract.match(method, url.pathname);
    if (!operation) return failure(404, 'Not Found');
    record.operationId = operation.operationId;

    const account = this.authenticate(record.headers['authorization']);
    if (typeof account === 'string') return failure(401, account);

    const fault = this.faults.get(operation.operationId)?.shift();
    if (fault) return faultAnswer(fault);

    if (text !== '' && record.body === undefined) return failure(400, 'Problems parsing JSON');
    const body = (record.body ?? {}) as JsonObject;
    if (contract.hasRequestBody(operation)) {
      const errors = contract.requestBodyErrors(operation, body);
      if (errors.length > 0) return validationFailed(operation, errors);
    }

    const handler = this.handlers[operation.operationId];
    if (!handler) return failure(501, `fake GitHub does not implement ${operation.operationId}`);
    const answer = handler({ operation, body, query: record.query, account, url });
    if (answer.status < 300) this.checkOwnAnswer(operation, answer);
    return answer;
  }

  /** The fake's answers must match GitHub's documented responses, or tests would prove little. */
  private checkOwnAnswer(operation: Operation, answer: Answer): void {
    const problems = githubOpenApi().responseErrors(operation, answer.status, answer.body);
    if (problems.length > 0) {
      throw new Error(
        `fake answer to ${operation.operationId} breaks the OpenAPI description: ${problems.slice(0, 5).join('; ')}`,
      );
    }
  }

  private authenticate(header: string | string[] | undefined): FakeUser | string {
    if (typeof header !== 'string' || header.trim() === '') return 'Requires authentication';
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(header.trim())?.[1];
    if (!token) return 'Bad credentials';
    if (!this.options.tokens) return ACTIONS_BOT;
    return this.options.tokens[token] ?? 'Bad credentials';
  }

  private newId(): number {
    return this.nextId++;
  }

  // --- users ---------------------------------------------------------------------------

  private getAuthenticatedUser({ account }: Call): Answer {
    if (account.type === 'Bot') return failure(403, 'Resource not accessible by integration');
    return { status: 200, body: privateUser(account, this.serverUrl, this.url) };
  }

  // --- issue comments ------------------------------------------------------------------

  private listComments({ operation, query, url }: Call): Answer {
    const { owner, repo, issue_number } = operation.params;
    const all = this.issueComments(owner!, repo!, Number(issue_number));
    return paginated(all, query, url, (comment) => this.commentJson(comment));
  }

  private createComment({ operation, body, account }: Call): Answer {
    const { owner, repo, issue_number } = operation.params;
    const comment = this.addIssueComment({
      owner: owner!,
      repo: repo!,
      issueNumber: Number(issue_number),
      body: String(body['body']),
      user: account,
    });
    return { status: 201, body: this.commentJson(comment) };
  }

  private getComment({ operation }: Call): Answer {
    const comment = this.findComment(operation);
    return comment ? { status: 200, body: this.commentJson(comment) } : failure(404, 'Not Found');
  }

  /** GitHub lets anyone with write access edit any comment; the fake does too. */
  private updateComment({ operation, body }: Call): Answer {
    const comment = this.findComment(operation);
    if (!comment) return failure(404, 'Not Found');
    comment.body = String(body['body']);
    comment.updatedAt = new Date().toISOString();
    return { status: 200, body: this.commentJson(comment) };
  }

  private findComment(operation: Operation): FakeIssueComment | undefined {
    const { owner, repo, comment_id } = operation.params;
    return this.comments.find(
      (comment) =>
        comment.owner === owner && comment.repo === repo && comment.id === Number(comment_id),
    );
  }

  private commentJson(comment: FakeIssueComment): JsonObject {
    const repoUrl = `${this.url}/repos/${comment.owner}/${comment.repo}`;
    return {
      id: comment.id,
      node_id: nodeId('IC', comment.id),
      url: `${repoUrl}/issues/comments/${comment.id}`,
      html_url: `${this.serverUrl}/${comment.owner}/${comment.repo}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
      issue_url: `${repoUrl}/issues/${comment.issueNumber}`,
      body: comment.body,
      user: simpleUser(comment.user, this.serverUrl, this.url),
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      author_association: comment.user.type === 'Bot' ? 'NONE' : 'MEMBER',
    };
  }

  // --- check runs ----------------------------------------------------------------------

  private createCheckRun({ operation, body }: Call): Answer {
    const { owner, repo } = operation.params;
    const now = new Date().toISOString();
    const conclusion = (body['conclusion'] as string | undefined) ?? null;
    const status = conclusion ? 'completed' : ((body['status'] as string | undefined) ?? 'queued');
    if (status === 'completed' && !conclusion) {
      return failure(422, 'Invalid request: conclusion is required when status is completed');
    }
    const run: FakeCheckRun = {
      id: this.newId(),
      owner: owner!,
      repo: repo!,
      name: String(body['name']),
      headSha: String(body['head_sha']),
      status,
      conclusion,
      output: { title: null, summary: null, text: null },
      annotations: [],
      detailsUrl: (body['details_url'] as string | undefined) ?? null,
      externalId: (body['external_id'] as string | undefined) ?? null,
      startedAt: (body['started_at'] as string | undefined) ?? now,
      completedAt: status === 'completed' ? ((body['completed_at'] as string) ?? now) : null,
    };
    this.applyOutput(run, body['output'] as JsonObject | undefined);
    this.checkRuns.push(run);
    return { status: 201, body: this.checkRunJson(run) };
  }

  private updateCheckRun({ operation, body }: Call): Answer {
    const run = this.findCheckRun(operation);
    if (!run) return failure(404, 'Not Found');
    if (typeof body['name'] === 'string') run.name = body['name'];
    if (typeof body['conclusion'] === 'string') {
      run.conclusion = body['conclusion'];
      run.status = 'completed';
      run.completedAt ??= new Date().toISOString();
    } else if (typeof body['status'] === 'string') {
      run.status = body['status'];
    }
    this.applyOutput(run, body['output'] as JsonObject | undefined);
    return { status: 200, body: this.checkRunJson(run) };
  }

  private getCheckRun({ operation }: Call): Answer {
    const run = this.findCheckRun(operation);
    return run ? { status: 200, body: this.checkRunJson(run) } : failure(404, 'Not Found');
  }

  private listAnnotations({ operation, query, url }: Call): Answer {
    const run = this.findCheckRun(operation);
    if (!run) return failure(404, 'Not Found');
    const blobUrl = `${this.serverUrl}/${run.owner}/${run.repo}/blob/${run.headSha}`;
    return paginated(run.annotations, query, url, (annotation) => ({
      path: annotation['path'],
      start_line: annotation['start_line'],
      end_line: annotation['end_line'],
      start_column: annotation['start_column'] ?? null,
      end_column: annotation['end_column'] ?? null,
      annotation_level: annotation['annotation_level'],
      title: annotation['title'] ?? null,
      message: annotation['message'],
      raw_details: annotation['raw_details'] ?? null,
      blob_href: `${blobUrl}/${String(annotation['path'])}`,
    }));
  }

  /** GitHub replaces title, summary and text, and appends annotations. */
  private applyOutput(run: FakeCheckRun, output: JsonObject | undefined): void {
    if (!output) return;
    if (typeof output['title'] === 'string') run.output.title = output['title'];
    if (typeof output['summary'] === 'string') run.output.summary = output['summary'];
    if (typeof output['text'] === 'string') run.output.text = output['text'];
    run.annotations.push(...((output['annotations'] as JsonObject[] | undefined) ?? []));
  }

  private findCheckRun(operation: Operation): FakeCheckRun | undefined {
    const { owner, repo, check_run_id } = operation.params;
    return this.checkRuns.find(
      (run) => run.owner === owner && run.repo === repo && run.id === Number(check_run_id),
    );
  }

  private checkRunJson(run: FakeCheckRun): JsonObject {
    const url = `${this.url}/repos/${run.owner}/${run.repo}/check-runs/${run.id}`;
    return {
      id: run.id,
      node_id: nodeId('CR', run.id),
      head_sha: run.headSha,
      external_id: run.externalId,
      url,
      html_url: `${this.serverUrl}/${run.owner}/${run.repo}/runs/${run.id}`,
      details_url: run.detailsUrl,
      status: run.status,
      conclusion: run.conclusion,
      started_at: run.startedAt,
      completed_at: run.completedAt,
      output: {
        ...run.output,
        annotations_count: run.annotations.length,
        annotations_url: `${url}/annotations`,
      },
      name: run.name,
      check_suite: { id: run.id + 500_000 },
      app: actionsApp(this.serverUrl, this.url),
      pull_requests: [],
    };
  }

  // --- deployments ---------------------------------------------------------------------

  private createDeployment({ operation, body, account }: Call): Answer {
    const { owner, repo } = operation.params;
    const environment = (body['environment'] as string | undefined) ?? 'production';
    const deployment: FakeDeployment = {
      id: this.newId(),
      owner: owner!,
      repo: repo!,
      ref: String(body['ref']),
      sha: fakeSha(String(body['ref'])),
      task: (body['task'] as string | undefined) ?? 'deploy',
      environment,
      description: (body['description'] as string | null | undefined) ?? '',
      payload: (body['payload'] as JsonObject | string | undefined) ?? {},
      transientEnvironment: (body['transient_environment'] as boolean | undefined) ?? false,
      productionEnvironment:
        (body['production_environment'] as boolean | undefined) ?? environment === 'production',
      creator: account,
      createdAt: new Date().toISOString(),
      statuses: [],
    };
    this.deployments.push(deployment);
    return { status: 201, body: this.deploymentJson(deployment) };
  }

  private listDeployments({ operation, query, url }: Call): Answer {
    const { owner, repo } = operation.params;
    const matching = this.deployments
      .filter((deployment) => deployment.owner === owner && deployment.repo === repo)
      .filter(
        (deployment) => !query['environment'] || deployment.environment === query['environment'],
      )
      .reverse();
    return paginated(matching, query, url, (deployment) => this.deploymentJson(deployment));
  }

  private getDeployment({ operation }: Call): Answer {
    const deployment = this.findDeployment(operation);
    if (!deployment) return failure(404, 'Not Found');
    return { status: 200, body: this.deploymentJson(deployment) };
  }

  /** GitHub refuses descriptions over 140 characters, a limit the schema does not state. */
  private createDeploymentStatus({ operation, body, account }: Call): Answer {
    const deployment = this.findDeployment(operation);
    if (!deployment) return failure(404, 'Not Found');
    const description = (body['description'] as string | undefined) ?? '';
    if (description.length > 140) {
      return validationFailed(operation, [
        {
          instancePath: '/description',
          keyword: 'maxLength',
          message: 'is too long (maximum is 140 characters)',
        },
      ]);
    }
    const logUrl = (body['log_url'] as string | undefined) ?? (body['target_url'] as string) ?? '';
    const status: FakeDeploymentStatus = {
      id: this.newId(),
      state: String(body['state']),
      description,
      environment: (body['environment'] as string | undefined) ?? deployment.environment,
      environmentUrl: (body['environment_url'] as string | undefined) ?? '',
      logUrl,
      creator: account,
      createdAt: new Date().toISOString(),
    };
    deployment.statuses.push(status);
    return { status: 201, body: this.deploymentStatusJson(deployment, status) };
  }

  private listDeploymentStatuses({ operation, query, url }: Call): Answer {
    const deployment = this.findDeployment(operation);
    if (!deployment) return failure(404, 'Not Found');
    const newestFirst = [...deployment.statuses].reverse();
    return paginated(newestFirst, query, url, (status) =>
      this.deploymentStatusJson(deployment, status),
    );
  }

  private findDeployment(operation: Operation): FakeDeployment | undefined {
    const { owner, repo, deployment_id } = operation.params;
    return this.deployments.find(
      (deployment) =>
        deployment.owner === owner &&
        deployment.repo === repo &&
        deployment.id === Number(deployment_id),
    );
  }

  private deploymentJson(deployment: FakeDeployment): JsonObject {
    const repositoryUrl = `${this.url}/repos/${deployment.owner}/${deployment.repo}`;
    const url = `${repositoryUrl}/deployments/${deployment.id}`;
    return {
      url,
      id: deployment.id,
      node_id: nodeId('DE', deployment.id),
      sha: deployment.sha,
      ref: deployment.ref,
      task: deployment.task,
      payload: deployment.payload,
      original_environment: deployment.environment,
      environment: deployment.environment,
      description: deployment.description,
      creator: simpleUser(deployment.creator, this.serverUrl, this.url),
      created_at: deployment.createdAt,
      updated_at: deployment.statuses.at(-1)?.createdAt ?? deployment.createdAt,
      statuses_url: `${url}/statuses`,
      repository_url: repositoryUrl,
      transient_environment: deployment.transientEnvironment,
      production_environment: deployment.productionEnvironment,
    };
  }

  private deploymentStatusJson(
    deployment: FakeDeployment,
    status: FakeDeploymentStatus,
  ): JsonObject {
    const repositoryUrl = `${this.url}/repos/${deployment.owner}/${deployment.repo}`;
    const deploymentUrl = `${repositoryUrl}/deployments/${deployment.id}`;
    return {
      url: `${deploymentUrl}/statuses/${status.id}`,
      id: status.id,
      node_id: nodeId('DES', status.id),
      state: status.state,
      creator: simpleUser(status.creator, this.serverUrl, this.url),
      description: status.description,
      environment: status.environment,
      target_url: status.logUrl,
      created_at: status.createdAt,
      updated_at: status.createdAt,
      deployment_url: deploymentUrl,
      repository_url: repositoryUrl,
      environment_url: status.environmentUrl,
      log_url: status.logUrl,
    };
  }
}

// --- answers -----------------------------------------------------------------------------

function failure(status: number, message: string): Answer {
  return { status, body: { message, documentation_url: DOCS, status: String(status) } };
}

function validationFailed(
  operation: Operation,
  errors: Array<{ instancePath: string; keyword: string; message?: string; params?: unknown }>,
): Answer {
  const resource = operation.operationId;
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: errors.map((error) => {
        const missing = (error.params as { missingProperty?: string } | undefined)?.missingProperty;
        return {
          resource,
          field: missing ?? error.instancePath.replace(/^\//, ''),
          code: error.keyword === 'required' ? 'missing_field' : 'invalid',
          message: `${error.instancePath || 'body'} ${error.message ?? 'is invalid'}`,
        };
      }),
      documentation_url: DOCS,
      status: '422',
    },
  };
}

function faultAnswer(fault: Fault): Answer {
  if (fault.kind === 'server-error') {
    const status = fault.status ?? 502;
    return { status, body: { message: 'Server Error' } };
  }
  if (fault.kind === 'rate-limit') {
    const reset = Math.ceil(Date.now() / 1000) + (fault.resetInSeconds ?? 1);
    return {
      ...failure(403, 'API rate limit exceeded for installation ID 1.'),
      headers: {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '5000',
        'x-ratelimit-reset': String(reset),
      },
    };
  }
  return {
    ...failure(
      fault.status ?? 403,
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    ),
    headers: { 'retry-after': String(fault.retryAfter ?? 1) },
  };
}

/** GitHub's page/per_page paging with a Link header, which octokit.paginate follows. */
function paginated<T>(
  items: T[],
  query: Record<string, string>,
  url: URL,
  toJson: (item: T) => unknown,
): Answer {
  const perPage = Math.min(Number(query['per_page'] ?? 30) || 30, 100);
  const page = Math.max(Number(query['page'] ?? 1) || 1, 1);
  const lastPage = Math.max(Math.ceil(items.length / perPage), 1);
  const links: string[] = [];
  const link = (target: number, rel: string) => {
    const next = new URL(url);
    next.searchParams.set('per_page', String(perPage));
    next.searchParams.set('page', String(target));
    links.push(`<${next.href}>; rel="${rel}"`);
  };
  if (page < lastPage) link(page + 1, 'next');
  if (page < lastPage) link(lastPage, 'last');
  if (page > 1) link(page - 1, 'prev');
  if (page > 1) link(1, 'first');
  const body = items.slice((page - 1) * perPage, page * perPage).map(toJson);
  return { status: 200, body, headers: links.length > 0 ? { link: links.join(', ') } : {} };
}

// --- payload shapes ------------------------------------------------------------------------

function simpleUser(user: FakeUser, serverUrl: string, apiUrl: string): JsonObject {
  const api = `${apiUrl}/users/${encodeURIComponent(user.login)}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(user.type === 'Bot' ? 'BOT' : 'U', user.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `${serverUrl}/${user.type === 'Bot' ? `apps/${user.login.replace(/\[bot\]$/, '')}` : encodeURIComponent(user.login)}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    user_view_type: 'private',
    site_admin: false,
  };
}

function privateUser(user: FakeUser, serverUrl: string, apiUrl: string): JsonObject {
  const created = '2020-01-01T00:00:00Z';
  return {
    ...simpleUser(user, serverUrl, apiUrl),
    name: user.login,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: 1,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: created,
    updated_at: created,
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 1,
    collaborators: 0,
    two_factor_authentication: true,
  };
}

function actionsApp(serverUrl: string, apiUrl: string): JsonObject {
  const owner: FakeUser = { login: 'github', id: 9919, type: 'User' };
  return {
    id: 15368,
    slug: 'github-actions',
    node_id: 'MDM6QXBwMTUzNjg=',
    owner: { ...simpleUser(owner, serverUrl, apiUrl), type: 'Organization' },
    name: 'GitHub Actions',
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    html_url: `${serverUrl}/apps/github-actions`,
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2019-12-10T19:04:12Z',
    permissions: { checks: 'write', deployments: 'write', issues: 'write', metadata: 'read' },
    events: ['check_run', 'deployment', 'issue_comment'],
  };
}

function nodeId(prefix: string, id: number): string {
  return `${prefix}_kwDO${Buffer.from(String(id)).toString('base64url')}`;
}

/** A stable 40-hex "commit" for a ref (the fake has no git). A sha given as ref is kept. */
function fakeSha(ref: string): string {
  return /^[0-9a-f]{40}$/.test(ref) ? ref : createHash('sha1').update(ref).digest('hex');
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
