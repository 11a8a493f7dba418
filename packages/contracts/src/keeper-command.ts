/**
 * The syntax gate for `/keeper/execute`: the sidecar runs it, the server runs it again (defence in
 * depth). Keeper runs the command with `sh -c` while a credential sits in its environment, so the
 * command must be ONE program with literal arguments. Refused:
 *
 * - more than 4096 characters, an empty command, any control character (NUL, CR, LF, tab, DEL, C1),
 *   Unicode format characters (direction overrides, zero-width), invisible fillers and non-ASCII spaces;
 * - outside single quotes (double-quoted text is checked like unquoted text):
 *   `;` `|` `&` (also `&&` `||` `|&` `&>`), `` ` ``, `>` `<` (redirections, here-docs, here-strings,
 *   process substitution), `\` (escapes), `(` `)` (subshells), `{` `}` (brace expansion, groups),
 *   `!` (history, negation), `^` (the Bourne shell's pipe), `#` starting a word (comment), and every `$`
 *   except plain `$NAME` (so `$(`, `${`, `$'…'` ANSI-C quoting, `$"…"`, `$1`, `$$`, `$?` are out);
 * - unterminated quotes;
 * - a first word that is an assignment (`NAME=value cmd`: Keeper alone sets the environment), holds an
 *   expansion or an unquoted glob, or names a shell, an evaluating builtin (`eval`, `exec`, `source`,
 *   `.`), a program runner (`env`, `xargs`, `sudo`, `timeout`, ...), a script-text tool (`awk`, `sed`)
 *   or an editor/pager that can spawn a shell;
 * - a shell anywhere followed by a `-c`-like flag, an interpreter anywhere with its inline-code flag
 *   (`python -c`, `perl -e`, `ruby -e`, `node -e/-p/-r/--eval`, `php -r`, ...), and options known to run
 *   commands (`find -exec`, `git -c`, `ssh -o ProxyCommand`, `rsync -e`, `tar --to-command`, ...).
 *
 * Percent-encoded text such as `%3B` is accepted: the shell never decodes it, so it stays literal.
 * Scripts on disk (`./deploy.sh`, `python3 tool.py`) are accepted; judging them is the Keeper's job.
 * The lists are not exhaustive (see GTFOBins): rules, the judge and the scrubber remain the controls.
 */
export const KEEPER_COMMAND_MAX_CHARS = 4096;

export type KeeperCommandCheck = { ok: true } | { ok: false; reason: string };

/** Characters a viewer cannot see or that reorder text: they could hide what a command really does. */
const HIDDEN_CHARACTER =
  /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000\u115F\u1160\u3164\uFFA0\u2800]|\u034F|[\uFE00-\uFE0F]/u;

const METACHARACTERS: ReadonlyMap<string, string> = new Map([
  [';', 'command separator'],
  ['|', 'pipe'],
  ['&', 'background or logical operator'],
  ['`', 'command substitution'],
  ['>', 'redirection or process substitution'],
  ['<', 'redirection, here-document or process substitution'],
  ['\\', 'escape'],
  ['(', 'subshell or process substitution'],
  [')', 'subshell'],
  ['{', 'brace expansion or command group'],
  ['}', 'brace expansion or command group'],
  ['!', 'history expansion or negation'],
  ['^', 'Bourne shell pipe'],
]);

const SHELLS = new Set([
  'sh',
  'bash',
  'rbash',
  'dash',
  'ash',
  'zsh',
  'ksh',
  'ksh93',
  'mksh',
  'pdksh',
  'oksh',
  'yash',
  'posh',
  'fish',
  'csh',
  'tcsh',
  'busybox',
  'toybox',
  'pwsh',
  'powershell',
  'nu',
  'elvish',
  'xonsh',
]);

/** Shell builtins and keywords that evaluate code or change how the rest of the line is read. */
const BUILTINS = new Set([
  'eval',
  'exec',
  'source',
  '.',
  'command',
  'builtin',
  'enable',
  'let',
  'declare',
  'typeset',
  'local',
  'readonly',
  'export',
  'unset',
  'alias',
  'trap',
  'set',
  'shopt',
  'hash',
  'read',
  'mapfile',
  'readarray',
  'printf',
  'test',
  '[',
  '[[',
  'coproc',
  'function',
  'time',
  'fc',
  'history',
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'for',
  'while',
  'until',
  'do',
  'done',
  'case',
  'esac',
  'select',
]);

