// Shared by the Cursor and Droid stand-ins: strict argv parsing, prompt from argv or stdin, recording.
import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Parses argv like commander: `--name value`, `--name=value`, boolean flags, `--` ending options.
 * Unknown options exit 1 the way the real CLIs do.
 */
export function parseArgs(argv, spec) {
  const options = {};
  const positionals = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const [flag, inline] = arg.split(/=(.*)/s);
    const name = spec.aliases?.[flag] ?? flag;
    if (spec.booleans.includes(name)) options[name] = true;
    else if (spec.values.includes(name)) {
      const value = inline ?? argv[++index];
      if (value === undefined) fail(`error: option '${flag}' argument missing`);
      options[name] = value;
    } else fail(`error: unknown option '${flag}'`);
  }
  return { options, positionals };
}

export function fail(message, code = 1) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** The prompt: positional words, or all of stdin when there are none (as `echo … | cli` works). */
export function readPrompt(positionals) {
  if (positionals.length > 0) return positionals.join(' ');
  return readFileSync(0, 'utf8');
}

/** What the test inspects afterwards: argv, prompt and cwd, written to STAND_IN_RECORD. */
export function record(details) {
  const path = process.env.STAND_IN_RECORD;
  if (path)
    writeFileSync(path, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), ...details }));
}

export function emit(object) {
  process.stdout.write(`${JSON.stringify(object)}\n`);
}

export const scenario = () => process.env.STAND_IN_SCENARIO ?? 'text';
export const reply = () => process.env.STAND_IN_REPLY ?? 'Hello from the stand-in';
export const FILE_CONTENT = 'hi from the agent\n';
