// Checks user-supplied rsync flags before they are added to argv. Nothing goes through a local
// shell, so shell syntax is harmless here EXCEPT where rsync hands a value to a remote shell
// (--rsync-path). What is refused and why:
//  - not starting with '-': a bare word would become an extra source path (write --opt=VALUE);
//  - line breaks / NUL anywhere: they would corrupt the shown command and the remote argv;
//  - -e/--rsh: cryptsync builds the ssh command itself from key, port and ssh options;
//  - --daemon, --server, --sender, --config: turn rsync into something other than a client;
//  - --dry-run/-n, --list-only, --only-write-batch, --read-batch: estimate and run are chosen by
//    cryptsync, and a run that silently transfers nothing must not look like success;
//  - --remove-source-files: a backup must never delete what it backs up;
//  - --quiet/-q, --out-format/--log-format, --stderr, --msgs2stderr, --help, --version: break,
//    replace or move the output the progress/stats parsers read from stdout (--help/--version
//    even exit 0 without transferring);
//  - the same refusals inside --remote-option/-M, which hands an option to the remote rsync;
//  - shell metacharacters in --rsync-path, which the remote shell interprets.
// This module must never modify the flags it is given.

const LINE_BREAK = /[\n\r\0]/;
const SHELL_META = /[;&|`$()<>\\\n*?!{}[\]~#'"]/;

/** long options refused, matched on the name before '=' (rsync accepts unique abbreviations, so prefixes too) */
const REFUSED_LONG: Record<string, string> = {
  '--rsh': 'the ssh command is built from the ssh key, port and options fields',
  '--daemon': 'cryptsync runs rsync as a client only',
  '--server': 'cryptsync runs rsync as a client only',
  '--sender': 'cryptsync runs rsync as a client only',
  '--config': 'cryptsync runs rsync as a client only',
  '--dry-run': 'dry runs are chosen by estimate / run',
  '--list-only': 'a listing transfers nothing and would look like success',
  '--only-write-batch': 'a batch-only run transfers nothing and would look like success',
  '--read-batch': 'reading a batch replaces the task source',
  '--remove-source-files': 'a backup must never delete its source',
  '--quiet': 'the run log and progress need rsync output',
  '--out-format': 'the progress and estimate parsers rely on the standard output format',
  '--log-format': 'the progress and estimate parsers rely on the standard output format',
  '--stderr': 'the progress and estimate parsers read rsync messages from stdout',
  '--msgs2stderr': 'the progress and estimate parsers read rsync messages from stdout',
  '--help': 'prints help and transfers nothing',
  '--version': 'prints the version and transfers nothing',
};
/** short options refused when they appear in a cluster like -avn */
const REFUSED_SHORT: Record<string, string> = {
  e: REFUSED_LONG['--rsh']!,
  n: REFUSED_LONG['--dry-run']!,
  q: REFUSED_LONG['--quiet']!,
  V: REFUSED_LONG['--version']!,
};
/** the shortest prefix rsync would accept for these is long; require at least this many characters */
const MIN_ABBREVIATION = 5;

/** Returns one message per problem; an empty list means the flags may be used. */
export function validateExtraFlags(flags: string[]): string[] {
  const errors: string[] = [];
  flags.forEach((flag, i) => {
    const where = `extra flag ${i + 1} '${printable(flag)}'`;
    const remoteOption = /^(?:--remote-option=|--remote-o[a-z-]*=|-M)(.+)$/.exec(flag);
    if (remoteOption) {
      for (const inner of validateExtraFlags([remoteOption[1]!])) errors.push(`${where}: remote ${inner.replace(/^extra flag 1 /, '')}`);
      return;
    }
    if (LINE_BREAK.test(flag)) {
      errors.push(`${where}: line breaks and NUL are not allowed`);
      return;
    }
    if (!flag.startsWith('-') || flag === '-' || flag === '--') {
      errors.push(`${where}: must be an option starting with '-' (write a value as --option=VALUE in one item)`);
      return;
    }
    if (flag.startsWith('--')) {
      const eq = flag.indexOf('=');
      const name = eq < 0 ? flag : flag.slice(0, eq);
      const refused = Object.keys(REFUSED_LONG).find(
        (full) => name === full || (name.length >= MIN_ABBREVIATION && full.startsWith(name)),
      );
      if (refused) errors.push(`${where}: ${refused} is not allowed: ${REFUSED_LONG[refused]}`);
      if ('--rsync-path'.startsWith(name) && name.length >= MIN_ABBREVIATION) {
        // its value runs in the remote shell: it must come in the same item, where it can be checked
        if (eq < 0) errors.push(`${where}: write --rsync-path=PROGRAM as one item`);
        else if (SHELL_META.test(flag.slice(eq + 1))) errors.push(`${where}: --rsync-path runs in the remote shell; shell metacharacters are not allowed`);
      }
      return;
    }
    // A short cluster: letters until the first one that takes a value (then the rest is its value).
    for (const ch of flag.slice(1)) {
      if (REFUSED_SHORT[ch]) {
        errors.push(`${where}: -${ch} is not allowed: ${REFUSED_SHORT[ch]}`);
        break;
      }
      if (SHORT_WITH_VALUE.has(ch)) break;
    }
  });
  return errors;
}

/** short options whose value follows directly (-B1024, -T/tmp, -M--fake-super) */
const SHORT_WITH_VALUE = new Set(['B', 'T', 'M', 'f', '@']);

function printable(s: string): string {
  return s.replace(/[\n\r\0]/g, '?');
}