/** Programs whose arguments name another program to run. */
const RUNNERS = new Set([
  'env',
  'xargs',
  'parallel',
  'nohup',
  'timeout',
  'nice',
  'ionice',
  'renice',
  'stdbuf',
  'unbuffer',
  'setsid',
  'setpriv',
  'taskset',
  'chrt',
  'prlimit',
  'sudo',
  'su',
  'sg',
  'doas',
  'runuser',
  'newgrp',
  'chroot',
  'unshare',
  'nsenter',
  'capsh',
  'flock',
  'watch',
  'script',
  'strace',
  'ltrace',
  'gdb',
  'valgrind',
  'catchsegv',
  'systemd-run',
  'start-stop-daemon',
  'entr',
]);

/** Programs whose first argument is a program text (`awk 'BEGIN{system(...)}'`, GNU `sed e`). */
const SCRIPT_TEXT_TOOLS = new Set(['awk', 'gawk', 'mawk', 'nawk', 'sed', 'gsed', 'expect']);

/** Interactive programs with a built-in way to spawn a shell. */
const SHELL_ESCAPES = new Set([
  'vi',
  'vim',
  'nvim',
  'ex',
  'view',
  'ed',
  'emacs',
  'less',
  'more',
  'man',
  'nano',
]);

interface InlineCodeFlags {
  /** Short-option letters (matched case-insensitively inside a `-xyz` cluster). */
  short: string;
  long: readonly string[];
}

const INTERPRETERS: ReadonlyArray<readonly [RegExp, InlineCodeFlags]> = [
  [/^(python|pypy)[0-9.]*$/, { short: 'c', long: [] }],
  [/^perl[0-9.]*$/, { short: 'e', long: [] }],
  [/^j?ruby[0-9.]*$/, { short: 'e', long: [] }],
  [
    /^(node|nodejs)[0-9.]*$/,
    { short: 'epr', long: ['--eval', '--print', '--require', '--import', '--loader'] },
  ],
  [/^bun$/, { short: 'epr', long: ['--eval', '--print', '--preload'] }],
  [/^php[0-9.]*(-cli)?$/, { short: 'rbe', long: ['--run', '--process-begin', '--process-code'] }],
  [/^(lua|luajit)[0-9.]*$/, { short: 'e', long: [] }],
  [/^(r|rscript)$/, { short: 'e', long: ['--expr'] }],
  [/^julia$/, { short: 'e', long: ['--eval', '--print'] }],
  [/^osascript$/, { short: 'e', long: [] }],
];

interface Word {
  /** The text as written, quotes included. */
  raw: string;
  /** The text after quote removal (`$NAME` kept as written). */
  value: string;
  expands: boolean;
  globs: boolean;
}

const reject = (reason: string): KeeperCommandCheck => ({ ok: false, reason });

