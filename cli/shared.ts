// What every file of the CLI bundle shares one copy of (cli/bundle.ts): cli/errors.ts, whose
// CliError is checked with instanceof, and cli/stopping.ts, which knows the run in progress.
// Bundled together as dist/app/shared.js, so that a run loads one file for both.
export * from './errors.js';
export * from './stopping.js';
