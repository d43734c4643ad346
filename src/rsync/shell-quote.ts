// Quoting for display and for the ssh command string rsync splits itself. cryptsync never runs a
// shell: formatShellCommand exists only so a user can copy the exact command into a terminal.

/** characters that never need quoting in a POSIX shell word */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One POSIX shell word that the shell turns back into exactly `arg`. */
export function quoteShellWord(arg: string): string {
  if (arg !== '' && SAFE_WORD.test(arg)) return arg;
  // Inside single quotes nothing is special except the closing quote itself.
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A copyable POSIX shell line that runs argv0 with exactly these arguments. */
export function formatShellCommand(argv0: string, args: string[]): string {
  return [argv0, ...args].map(quoteShellWord).join(' ');
}

/**
 * One word of rsync's `-e` command. rsync splits that string itself, on spaces only, and
 * understands '...' and "..." where a doubled quote inside stands for one literal quote (no
 * backslashes). So quoting here follows rsync's rules, not the shell's.
 */
export function quoteRshWord(word: string): string {
  if (word !== '' && !/[\s'"]/.test(word)) return word;
  return `'${word.replace(/'/g, "''")}'`;
}