const codePoint = (character: string) =>
  `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Checks a `/keeper/execute` command; see the module comment for what is refused and why. */
export function checkKeeperCommand(command: string): KeeperCommandCheck {
  if (typeof command !== 'string') return reject('command must be a string');
  if (command.length > KEEPER_COMMAND_MAX_CHARS) {
    return reject(`command is longer than ${KEEPER_COMMAND_MAX_CHARS} characters`);
  }
  const hidden = HIDDEN_CHARACTER.exec(command);
  if (hidden) return reject(`command contains a control or invisible character (${codePoint(hidden[0])})`);

  const split = splitWords(command);
  if ('reason' in split) return reject(split.reason);
  const words = split.words;
  const first = words[0];
  if (first === undefined) return reject('command is empty');

  if (/^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(first.raw)) {
    return reject('environment assignments are not allowed; Keeper sets the environment');
  }
  if (first.expands) return reject('the program name must be literal, not a $ expansion');
  if (first.globs) return reject('the program name must not contain glob characters');
  const program = programName(first.value);
  if (program === '') return reject('the program name is empty');
  if (SHELLS.has(program)) return reject(`'${program}' is a shell; give the command itself`);
  if (BUILTINS.has(program)) return reject(`'${program}' evaluates shell code`);
  if (RUNNERS.has(program)) return reject(`'${program}' runs another program; give the program itself`);
  if (SCRIPT_TEXT_TOOLS.has(program))
    return reject(`'${program}' runs a program text that can execute commands`);
  if (SHELL_ESCAPES.has(program)) return reject(`'${program}' can spawn a shell`);
  const optionProblem = checkRiskyOptions(program, words.slice(1));
  if (optionProblem !== null) return reject(optionProblem);

  for (const [index, word] of words.entries()) {
    const name = programName(word.value);
    const rest = words.slice(index + 1);
    if (SHELLS.has(name) && rest.some((next) => hasShortFlag(next.value, 'c'))) {
      return reject(`'${name}' is given inline code`);
    }
    for (const [pattern, flags] of INTERPRETERS) {
      if (!pattern.test(name)) continue;
      if (rest.some((next) => hasShortFlag(next.value, flags.short) || hasLongFlag(next.value, flags.long))) {
        return reject(`'${name}' is given inline code`);
      }
    }
  }
  return { ok: true };
}

function splitWords(command: string): { words: Word[] } | { reason: string } {
  const words: Word[] = [];
  let word: Word | null = null;
  let start = 0;
  let state: 'plain' | 'single' | 'double' = 'plain';
  for (let index = 0; index < command.length; index += 1) {
    const character = command[index]!;
    if (state === 'single') {
      if (character === "'") state = 'plain';
      else word!.value += character;
      continue;
    }
    if (state === 'plain' && character === ' ') {
      if (word !== null) {
        word.raw = command.slice(start, index);
        words.push(word);
        word = null;
      }
      continue;
    }
    if (word === null) {
      word = { raw: '', value: '', expands: false, globs: false };
      start = index;
    }
    const at = `at position ${index + 1}`;
    if (character === "'" && state === 'plain') {
      state = 'single';
      continue;
    }
    if (character === '"') {
      state = state === 'double' ? 'plain' : 'double';
      continue;
    }
    if (character === '$') {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(command.slice(index + 1, index + 130));
      if (name === null) {
        const next = command[index + 1];
        const what =
          next === '('
            ? "'$(' command substitution"
            : next === '{'
              ? "'${' parameter expansion"
              : next === "'"
                ? "'$'' ANSI-C quoting"
                : next === undefined || next === ' '
                  ? "a bare '$'"
                  : `'$${next}'`;
        return { reason: `${what} ${at} is not allowed; only plain $NAME expansion is` };
      }
      word.value += `$${name[0]}`;
      word.expands = true;
      index += name[0].length;
      continue;
    }
    const metacharacter = METACHARACTERS.get(character);
    if (metacharacter !== undefined) {
      return {
        reason: `shell metacharacter '${character}' (${metacharacter}) ${at} is only allowed inside single quotes`,
      };
    }
    if (character === '#' && state === 'plain' && index === start) {
      return { reason: `'#' ${at} would start a comment` };
    }
    if (state === 'plain' && (character === '*' || character === '?' || character === '[')) word.globs = true;
    word.value += character;
  }
  if (state !== 'plain') return { reason: `unterminated ${state} quote` };
  if (word !== null) {
    word.raw = command.slice(start);
    words.push(word);
  }
  return { words };
}

function programName(value: string): string {
  return value.slice(value.lastIndexOf('/') + 1).toLowerCase();
}

function hasShortFlag(value: string, letters: string): boolean {
  if (letters === '' || !/^-[^-]/.test(value)) return false;
  const cluster = value.slice(1).split('=')[0]!.toLowerCase();
  return [...letters].some((letter) => cluster.includes(letter));
}

function hasLongFlag(value: string, names: readonly string[]): boolean {
  const lower = value.toLowerCase();
  return names.some((name) => lower === name || lower.startsWith(`${name}=`));
}

/** Options of common programs that run a command given in the option itself. */
function checkRiskyOptions(program: string, args: readonly Word[]): string | null {
  const values = args.map((arg) => arg.value);
  const lower = values.map((value) => value.toLowerCase());
  const found = (test: (value: string, index: number) => boolean) => values.findIndex(test);
  const refuse = (index: number) =>
    index < 0 ? null : `'${program} ${values[index]}' can run arbitrary commands`;
  switch (program) {
    case 'find':
      return refuse(found((_, index) => /^-(exec|execdir|ok|okdir)$/.test(lower[index]!)));
    case 'git':
      return refuse(
        found(
          (value, index) =>
            value === '-c' ||
            (value.startsWith('-c') && value.includes('=')) ||
            /^--(config-env|exec-path|upload-pack|receive-pack)(=|$)/.test(lower[index]!) ||
            /^ext::/.test(lower[index]!),
        ),
      );
    case 'ssh':
    case 'scp':
    case 'sftp':
      return refuse(
        found(
          (value, index) =>
            /(proxycommand|localcommand|knownhostscommand)/.test(lower[index]!) ||
            value.startsWith('-F') ||
            (program !== 'ssh' && value.startsWith('-S')) ||
            (program === 'sftp' && value.startsWith('-D')),
        ),
      );
    case 'rsync':
      return refuse(found((value, index) => value.startsWith('-e') || /^--rsh(=|$)/.test(lower[index]!)));
    case 'tar':
      return refuse(
        found(
          (value, index) =>
            value.startsWith('-I') ||
            value.startsWith('-F') ||
            /^--(to-command|use-compress-program|checkpoint-action|info-script|new-volume-script)(=|$)/.test(
              lower[index]!,
            ),
        ),
      );
    case 'zip':
      return refuse(found((value, index) => value === '-TT' || /^--unzip-command(=|$)/.test(lower[index]!)));
    case 'deno':
      return refuse(found((value) => value === 'eval' || value === 'repl'));
    default:
      return null;
  }
}
