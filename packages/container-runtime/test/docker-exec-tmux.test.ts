import type { CrewContainer } from '@crewship/contracts';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BASE_IMAGE,
  crewSpec,
  dockerClient,
  ensureTmuxImage,
  hostOptions,
  removeCrews,
  run,
  skipWithoutEngine,
  TMUX_IMAGE,
  temporaryDataDir,
} from '../src/docker/test-support/docker-test-support.js';
import { createDockerContainerRuntime, type DockerContainerRuntime } from '../src/index.js';

/** Execution wrapping: agent commands in a named tmux session when the image has tmux, direct otherwise. */
describe.skipIf(skipWithoutEngine)('Docker exec wrapped in tmux', () => {
  const dataDir = temporaryDataDir();
  const withTmux = crewSpec('tmux', { image: TMUX_IMAGE });
  const withoutTmux = crewSpec('notmux', { image: BASE_IMAGE });
  let docker: Docker;
  let runtime: DockerContainerRuntime;
  let tmuxContainer: CrewContainer;
  let plainContainer: CrewContainer;

  const sh = (container: CrewContainer, script: string, extra: { env?: Record<string, string> } = {}) =>
    run(runtime.exec(container, { cmd: ['sh', '-c', script], ...extra }));
  const sessions = async () =>
    (await sh(tmuxContainer, "tmux ls -F '#{session_name}' 2>/dev/null || true")).stdout.sort();

  beforeAll(async () => {
    docker = dockerClient();
    await ensureTmuxImage(docker);
    runtime = await createDockerContainerRuntime({ ...hostOptions, dataDir: dataDir.path });
    [tmuxContainer, plainContainer] = await Promise.all([
      runtime.ensureCrewContainer(withTmux),
      runtime.ensureCrewContainer(withoutTmux),
    ]);
  });

  afterAll(async () => {
    await runtime?.close();
    if (docker) await removeCrews(docker, [withTmux.crewId, withoutTmux.crewId]);
    dataDir.remove();
  });

  it('runs the command in a session named after the agent while it runs, and ends the session after', async () => {
    const handle = runtime.exec(tmuxContainer, {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion
      cmd: ['sh', '-c', 'echo "$PPID"; sleep 2; echo "TMUX=${TMUX:-unset}"; exit 7'],
      tmuxSession: 'agent-ada',
    });
    const lines = handle[Symbol.asyncIterator]();
    const parent = (await lines.next()).value?.line;
    // The command's parent is the pane of session agent-ada.
    const panes = await sh(tmuxContainer, "tmux list-panes -a -F '#{session_name} #{pane_pid}'");
    expect(panes.stdout).toEqual([`agent-ada ${parent}`]);
    // The command gets the exec's environment only, not the pane's.
    expect((await lines.next()).value?.line).toBe('TMUX=unset');
    expect((await handle.result).exitCode).toBe(7);
    expect(await sessions()).toEqual([]);
  });

  it('numbers a taken session name and keeps concurrent sessions apart', async () => {
    const long = (tag: string) =>
      runtime.exec(tmuxContainer, { cmd: ['sh', '-c', `echo ${tag}; sleep 3`], tmuxSession: 'agent-bob' });
    const first = long('one');
    await first[Symbol.asyncIterator]().next();
    const second = long('two');
    await second[Symbol.asyncIterator]().next();
    expect(await sessions()).toEqual(['agent-bob', 'agent-bob-2']);
    expect((await Promise.all([first.result, second.result])).map((result) => result.exitCode)).toEqual([
      0, 0,
    ]);
  });

  it("gives each exec exactly its own environment, never another exec's through the shared tmux server", async () => {
    const direct = await sh(tmuxContainer, 'echo "$PATH|$HOME"');
    const holder = runtime.exec(tmuxContainer, {
      cmd: ['sleep', '3'],
      env: { ONLY_FOR_HOLDER: 'holder-secret' },
      tmuxSession: 'agent-holder',
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const other = await run(
      runtime.exec(tmuxContainer, {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion
        cmd: ['sh', '-c', 'echo "${ONLY_FOR_HOLDER:-unset}|$MINE|$PATH|$HOME"'],
        env: { MINE: 'mine' },
        tmuxSession: 'agent-other',
      }),
    );
    expect(other.stdout).toEqual([`unset|mine|${direct.stdout[0]}`]);
    await holder.result;
  });

  it('line-buffers stdio programs, so their output streams live through the FIFO', async () => {
    // sed writing to a FIFO would buffer its whole output until exit without `stdbuf -oL`.
    for (const container of [tmuxContainer, plainContainer]) {
      const handle = runtime.exec(container, {
        cmd: ['sh', '-c', '(echo first; sleep 3; echo second) | sed s/^/x-/'],
        tmuxSession: 'agent-sed',
      });
      const lines = handle[Symbol.asyncIterator]();
      const first = await lines.next();
      const done = await Promise.race([
        handle.result.then(() => true),
        new Promise((resolve) => setTimeout(() => resolve(false), 1000)),
      ]);
      expect(first.value).toEqual({ stream: 'stdout', line: 'x-first' });
      expect(done).toBe(false);
      expect((await handle.result).exitCode).toBe(0);
    }
  });

  it('falls back to a direct exec when the image has no tmux', async () => {
    const result = await run(
      runtime.exec(plainContainer, {
        cmd: ['sh', '-c', 'echo direct; echo oops >&2; exit 4'],
        tmuxSession: 'agent-ada',
      }),
    );
    expect(result).toMatchObject({ stdout: ['direct'], stderr: ['oops'], exitCode: 4 });
  });

  it('leaves no FIFO dir, pid file or session behind, also after a kill', async () => {
    const controller = new AbortController();
    const handle = runtime.exec(tmuxContainer, {
      cmd: ['sh', '-c', 'echo up; sleep 300'],
      tmuxSession: 'agent-kill',
      signal: controller.signal,
    });
    await handle[Symbol.asyncIterator]().next();
    controller.abort();
    expect(await handle.result).toMatchObject({ cancelled: true, exitCode: 137 });
    // Everything in /tmp except tmux's socket dir and this listing's own pid file.
    const leftovers = await sh(
      tmuxContainer,
      'cd /tmp; for f in .[!.]* *; do [ -e "$f" ] && [ "$f" != tmux-1001 ] && [ "$(cat "$f" 2>/dev/null)" != "$$" ] && echo "$f"; done; true',
    );
    expect(leftovers.stdout).toEqual([]);
    expect(await sessions()).toEqual([]);
  });
});
