import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, runBench, temporaryDirectory } from '@crewship/tooling-bench';
import { createScrubber } from '../src/index.js';
import { benchCorpus, benchSecrets } from './bench-corpus.js';
import { grepPatternFile } from './grep-patterns.js';

const SIZE = 100 * 1024 * 1024;
const CHUNK = 1024 * 1024;
const ROUNDS = 3;

const megabytesPerSecond = (bytes: number, milliseconds: number) =>
  Math.round((bytes / 1024 / 1024 / (milliseconds / 1000)) * 10) / 10;

function timeGrep(mode: '-c' | '-o', patterns: string, file: string): number {
  const started = performance.now();
  // LC_ALL=C: grep's fastest mode (byte DFA); under a UTF-8 locale it is several times slower.
  const result = spawnSync('grep', ['-E', mode, '-f', patterns, file], {
    env: { ...process.env, LC_ALL: 'C' },
    // Piped, not ignored: with stdout on /dev/null GNU grep stops at the first match.
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1024 * 1024 * 1024,
  });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`grep ${mode} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

/**
 * MB/s of the streaming scrubber (1 MiB chunks, 20 literal secrets) over ~100 MB of mixed agent output,
 * against GNU `grep -E -c` with the same shapes and literal forms over the same text in a file.
 */
runBench(async () => {
  const secrets = benchSecrets();
  const { text, planted } = benchCorpus(SIZE, secrets);
  const bytes = Buffer.byteLength(text);
  const directory = temporaryDirectory('crewship-bench-scrubber-').path;
  const corpusFile = join(directory, 'corpus.txt');
  const patternFile = join(directory, 'patterns.txt');
  writeFileSync(corpusFile, text);
  writeFileSync(patternFile, grepPatternFile(secrets));

  const scrubber = createScrubber({ secrets });
  const streamOnce = () => {
    const stream = scrubber.stream();
    let output = 0;
    let redactions = 0;
    const count = (piece: string) => {
      output += piece.length;
      for (let at = piece.indexOf('[REDACTED:'); at !== -1; at = piece.indexOf('[REDACTED:', at + 1))
        redactions++;
    };
    const started = performance.now();
    for (let at = 0; at < text.length; at += CHUNK) count(stream.push(text.slice(at, at + CHUNK)));
    count(stream.end());
    return { elapsed: performance.now() - started, output, redactions };
  };
  scrubber.scrub(text.slice(0, 8 * CHUNK));

  const ours: number[] = [];
  const whole: number[] = [];
  const grepCount: number[] = [];
  let last = { elapsed: 0, output: 0, redactions: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    last = streamOnce();
    ours.push(last.elapsed);
    grepCount.push(timeGrep('-c', patternFile, corpusFile));
    const started = performance.now();
    scrubber.scrub(text);
    whole.push(performance.now() - started);
  }
  const grepOnly = timeGrep('-o', patternFile, corpusFile);
  if (last.redactions < planted)
    throw new Error(`planted ${planted} secrets but redacted only ${last.redactions}`);

  return {
    name: 'scrubber/scrubber-throughput',
    unit: 'MB/s',
    figure: megabytesPerSecond(bytes, median(ours)),
    baseline: megabytesPerSecond(bytes, median(grepCount)),
    baselineName: 'LC_ALL=C grep -E -c -f patterns (same shapes + literal forms, same text from a file)',
    details: {
      measured: `stream().push() in ${CHUNK / 1024 / 1024} MiB chunks + end(), median of ${ROUNDS}`,
      corpusMB: Math.round((bytes / 1024 / 1024) * 10) / 10,
      plantedSecrets: planted,
      redactions: last.redactions,
      literalSecrets: secrets.length,
      scrubWholeTextMBps: megabytesPerSecond(bytes, median(whole)),
      grepOnlyMatchingMBps: megabytesPerSecond(bytes, grepOnly),
      node: process.version,
    },
  };
});
