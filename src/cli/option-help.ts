// The help text of options many commands share, written once so every --help says the same.
/** --profile: which set of tasks (and run log) a command works on */
export const PROFILE_HELP = 'profile: a separate set of tasks with its own run log (default: "default")';
/** --json: the machine-readable output of every command */
export const JSON_HELP = 'one JSON object per line';
