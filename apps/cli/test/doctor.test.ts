import { writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { detectDockerEngine } from '@crewship/container-runtime';
import { createDatabase, migrate } from '@crewship/db';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cliUser,
  parseJson,
  removeTemporaryDirectories,
  startTestServer,
  temporaryDirectory,
} from './cli-harness.js';

interface DoctorReport {
  ok: boolean;
  checks: { name: string; status: 'ok' | 'warn' | 'fail'; detail: string; fix?: string }[];
}

const engine = await detectDockerEngine({
  dockerHost: process.env.DOCKER_HOST,
  home: homedir(),
  uid: process.getuid?.() ?? 0,
}).catch(() => null);
const mustRun = process.env.CI === 'true';

afterAll(() => removeTemporaryDirectories());

const check = (report: DoctorReport, name: string) => report.checks.find((item) => item.name === name);

describe('crewship doctor', () => {
  it('passes on a migrated data directory', async () => {
    const server = await startTestServer();
    await server.close();
    const result = await cliUser(undefined, 'doctor').run(['doctor', '--data-dir', server.dataDir, '--json']);
    const report = parseJson<DoctorReport>(result);
    expect(report.ok).toBe(true);
    expect(check(report, 'node')).toMatchObject({ status: 'ok', detail: `v${process.versions.node}` });
    expect(check(report, 'data dir')).toMatchObject({
      status: 'ok',
      detail: `${server.dataDir} is writable`,
    });
    expect(check(report, 'database')).toMatchObject({ status: 'ok' });
    expect(check(report, 'database')?.detail).toMatch(/migrations applied, none pending/);
  });

  it.skipIf(!engine && !mustRun)('reports the real Docker engine and the base image as ok', async () => {
    const report = parseJson<DoctorReport>(await cliUser(undefined, 'docker').run(['doctor', '--json']));
    expect(check(report, 'docker')).toMatchObject({ status: 'ok' });
    expect(check(report, 'docker')?.detail).toMatch(/^Docker \d+\.\d+\S* \(API 1\.\d+\) at \/\S+\.sock$/);
    expect(check(report, 'base image')).toEqual({
      name: 'base image',
      status: 'ok',
      detail: 'crewship-base:bookworm is present',
    });
  });

  it('prints a table and only warns about a data dir that was never started', async () => {
    const result = await cliUser(undefined, 'fresh').run(['doctor']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^CHECK\s+STATUS\s+DETAIL$/m);
    expect(result.stdout).toMatch(/^data dir\s+ok\s+.*does not exist yet; crewship start creates it$/m);
    expect(result.stdout).toMatch(/^database\s+warn\s+.*not created yet — run crewship start$/m);
    expect(result.stdout).toMatch(/^ {2}database: crewship start$/m);
    expect(result.stderr).toBe('');
  });

  it('fails with exit 1 and the fix for an unwritable data dir and an unknown migration', async () => {
    const base = temporaryDirectory('broken');
    const notADirectory = join(base, 'file');
    writeFileSync(notADirectory, 'x');
    const blocked = await cliUser(undefined, 'blocked').run([
      'doctor',
      '--data-dir',
      join(notADirectory, 'data'),
    ]);
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toMatch(/^data dir\s+fail\s+/m);
    expect(blocked.stdout).toMatch(/^ {2}data dir: make .* writable for this user/m);
    expect(blocked.stderr).toBe('crewship: 1 check failed; see the fixes above\n');

    const newer = join(base, 'newer');
    const database = createDatabase({ file: join(newer, 'crewship.db') });
    migrate(database.sqlite);
    database.sqlite
      .prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)')
      .run('9999_future', 'now');
    database.close();
    const result = await cliUser(undefined, 'newer').run(['doctor', '--data-dir', newer, '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as DoctorReport;
    expect(report.ok).toBe(false);
    expect(check(report, 'database')).toMatchObject({
      status: 'fail',
      detail: 'written by a newer Crewship (unknown migrations: 9999_future)',
    });
    expect(check(report, 'database')?.fix).toMatch(/^upgrade Crewship, or restore a backup from /);
  });
});
