import { describe, expect, it } from 'vitest';
import { ProcessToolRunner, ToolError, ToolMissingError } from '../src/index.js';

const activeTimers = () =>
  process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

describe('ProcessToolRunner', () => {
  const tools = new ProcessToolRunner();

  it('returns what the tool printed, given argv words verbatim (no shell)', async () => {
    const output = await tools.run('node', ['-e', 'console.log(process.argv[1])', '$HOME; echo x']);
    expect(output).toEqual({ exitCode: 0, stdout: '$HOME; echo x\n', stderr: '' });
  });

  it('passes standard input', async () => {
    const output = await tools.run('node', ['-e', 'process.stdin.pipe(process.stdout)'], {
      input: 'model',
    });
    expect(output.stdout).toBe('model');
  });

  it('fails with the last lines of stderr', async () => {
    const failing = tools.run('node', ['-e', 'console.error("a\\nb\\nreason"); process.exit(3)']);
    await expect(failing).rejects.toThrow(ToolError);
    await expect(failing).rejects.toMatchObject({ exitCode: 3, stderrTail: 'a\nb\nreason' });
  });

  it('returns a failure instead of throwing when allowed', async () => {
    const output = await tools.run('node', ['-e', 'process.exit(4)'], { allowFailure: true });
    expect(output.exitCode).toBe(4);
  });

  it('says a missing tool is missing and leaves no timer behind', async () => {
    const before = activeTimers();
    await expect(tools.run('envoy-no-such-tool', [], { timeoutMs: 60_000 })).rejects.toThrow(
      ToolMissingError,
    );
    expect(activeTimers()).toBe(before);
  });

  it('stops a tool that outlives its timeout', async () => {
    const slow = tools.run('node', ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 200 });
    await expect(slow).rejects.toMatchObject({ exitCode: 128 });
  });
});
