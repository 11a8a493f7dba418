import { accessSync, constants, existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type DockerEngine, detectDockerEngine, imageExists } from '@crewship/container-runtime';
import type { Command } from 'commander';
import { type CliContext, wantsJson } from '../context.js';
import { ChecksFailedError, toCrewshipError } from '../errors.js';

export const BASE_IMAGE = 'crewship-base:bookworm';
const MINIMUM_NODE_MAJOR = 20;
const DOCKER_FIX =
  'apt-get install -y docker.io && dockerd & (or set DOCKER_HOST=unix:///path/to/docker.sock)';
const IMAGE_FIX = `bash tooling/scripts/test-env.sh builds ${BASE_IMAGE}`;

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to run or change; set for every check that is not ok. */
  fix?: string;
}

const ok = (name: string, detail: string): Check => ({ name, status: 'ok', detail });
const problem = (name: string, status: Exclude<CheckStatus, 'ok'>, detail: string, fix: string): Check => ({
  name,
  status,
  detail,
  fix,
});

function checkNode(): Check {
  const version = process.versions.node;
  const major = Number(version.split('.')[0]);
  return major >= MINIMUM_NODE_MAJOR
    ? ok('node', `v${version}`)
    : problem('node', 'fail', `v${version} is too old`, `install Node.js ${MINIMUM_NODE_MAJOR} or newer`);
}

function checkDataDir(dataDir: string): Check {
  const name = 'data dir';
  const fix = `make ${dataDir} writable for this user (chown/chmod), or pass --data-dir to a writable directory`;
  if (existsSync(dataDir)) {
    if (!statSync(dataDir).isDirectory()) {
      return problem(name, 'fail', `${dataDir} is not a directory`, `move it away, or pass --data-dir`);
    }
    const probe = join(dataDir, `.doctor-probe-${process.pid}`);
    try {
      writeFileSync(probe, 'ok');
      rmSync(probe);
      return ok(name, `${dataDir} is writable`);
    } catch (error) {
      return problem(
        name,
        'fail',
        `${dataDir} is not writable (${(error as NodeJS.ErrnoException).code})`,
        fix,
      );
    }
  }
  let parent = dirname(dataDir);
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  try {
    accessSync(parent, constants.W_OK | constants.X_OK);
    return ok(name, `${dataDir} does not exist yet; crewship start creates it`);
  } catch {
    return problem(name, 'fail', `${dataDir} does not exist and ${parent} is not writable`, fix);
  }
}

async function checkDatabase(dataDir: string): Promise<Check> {
  const name = 'database';
  const file = join(dataDir, 'crewship.db');
  if (!existsSync(file))
    return problem(name, 'warn', `${file} not created yet — run crewship start`, 'crewship start');
  try {
    const { createDatabase, migrationStatus } = await import('@crewship/db');
    const database = createDatabase({ file, readonly: true });
    try {
      const status = migrationStatus(database.sqlite);
      if (status.unknown.length > 0) {
        return problem(
          name,
          'fail',
          `written by a newer Crewship (unknown migrations: ${status.unknown.join(', ')})`,
          `upgrade Crewship, or restore a backup from ${join(dataDir, 'backups')}`,
        );
      }
      if (status.pending.length > 0) {
        return problem(
          name,
          'fail',
          `${status.pending.length} pending migration(s): ${status.pending.join(', ')}`,
          'crewship start applies them (after writing a snapshot to backups/)',
        );
      }
      return ok(name, `${status.applied.length} migrations applied, none pending`);
    } finally {
      database.close();
    }
  } catch (error) {
    return problem(
      name,
      'fail',
      `cannot read ${file}: ${(error as Error).message}`,
      `restore it from ${join(dataDir, 'backups')}, or move it away to start afresh`,
    );
  }
}

async function checkDocker(context: CliContext): Promise<{ check: Check; engine: DockerEngine | null }> {
  try {
    const engine = await detectDockerEngine({
      dockerHost: context.config.dockerHost,
      home: context.config.home,
      uid: context.config.uid,
    });
    return {
      check: ok('docker', `Docker ${engine.version} (API ${engine.apiVersion}) at ${engine.socket}`),
      engine,
    };
  } catch (error) {
    return { check: problem('docker', 'warn', toCrewshipError(error).message, DOCKER_FIX), engine: null };
  }
}

async function checkBaseImage(engine: DockerEngine | null): Promise<Check> {
  const name = 'base image';
  if (!engine)
    return problem(name, 'warn', `not checked: no Docker engine`, `start Docker, then ${IMAGE_FIX}`);
  try {
    return (await imageExists(engine.socket, BASE_IMAGE))
      ? ok(name, `${BASE_IMAGE} is present`)
      : problem(name, 'warn', `${BASE_IMAGE} is missing`, IMAGE_FIX);
  } catch (error) {
    return problem(name, 'warn', toCrewshipError(error).message, IMAGE_FIX);
  }
}

export function registerDoctorCommand(program: Command, context: CliContext): void {
  program
    .command('doctor')
    .description('Check this machine: Node.js, data directory, database, Docker engine and base image')
    .option('--data-dir <dir>', 'data directory to check (default ~/.crewship or CREWSHIP_DATA_DIR)')
    .addHelpText(
      'after',
      `
Docker problems are warnings (the server starts without Docker); the others are failures and make
the exit code 1. Every problem comes with the command or change that fixes it.`,
    )
    .action(async (options: { dataDir?: string }, command: Command) => {
      const dataDir = options.dataDir ?? context.config.dataDir;
      const docker = await checkDocker(context);
      const checks = [
        checkNode(),
        checkDataDir(dataDir),
        await checkDatabase(dataDir),
        docker.check,
        await checkBaseImage(docker.engine),
      ];
      const failed = checks.filter((check) => check.status === 'fail').length;
      if (wantsJson(command)) {
        context.out.json({ ok: failed === 0, checks });
      } else {
        context.out.table(
          checks,
          [
            { header: 'CHECK', value: (row: Check) => row.name },
            { header: 'STATUS', value: (row: Check) => row.status },
            { header: 'DETAIL', value: (row: Check) => row.detail },
          ],
          '',
        );
        const fixes = checks.filter((check) => check.fix !== undefined);
        if (fixes.length > 0) {
          context.out.line();
          context.out.line('To fix:');
          for (const check of fixes) context.out.line(`  ${check.name}: ${check.fix}`);
        }
      }
      if (failed > 0) throw new ChecksFailedError(failed);
    });
}
