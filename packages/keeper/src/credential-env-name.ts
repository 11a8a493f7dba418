/** `github-token` → `GITHUB_TOKEN`; `1password` → `_1PASSWORD`. */
export function credentialEnvName(credentialName: string): string {
  const name = credentialName.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

const RESERVED = new Set([
  'PATH',
  'HOME',
  'USER',
  'SHELL',
  'PWD',
  'OLDPWD',
  'TMPDIR',
  'IFS',
  'ENV',
  'BASH_ENV',
  'CDPATH',
  'SHELLOPTS',
  'BASHOPTS',
  'GLOBIGNORE',
  'PROMPT_COMMAND',
  'PS1',
  'PS2',
  'PS4',
  'NODE_OPTIONS',
  'PYTHONSTARTUP',
  'PYTHONPATH',
  'PERL5OPT',
  'PERL5LIB',
  'RUBYOPT',
]);

/** Variables that steer the shell, the loader or an interpreter: the credential never goes there. */
export function isReservedEnvName(name: string): boolean {
  return name === '' || RESERVED.has(name) || name.startsWith('LD_') || name.startsWith('BASH_FUNC_');
}
