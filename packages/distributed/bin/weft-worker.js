#!/usr/bin/env node
// The `weft-worker` command. The CLI itself is built into dist/; this file is tracked so that
// `pnpm install` on a fresh clone can link the command before anything is built (pnpm warns about
// a bin whose file does not exist yet).
await import('../dist/cli.js');
