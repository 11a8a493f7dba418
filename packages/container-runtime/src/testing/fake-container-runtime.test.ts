import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeContainerRuntimeContract } from './container-runtime-contract.js';
import { createFakeContainerRuntime } from './fake-container-runtime.js';

describeContainerRuntimeContract('fake', async () => ({
  runtime: createFakeContainerRuntime(),
  image: 'any',
}));

describe('the fake container filesystem', () => {
  it('moves container paths in arguments, environment and cwd under its root, never onto the host', async () => {
    const runtime = createFakeContainerRuntime();
    const container = await runtime.ensureCrewContainer({
      crewId: 'c1',
      workspaceId: 'w1',
      slug: 'fake-fs',
      image: 'any',
      networkMode: 'restricted',
      memoryMb: 256,
      cpus: 1,
      agents: ['ada'],
    });
    const handle = runtime.exec(container, {
      cmd: [
        'sh',
        '-c',
        'mkdir -p "$(dirname "$1")" && echo hi > "$1" && echo "$HOME_DIR" && pwd',
        'x',
        '/crew/agents/ada/f.txt',
      ],
      env: { HOME_DIR: '/crew/agents/ada' },
      cwd: '/workspace',
    });
    const lines: string[] = [];
    for await (const line of handle) lines.push(line.line);
    expect((await handle.result).exitCode).toBe(0);
    expect(readFileSync(join(runtime.root, 'crew/agents/ada/f.txt'), 'utf8')).toBe('hi\n');
    expect(lines).toEqual([join(runtime.root, 'crew/agents/ada'), join(runtime.root, 'workspace')]);
    expect(existsSync('/crew/agents/ada/f.txt')).toBe(false);
  });
});
