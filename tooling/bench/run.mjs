#!/usr/bin/env node
// Runs every {apps,packages}/*/bench/*.bench.ts, one at a time, each in its own process. See README.md.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TIMEOUT_MS = 10 * 60 * 1000;
const FIELDS = {
  name: 'string',
  unit: 'string',
  figure: 'number',
  baseline: 'number',
  baselineName: 'string',
};

function discover() {
  const benches = [];
  for (const group of ['apps', 'packages']) {
    if (!existsSync(join(ROOT, group))) continue;
    for (const folder of readdirSync(join(ROOT, group)).sort()) {
      const dir = join(ROOT, group, folder, 'bench');
      if (!existsSync(dir)) continue;
      for (const file of readdirSync(dir).sort()) {
        if (file.endsWith('.bench.ts')) {
          benches.push({ id: `${folder}/${file.slice(0, -'.bench.ts'.length)}`, file: join(dir, file) });
        }
      }
    }
  }
  return benches;
}

function parseResult(bench, stdout) {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  let result;
  try {
    result = JSON.parse(line);
  } catch {
    throw new Error(
      `printed no JSON result line on stdout (last line: ${JSON.stringify(line.slice(0, 200))})`,
    );
  }
  for (const [field, type] of Object.entries(FIELDS)) {
    if (typeof result?.[field] !== type || (type === 'number' && !Number.isFinite(result[field]))) {
      throw new Error(`result field "${field}" is not a ${type}: ${line.slice(0, 200)}`);
    }
  }
  if (result.name !== bench.id) throw new Error(`result name "${result.name}" is not "${bench.id}"`);
  if (result.baseline <= 0) throw new Error(`baseline ${result.baseline} is not positive`);
  const { name, unit, figure, baseline, baselineName, details = {} } = result;
  return { name, unit, figure, baseline, baselineName, ratio: figure / baseline, details };
}

let interrupted = false;
let running;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    interrupted = true;
    running?.kill(signal);
  });
}

function runOne(bench, tsx) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, bench.file], {
      cwd: dirname(dirname(bench.file)),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    running = child;
    let stdout = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }, TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running = undefined;
      if (timedOut) reject(new Error(`timed out after ${TIMEOUT_MS / 1000} s`));
      else if (code !== 0) reject(new Error(`exited with ${code ?? signal}`));
      else {
        try {
          resolve(parseResult(bench, stdout));
        } catch (error) {
          reject(error);
        }
      }
    });
  });
}

const format = (value) => value.toLocaleString('en-US', { maximumFractionDigits: value < 100 ? 2 : 0 });

function printTable(results) {
  const rows = [
    ['benchmark', 'figure', 'baseline', 'ratio'],
    ...results.map((r) => [
      r.name,
      `${format(r.figure)} ${r.unit}`,
      `${format(r.baseline)} ${r.unit} (${r.baselineName})`,
      r.ratio.toFixed(3),
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const [index, row] of rows.entries()) {
    console.log(
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
        .join('  '),
    );
    if (index === 0) console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  }
}

let values;
try {
  ({ values } = parseArgs({
    options: { json: { type: 'boolean', default: false }, filter: { type: 'string', multiple: true } },
    strict: true,
  }));
} catch (error) {
  console.error(`bench: ${error.message}\nusage: pnpm bench [--json] [--filter TEXT]...`);
  process.exit(2);
}
const all = discover();
const filters = values.filter ?? [];
const selected =
  filters.length === 0 ? all : all.filter((bench) => filters.some((filter) => bench.id.includes(filter)));
if (selected.length === 0) {
  console.error(
    `bench: nothing matches ${filters.join(', ') || '(no filter)'}; benches: ${all.map((b) => b.id).join(', ') || 'none'}`,
  );
  process.exit(1);
}

const tsx = import.meta.resolve('tsx');
const results = [];
const failures = [];
for (const bench of selected) {
  if (interrupted) break;
  console.error(`bench: running ${bench.id} (${relative(ROOT, bench.file)})`);
  const started = Date.now();
  try {
    const result = await runOne(bench, tsx);
    results.push(result);
    console.error(`bench: ${bench.id} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    failures.push(bench.id);
    console.error(`bench: ${bench.id} FAILED: ${error.message}`);
  }
}

if (values.json) {
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} else if (results.length > 0) {
  printTable(results);
}
if (failures.length > 0) {
  console.error(`bench: ${failures.length} failed: ${failures.join(', ')}`);
  process.exitCode = 1;
}
if (interrupted) {
  console.error('bench: interrupted');
  process.exitCode = 130;
}
