import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createNpmAgentToolsInstaller } from '@crewship/agent-tools';
import { createFakeAgentToolsInstaller } from '@crewship/agent-tools/testing';
import { detectDockerEngine } from '@crewship/container-runtime';
import { createFakeContainerRuntime } from '@crewship/container-runtime/testing';
import { type Agent, type ContainerStatusDto, silentLogger } from '@crewship/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliUser,
  cliUser,
  initOwner,
  parseJson,
  removeTemporaryDirectories,
  startTestServer,
  type TestServer,
  temporaryDirectory,
} from './cli-harness.js';

let server: TestServer;
let owner: CliUser;
const runtime = createFakeContainerRuntime();
const installer = createFakeAgentToolsInstaller();

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  server = await startTestServer({ containerRuntime: runtime, agentTools: installer });
  owner = cliUser(server.url, 'owner');
  await initOwner(owner);
  expect((await owner.run(['crew', 'create', 'Web Team'])).code).toBe(0);
  expect((await owner.run(['agent', 'create', 'Ada', '--crew', 'web-team'])).code).toBe(0);
});

afterAll(async () => {
  await server?.close();
  removeTemporaryDirectories();
});

describe('crewship crew start|status|exec|stop on the fake runtime', () => {
  it('starts the container and shows its state, CPU, memory and PIDs', async () => {
    const missing = parseJson<ContainerStatusDto>(await owner.run(['crew', 'status', 'web-team', '--json']));
    expect(missing.state).toBe('missing');

    const started = await owner.run(['crew', 'start', 'web-team']);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^state:\s+running$/m);
    expect(started.stdout).toMatch(/^container:\s+crewship-crew-web-team \(\S+\)$/m);

    const status = await owner.run(['crew', 'status', 'web-team']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^state:\s+running$/m);
    expect(status.stdout).toMatch(/^cpu:\s+0\.0%$/m);
    expect(status.stdout).toMatch(/^memory:\s+0 B \/ 0 B$/m);
    expect(status.stdout).toMatch(/^pids:\s+1$/m);
    expect(installer.installs).toEqual(['claude-code']);
  });

  it('streams stdout and stderr to the matching stream and exits with the command exit code', async () => {
    const result = await owner.run([
      'crew',
      'exec',
      'web-team',
      '--',
      'sh',
      '-c',
      'echo out-1; echo err-1 >&2; echo out-2; exit 5',
    ]);
    expect(result.code).toBe(5);
    expect(result.stdout).toBe('out-1\nout-2\n');
    expect(result.stderr).toBe('err-1\n');

    const ok = await owner.run([
      'crew',
      'exec',
      'web-team',
      '--agent',
      'ada',
      '--',
      'echo',
      '--not-an-option',
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('--not-an-option\n');

    const json = await owner.run(['--json', 'crew', 'exec', 'web-team', '--', 'sh', '-c', 'echo hi; exit 2']);
    expect(json.code).toBe(2);
    const lines = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({ stream: 'stdout', line: 'hi' });
    expect(lines[1]).toMatchObject({ exit_code: 2, timed_out: false, cancelled: false });
  });

  it('reports a timeout and refuses an unknown user', async () => {
    const timedOut = await owner.run([
      'crew',
      'exec',
      'web-team',
      '--timeout-ms',
      '100',
      '--',
      'sleep',
      '30',
    ]);
    expect(timedOut.code).not.toBe(0);
    expect(timedOut.stderr).toContain('timed out after 100 ms');
    const badUser = await owner.run(['crew', 'exec', 'web-team', '--user', 'admin', '--', 'true']);
    expect(badUser.code).toBe(2);
    expect(badUser.stderr).toMatch(/user.*"agent"\|"root"/);
  });

  it('cancels the command in the container on Ctrl-C and exits 130', async () => {
    let pid = 0;
    let signalled = false;
    const result = await owner.runInteractive(
      ['crew', 'exec', 'web-team', '--', 'sh', '-c', 'echo $$; sleep 300'],
      (output, child) => {
        const match = /^(\d+)\n/.exec(output.stdout);
        if (match && !signalled) {
          signalled = true;
          pid = Number(match[1]);
          child.kill('SIGINT');
        }
      },
    );
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('cancelling');
    expect(pid).toBeGreaterThan(0);
    const deadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(alive(pid)).toBe(false);
  });

  it('stops the container', async () => {
    const stopped = await owner.run(['crew', 'stop', 'web-team']);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/^state:\s+stopped$/m);
    expect((await runtime.status((await runtime.list())[0]?.crewId ?? '')).state).toBe('stopped');
  });

  it('exits 5 for an unknown crew', async () => {
    const result = await owner.run(['crew', 'status', 'nope']);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('crew "nope" not found');
  });
});

