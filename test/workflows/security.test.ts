import { describe, expect, it } from 'vitest';
import { evaluateCondition, expressionsIn, type Contexts } from './expressions.js';
import {
  allWorkflowFiles,
  reusableTemplate,
  starterWorkflow,
  TEMPLATE_NAMES,
  type Job,
  type WorkflowFile,
} from './templates.js';

const files = allWorkflowFiles();
const reusable = TEMPLATE_NAMES.map((name) => reusableTemplate(name));

/** Context fields a pull request's author controls. */
const UNTRUSTED = [/\bgithub\.event\b/, /\bgithub\.head_ref\b/, /\binputs\./];

const ENVOY_ACTION = /^OWNER\/envoy(\/actions\/[a-z-]+)?@v0$/;
const PINNED = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/;
const PIN_COMMENT = /^\s*-?\s*uses:\s*(\S+)\s+# v\d+\.\d+\.\d+\s*$/;

function jobsOf(files: WorkflowFile[]): Array<[string, string, Job]> {
  return files.flatMap((file) =>
    Object.entries(file.workflow.jobs).map(
      ([id, job]) => [file.path, id, job] as [string, string, Job],
    ),
  );
}

/** Scripts that run on the runner: `run:` blocks and github-script bodies. */
function scriptsOf(file: WorkflowFile): Array<[string, string]> {
  return Object.entries(file.workflow.jobs).flatMap(([id, job]) =>
    (job.steps ?? []).flatMap((step, index): Array<[string, string]> => {
      const where = `${file.path} jobs.${id}.steps[${index}]`;
      if (step.run !== undefined) return [[where, step.run]];
      const script = step.with?.script;
      return typeof script === 'string' ? [[`${where}.with.script`, script]] : [];
    }),
  );
}

function mayRunSelfHosted(job: Job): boolean {
  const labels = [job['runs-on'] ?? []].flat().join(' ');
  return labels.includes('${{') || labels.includes('self-hosted');
}

function writes(job: Job): boolean {
  return typeof job.permissions === 'object' && Object.values(job.permissions).includes('write');
}

function pullRequestEvent(headRepository: string): Contexts {
  return {
    github: {
      event_name: 'pull_request',
      repository: 'octo/models',
      event: { pull_request: { number: 7, head: { repo: { full_name: headRepository } } } },
    },
  };
}

const SCHEDULE_EVENT: Contexts = {
  github: { event_name: 'schedule', repository: 'octo/models', event: { schedule: '17 4 * * 1' } },
};

