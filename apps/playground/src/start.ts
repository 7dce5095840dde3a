// Entry of `pnpm start` at the repository root: runs the tour when no command is given, else the
// command given (`pnpm start race --workers 2`), so the script need not name a command itself.
if (process.argv.length <= 2) process.argv.push('tour');
await import('./cli.js');