describe('crewship tools', () => {
  it('installs with visible progress lines and lists the tools', async () => {
    const install = await owner.run(['tools', 'install', 'codex', 'gemini']);
    expect(install.code).toBe(0);
    expect(install.stdout).toMatch(/^installing codex \(@openai\/codex@\S+\) from npm…$/m);
    expect(install.stdout).toMatch(/^installed gemini /m);
    const list = await owner.run(['tools', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^TOOL\s+VERSION\s+INSTALLED\s+COMMAND/);
    expect(list.stdout).toMatch(/^codex\s+\S+\s+yes\s+codex/m);
    expect(list.stdout).toMatch(/^opencode\s+\S+\s+no\s+opencode/m);
    const unknown = await owner.run(['tools', 'install', 'cursor']);
    expect(unknown.code).toBe(2);
  });
});

describe('crewship agent files', () => {
  it('lists the output directory and prints one file as raw bytes', async () => {
    const ada = parseJson<Agent>(await owner.run(['agent', 'get', 'ada', '--json']));
    const output = join(server.dataDir, 'crews', ada.crew_id, 'output', 'ada');
    mkdirSync(join(output, 'reports'), { recursive: true });
    writeFileSync(join(output, 'reports', 'summary.md'), '# Summary\nAll done.\n');
    const list = await owner.run(['agent', 'files', 'ada']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^PATH\s+SIZE\s+MODIFIED$/m);
    expect(list.stdout).toMatch(/^reports\/summary\.md\s+20\s+\S+$/m);
    const file = await owner.run(['agent', 'files', 'ada', 'reports/summary.md']);
    expect(file.code).toBe(0);
    expect(file.stdout).toBe('# Summary\nAll done.\n');
    const refused = await owner.run(['agent', 'files', 'ada', '../../secrets/ada/token']);
    expect(refused.code).toBe(2);
    const missing = await owner.run(['agent', 'files', 'ada', 'nope.txt']);
    expect(missing.code).toBe(5);
  });
});

const engine = await detectDockerEngine({
  dockerHost: process.env.DOCKER_HOST,
  home: homedir(),
  uid: process.getuid?.() ?? 0,
}).catch(() => null);
const mustRun = process.env.CI === 'true';

describe.skipIf(!engine && !mustRun)('crewship crew start|status|exec|stop on the real Docker engine', () => {
  let docker: TestServer;
  let user: CliUser;
  const slug = `cli-${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    const dataDir = temporaryDirectory('docker-data');
    docker = await startTestServer({
      dataDir,
      env: {
        CREWSHIP_CONTAINERS: 'docker',
        ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
      },
      agentTools: createNpmAgentToolsInstaller({ toolsDir: join(dataDir, 'tools'), logger: silentLogger }),
    });
    user = cliUser(docker.url, 'docker-owner');
    await initOwner(user);
    const crew = await user.run([
      'crew',
      'create',
      slug,
      '--image',
      'crewship-base:bookworm',
      '--memory-mb',
      '512',
    ]);
    expect(crew.code, crew.stderr).toBe(0);
    const agent = await user.run([
      'agent',
      'create',
      `${slug}-ada`,
      '--crew',
      slug,
      '--adapter',
      'cursor-cli',
    ]);
    expect(agent.code, agent.stderr).toBe(0);
  });

  afterAll(async () => {
    await user?.run(['crew', 'delete', slug, '--yes']);
    await docker?.close();
  });

  it('starts, execs with streaming and the exit code, shows the output file, and stops', async () => {
    const started = await user.run(['crew', 'start', slug]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/^state:\s+running$/m);

    const status = await user.run(['crew', 'status', slug]);
    expect(status.stdout).toMatch(/^state:\s+running$/m);
    // Engines that never answer stats requests (nested ones) get no numbers, not a hang.
    if (status.stdout.includes('memory:')) {
      expect(status.stdout).toMatch(/^memory:\s+\S+ \S+ \/ 512\.0 MiB \(\d+\.\d%\)$/m);
      expect(status.stdout).toMatch(/^pids:\s+\d+$/m);
    }

    const agent = `${slug}-ada`;
    const exec = await user.run([
      'crew',
      'exec',
      slug,
      '--agent',
      agent,
      '--',
      'sh',
      '-c',
      `echo to-stdout; echo to-stderr >&2; printf done > /output/${agent}/result.txt; exit 3`,
    ]);
    expect(exec.code).toBe(3);
    expect(exec.stdout).toBe('to-stdout\n');
    expect(exec.stderr).toBe('to-stderr\n');
    const file = await user.run(['agent', 'files', agent, 'result.txt']);
    expect(file.stdout).toBe('done');

    const stopped = await user.run(['crew', 'stop', slug]);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/^state:\s+stopped$/m);
  });
});