describe('workflow template security', () => {
  it('finds scripts to check', () => {
    expect(files.flatMap(scriptsOf).length).toBeGreaterThan(3);
  });

  it.each(files.flatMap(scriptsOf))('%s writes no untrusted expression', (_, script) => {
    const untrusted = expressionsIn(script).filter((expression) =>
      UNTRUSTED.some((pattern) => pattern.test(expression)),
    );
    expect(untrusted).toEqual([]);
  });

  it.each(files.map((file) => [file.path, file] as const))(
    '%s pins every action from outside Envoy to a commit, with its version beside it',
    (_, file) => {
      const uses = jobsOf([file]).flatMap(([, , job]) =>
        [job.uses, ...(job.steps ?? []).map((step) => step.uses)].filter(
          (use): use is string => use !== undefined && !use.startsWith('./'),
        ),
      );
      for (const use of uses.filter((use) => !ENVOY_ACTION.test(use))) {
        expect(use, 'a full 40-character commit SHA').toMatch(PINNED);
        const line = file.text.split('\n').find((text) => text.includes(use));
        expect(line, `the line of ${use} ends with "# vX.Y.Z"`).toMatch(PIN_COMMENT);
      }
    },
  );

  it.each(files.map((file) => [file.path, file] as const))(
    '%s grants nothing at the top and asks per job',
    (_, file) => {
      expect(file.workflow.permissions).toEqual({});
      for (const [id, job] of Object.entries(file.workflow.jobs)) {
        expect(job.permissions, `jobs.${id}.permissions`).toBeTypeOf('object');
        for (const [scope, level] of Object.entries(job.permissions as object)) {
          expect(['read', 'write', 'none'], `jobs.${id}.permissions.${scope}`).toContain(level);
        }
      }
    },
  );

  const guarded = jobsOf(files).filter(([, , job]) => mayRunSelfHosted(job) || writes(job));

  it.each(guarded.filter(([, , job]) => !job.uses))(
    '%s jobs.%s never runs for a pull request from a fork',
    (_, id, job) => {
      expect(job.if, `jobs.${id}.if`).toBeDefined();
      expect(evaluateCondition(job.if, pullRequestEvent('mallory/models'))).toBe(false);
      expect(evaluateCondition(job.if, pullRequestEvent('octo/models'))).toBe(true);
      expect(evaluateCondition(job.if, SCHEDULE_EVENT)).toBe(true);
    },
  );

  it('guards the benchmark matrix of every template', () => {
    const matrixJobs = jobsOf(reusable).filter(([, , job]) => job.strategy?.matrix);
    expect(matrixJobs.map(([path, id]) => `${path} ${id}`)).toEqual([
      'workflows-templates/model-pr.yml benchmark',
      'workflows-templates/model-rebenchmark.yml rebenchmark',
    ]);
    const guardedIds = guarded.map(([path, id]) => `${path} ${id}`);
    for (const [path, id] of matrixJobs) expect(guardedIds).toContain(`${path} ${id}`);
  });

  it('lets one promotion of a model run at a time, and deploys behind an environment', () => {
    const { workflow } = reusableTemplate('model-release');
    const promoting = Object.entries(workflow.jobs).filter(([, job]) =>
      (job.steps ?? []).some(
        (step) => step.with?.['promote-to'] || /\/deploy@/.test(step.uses ?? ''),
      ),
    );
    expect(promoting.map(([id]) => id)).toEqual(['deploy']);
    for (const [id, job] of promoting) {
      const concurrency = (job.concurrency ?? workflow.concurrency) as Record<string, unknown>;
      expect(concurrency, `jobs.${id} or the workflow has a concurrency group`).toBeDefined();
      expect(concurrency['group']).toMatch(/inputs\.model/);
      expect(concurrency['cancel-in-progress']).toBe(false);
    }
    expect(workflow.jobs.deploy?.environment).toMatchObject({ name: '${{ inputs.environment }}' });
  });

  it('hands the registry token only to the checkout of jobs that push the registry', () => {
    const secretsOf = (name: string) =>
      Object.keys(
        (reusableTemplate(name).workflow.on.workflow_call as { secrets?: object }).secrets ?? {},
      );
    expect(secretsOf('model-pr'), 'pull request jobs run unreviewed code').not.toContain(
      'registry-token',
    );
    const users = jobsOf(reusable).flatMap(([path, id, job]) =>
      (job.steps ?? []).flatMap((step, index) => {
        const mentions = JSON.stringify({ ...step.with, ...step.env }).includes('registry-token');
        return mentions ? [{ where: `${path} jobs.${id}.steps[${index}]`, job, step }] : [];
      }),
    );
    expect(users.map(({ where }) => where)).toEqual([
      'workflows-templates/model-release.yml jobs.deploy.steps[0]',
      'workflows-templates/model-rebenchmark.yml jobs.rebenchmark.steps[0]',
    ]);
    for (const { where, job, step } of users) {
      expect(step.uses, where).toMatch(/^actions\/checkout@/);
      expect(step.with?.token, where).toBe('${{ secrets.registry-token || github.token }}');
      expect((job.permissions as Record<string, string>).contents, where).toBe('write');
    }
  });

  it('keeps checkout credentials only where a job fetches or pushes the registry branch', () => {
    for (const [path, id, job] of jobsOf(reusable)) {
      const checkouts = (job.steps ?? []).filter((step) =>
        /^actions\/checkout@/.test(step.uses ?? ''),
      );
      const usesRegistry = (job.steps ?? []).some((step) =>
        /\/envoy\/actions\//.test(step.uses ?? ''),
      );
      for (const checkout of checkouts) {
        const persisted = checkout.with?.['persist-credentials'];
        expect([true, false], `${path} jobs.${id}: say persist-credentials`).toContain(persisted);
        if (persisted) expect(usesRegistry, `${path} jobs.${id} runs no Envoy step`).toBe(true);
      }
    }
  });

  it.each(TEMPLATE_NAMES)(
    'starters/%s grants what the reusable workflow asks, and passes only inputs it declares',
    (name) => {
      const starter = starterWorkflow(name).workflow;
      const called = reusableTemplate(name).workflow;
      const callers = Object.values(starter.jobs);
      expect(callers).toHaveLength(1);
      const caller = callers[0]!;
      expect(caller.uses).toBe(`./.github/workflows/envoy-${name}.yml`);
      const granted = caller.permissions as Record<string, string>;
      for (const [id, job] of Object.entries(called.jobs)) {
        for (const [scope, level] of Object.entries(job.permissions as Record<string, string>)) {
          const allowed = level === 'read' ? ['read', 'write'] : ['write'];
          expect(allowed, `jobs.${id} asks ${scope}: ${level}`).toContain(granted[scope]);
        }
      }
      const declared = Object.keys(
        (called.on.workflow_call as { inputs: Record<string, unknown> }).inputs,
      );
      for (const input of Object.keys(caller.with ?? {})) expect(declared).toContain(input);
    },
  );
});
