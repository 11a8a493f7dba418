/**
 * The POSIX sh scripts `exec` runs inside a crew container. They are passed as `sh -c SCRIPT NAME ARGS…`
 * so no value is ever spliced into shell text.
 */

/**
 * Runs the command as the leader of a new session (so its process group id is its pid), with that pid
 * in a file only while it runs. `$1` is the pid file, the rest is the command. The wrapper's own stderr
 * goes to /dev/null so its "Killed" notice never mixes with the command's output.
 */
export const GROUP_WRAPPER = `f=$1; shift; exec 3>&2 2>/dev/null; setsid sh -c 'exec 2>&3 3>&-; echo $$ > "$0"; exec "$@"' "$f" "$@"; c=$?; rm -f "$f"; exit $c`;

/** Kills the process group named in the pid file `$1`, waiting up to ~1 s for the file to appear. */
export const GROUP_KILLER = `i=0; while [ ! -s "$1" ]; do i=$((i+1)); [ "$i" -gt 20 ] && exit 3; sleep 0.05; done; read -r p < "$1"; case "$p" in ""|*[!0-9]*) exit 4;; esac; kill -s KILL -- "-$p"`;

/**
 * The tmux pane's program, started with an empty environment: `$1` the FIFO dir, `$2` the pid file,
 * `$3` the working directory, the rest the command.
 * - It takes the exec's environment from `$1/env` (so one exec never sees another's variables through
 *   the shared tmux server) and deletes the file at once.
 * - fd 9 keeps the pane's terminal open: tmux destroys a pane (and SIGHUPs it) once nothing holds it.
 * - The pid is written only after the FIFOs are open, so a kill can never strand the readers.
 * - A tmux pane leads its own session, so `$$` is the process group the killer kills.
 */
const TMUX_PANE = `d=$1; f=$2; w=$3; shift 3
. "$d/env"; rm -f "$d/env"; cd "$w" || exit 1
exec 9<>/dev/tty <"$d/in" >"$d/out" 2>"$d/err"
echo $$ > "$f"
"$@" 9>&-
echo $? > "$d/exit"`;

/**
 * Runs the command in a tmux session when the image has tmux, streaming its output through FIFOs and
 * reading its exit code from a file; anything else (no tmux, no mkfifo, tmux refusing) falls back to
 * `GROUP_WRAPPER`. `stdbuf -oL` line-buffers the command's stdout when the image has it.
 * Arguments: `$1` pid file, `$2` session name, `$3` GROUP_WRAPPER, `$4` TMUX_PANE, the rest the command.
 * - A taken session name gets `-2`, `-3`… (up to 100 tries).
 * - A watchdog opens the FIFOs read-write if the session ends before the pane opened them, which
 *   unblocks the readers instead of hanging forever.
 * - stdin reaches the pane through `$d/in`: it is moved to fd 4 first because a background job's stdin
 *   is otherwise /dev/null.
 * - A killed pane writes no exit file: 137, as a SIGKILLed direct command reports.
 */
const TMUX_WRAPPER = `f=$1; s=$2; g=$3; p=$4; shift 4
command -v stdbuf >/dev/null 2>&1 && set -- stdbuf -oL "$@"
d=
direct() { [ -n "$d" ] && rm -rf "$d"; exec sh -c "$g" crewship-exec "$f" "$@"; }
command -v tmux >/dev/null 2>&1 || direct "$@"
d=$(mktemp -d /tmp/.crewship-tmux.XXXXXX) || direct "$@"
{ mkfifo "$d/in" "$d/out" "$d/err" && export -p > "$d/env"; } 2>/dev/null || direct "$@"
n=$s; i=1
until tmux new-session -d -s "$n" -- /usr/bin/env -i /bin/sh -c "$p" crewship-pane "$d" "$f" "$(pwd)" "$@" 2>/dev/null; do
  tmux has-session -t "=$n" 2>/dev/null && [ "$i" -lt 100 ] || direct "$@"
  i=$((i+1)); n="$s-$i"
done
( while [ ! -e "$f" ] && tmux has-session -t "=$n" 2>/dev/null; do sleep 0.2; done
  [ -e "$f" ] || for x in in out err; do : <>"$d/$x"; done ) >/dev/null 2>&1 &
k=$!
exec 4<&0
cat <&4 >"$d/in" 4<&- 2>/dev/null &
exec 4<&-
cat "$d/err" >&2 &
e=$!
cat "$d/out"
wait "$e"
kill "$k" 2>/dev/null
c=137; [ -s "$d/exit" ] && read -r c < "$d/exit"
rm -rf "$d" "$f"
exit "$c"`;

/** The `Cmd` of the Docker exec that runs `cmd`, directly or through tmux. */
export function execCommand(
  cmd: readonly string[],
  pidFile: string,
  tmuxSession: string | undefined,
): string[] {
  if (tmuxSession === undefined) return ['sh', '-c', GROUP_WRAPPER, 'crewship-exec', pidFile, ...cmd];
  return ['sh', '-c', TMUX_WRAPPER, 'crewship-exec', pidFile, tmuxSession, GROUP_WRAPPER, TMUX_PANE, ...cmd];
}
