// `rawprobe lab up|down|exec|show`: network labs in namespaces (lib/lab/). Declared in
// cli/options/lab.ts; cli/run/lab.ts does the work, loaded only when a lab subcommand runs.
// Every decision is the library's.
import type { Argv } from 'yargs';
import * as o from '../options/lab.js';
import { lazyCommand } from './lazy.js';

const upBuilder = (y: Argv) => y.positional('file', o.up.positionals.file).options(o.up.options);
const downBuilder = (y: Argv) => y.positional('lab', o.down.positionals.lab).options(o.down.options);
// Everything after `--` is the command, verbatim: no number parsing ("0x10" stays "0x10").
const execBuilder = (y: Argv) =>
  y
    .positional('node', o.exec.positionals.node)
    .positional('cmd', o.exec.positionals.cmd)
    .options(o.exec.options)
    .parserConfiguration({ 'populate--': true, 'parse-positional-numbers': false });
const showBuilder = (y: Argv) => y.positional('name', o.show.positionals.name).options(o.show.options);

const run = () => import('../run/lab.js');
const up = lazyCommand(o.up.help, upBuilder, () => run().then((m) => ({ run: m.up })));
const down = lazyCommand(o.down.help, downBuilder, () => run().then((m) => ({ run: m.down })));
const exec = lazyCommand(o.exec.help, execBuilder, () => run().then((m) => ({ run: m.exec })));
const show = lazyCommand(o.show.help, showBuilder, () => run().then((m) => ({ run: m.show })));

export const lab = {
  ...o.lab,
  builder: (y: Argv) => y.command(up).command(down).command(exec).command(show).demandCommand(1, 'name a lab command: up, down, exec or show'),
  handler: (): void => {},
};
