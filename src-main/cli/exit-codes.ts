// Exit codes every command shares. Their own module, so a command that only needs a code does not
// load the code of another command (serve-command.ts loads the whole node).

/** Exit code for a configuration the node cannot start with (a usage error, as in sysexits' spirit). */
export const EXIT_INVALID_CONFIG = 2;
