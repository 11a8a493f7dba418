import type { Readable } from 'node:stream';
import type Docker from 'dockerode';

export interface ProbeResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A short exec whose whole output is wanted at once (image checks); not for agent commands. */
export async function runProbeExec(
  docker: Docker,
  containerId: string,
  cmd: string[],
  user: string,
): Promise<ProbeResult> {
  const exec = await docker.getContainer(containerId).exec({
    Cmd: cmd,
    User: user,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = (await exec.start({ Detach: false, Tty: false })) as Readable;
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const collector = (chunks: Buffer[]) =>
    ({
      write(chunk: Buffer) {
        chunks.push(Buffer.from(chunk));
        return true;
      },
    }) as unknown as NodeJS.WritableStream;
  docker.modem.demuxStream(stream, collector(stdout), collector(stderr));
  await new Promise<void>((resolve, reject) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', reject);
  });
  let state = await exec.inspect();
  for (let attempt = 0; state.Running && attempt < 50; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    state = await exec.inspect();
  }
  return {
    exitCode: state.ExitCode ?? -1,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
  };
}
