// `rawprobe lab ...` as a user runs it: output, exit codes, one-line errors. The file checks need
// no root; bringing labs up, and the non-root run (setpriv), do.
import test, { type ExecutionContext } from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rawprobe as cli } from '../helpers/cli.js';
import { rootTest } from '../helpers/privilege.js';
import { labFixture, uniqueLabName } from '../helpers/lab.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { labDown } from '../../lib/lab/index.js';
import { listNamespaces } from '../../lib/lab/system.js';

const rootOnly = rootTest();
/** Runs rawprobe as nobody, without any capability. */
const AS_NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--inh-caps=-all'];

function tempLab(t: ExecutionContext, content: unknown): string {
  const file = join(tempDir(t, 'lab'), 'lab.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

async function namespacesOf(name: string): Promise<string[]> {
  return (await listNamespaces()).filter((ns) => ns.startsWith(`${name}.`));
}

test('an invalid lab file: exit 2, one line naming the field and the reason', async (t) => {
  const file = tempLab(t, { nodes: { h1: { role: 'host' }, h2: { role: 'host' } }, links: [{ between: ['h1', 'h2'], mtu: 70000 }] });
  const r = await cli(['lab', 'up', file, '--name', 'never-created']);
  t.is(r.code, 2);
  t.is(r.stdout, '');
  t.is(r.stderr, `rawprobe: ${file}: links[0].mtu: 70000; must be a whole number from 68 to 65535\n`);
});

test('an address outside the documentation ranges needs --allow-any-address', async (t) => {
  const file = tempLab(t, {
    nodes: { h1: { role: 'host' }, h2: { role: 'host' } },
    links: [{ between: ['h1', 'h2'], addresses: { h1: '10.9.8.1/24', h2: '10.9.8.2/24' } }],
  });
  const r = await cli(['lab', 'up', file, '--name', 'never-created']);
  t.is(r.code, 2);
  t.regex(r.stderr, /^rawprobe: .*lab\.json: links\[0\]\.addresses\.h1: 10\.9\.8\.1\/24 is outside the documentation and loopback ranges .*--allow-any-address.*\n$/);
  t.is(r.stderr.split('\n').length, 2, 'one line');
});

test('lab exec without a command, and lab with no subcommand, are usage errors', async (t) => {
  const r = await cli(['lab', 'exec', 'x.h1']);
  t.is(r.code, 2);
  t.regex(r.stderr, /rawprobe: lab exec: (no command|needs root)/);
  const bare = await cli(['lab']);
  t.is(bare.code, 2);
  t.regex(bare.stderr, /name a lab command: up, down, exec or show/);
});

toolTest(['ping'], rootOnly)('lab up, show, exec, down: output and exit codes', async (t) => {
  const name = uniqueLabName('cli');
  try {
    const up = await cli(['lab', 'up', 'fixtures/labs/chain3.json', '--name', name]);
    t.is(up.code, 0, up.stderr);
    t.regex(up.stdout, new RegExp(`^lab ${name} is up: 5 nodes, 4 links \\(\\d+ ms\\)\n`));
    t.regex(up.stdout, new RegExp(`try: rawprobe lab exec ${name}\\.h1 -- traceroute -n 203\\.0\\.113\\.6`));
    t.deepEqual(await namespacesOf(name), ['h1', 'h2', 'r1', 'r2', 'r3'].map((n) => `${name}.${n}`));

    const show = await cli(['lab', 'show', name]);
    t.is(show.code, 0);
    t.regex(show.stdout, new RegExp(`lab ${name} from fixtures/labs/chain3\\.json, up since `));
    for (const needle of [`${name}.r2`, 'eth0 203.0.113.1/30 2001:db8::1/64 (to r1)', 'default via 203.0.113.2 dev eth0', 'default via 2001:db8::2 dev eth0', '203.0.113.4/30 via 198.51.100.6 dev eth1']) {
      t.true(show.stdout.includes(needle), needle);
    }
    const json = JSON.parse((await cli(['lab', 'show', name, '--json'])).stdout) as { name: string; live: boolean; complete: boolean; nodes: { node: string }[] }[];
    t.is(json.length, 1);
    t.like(json[0], { name, live: true, complete: true });
    t.deepEqual(json[0]!.nodes.map((n) => n.node), ['h1', 'r1', 'r2', 'r3', 'h2']);
    const all = await cli(['lab', 'show']);
    t.true(all.stdout.includes(`lab ${name} `), 'show without a name lists it');

    const ping = await cli(['lab', 'exec', `${name}.h1`, '--', 'ping', '-c', '1', '-W', '2', '203.0.113.6']);
    t.is(ping.code, 0);
    t.regex(ping.stdout, /1 packets transmitted, 1 received/);
    const verbatim = await cli(['lab', 'exec', '--lab', name, 'h2', '--', 'echo', '0x10', '007', '--not-an-option']);
    t.is(verbatim.stdout, '0x10 007 --not-an-option\n', 'arguments after -- pass unparsed');
    const code = await cli(['lab', 'exec', `${name}.h2`, '--', 'sh', '-c', 'exit 3']);
    t.is(code.code, 3, 'exec exits with the command\'s code');
    const noNode = await cli(['lab', 'exec', `${name}.r9`, '--', 'true']);
    t.is(noNode.code, 2);
    t.is(noNode.stderr, `rawprobe: lab exec: lab ${name} has no node "r9" (nodes: h1, r1, r2, r3, h2)\n`);

    const twice = await cli(['lab', 'up', 'fixtures/labs/chain3.json', '--name', name]);
    t.is(twice.code, 2);
    t.regex(twice.stderr, new RegExp(`^rawprobe: lab ${name}: claim the name failed: a lab named "${name}" is already up .*\n$`));

    const down = await cli(['lab', 'down', name]);
    t.is(down.code, 0);
    t.is(down.stdout, `lab ${name} is down: removed 5 namespaces\n`);
    t.deepEqual(await namespacesOf(name), []);
    const downAgain = await cli(['lab', 'down', name]);
    t.is(downAgain.code, 0);
    t.is(downAgain.stdout, `lab ${name} was not up; nothing to remove\n`);
    const showGone = await cli(['lab', 'show', name]);
    t.is(showGone.code, 2);
    t.is(showGone.stderr, `rawprobe: lab ${name}: find the lab failed: no lab named "${name}" is up\n`);
  } finally {
    await labDown(name);
  }
});

rootOnly('lab down FILE takes down the lab named in the file', async (t) => {
  const name = uniqueLabName('file');
  const file = tempLab(t, { name, nodes: { h1: { role: 'host' }, r1: { role: 'router' } }, links: [{ between: ['h1', 'r1'] }] });
  try {
    t.is((await cli(['lab', 'up', file])).code, 0);
    t.is((await namespacesOf(name)).length, 2);
    const down = await cli(['lab', 'down', file]);
    t.is(down.code, 0);
    t.is(down.stdout, `lab ${name} is down: removed 2 namespaces\n`);
    t.deepEqual(await namespacesOf(name), []);
  } finally {
    await labDown(name);
  }
});

toolTest(['setpriv'], rootOnly)('without root: lab up says which privileges are missing and creates nothing', async (t) => {
  const name = uniqueLabName('nonroot');
  const r = await cli(['lab', 'up', labFixture('chain3'), '--name', name], { via: AS_NOBODY });
  t.is(r.code, 2);
  t.is(
    r.stderr,
    `rawprobe: lab ${name}: check privileges failed: needs root: this process lacks CAP_SYS_ADMIN (to create and enter network namespaces) and CAP_NET_ADMIN (to configure their links, addresses and rules); run it as root, e.g. with sudo\n`,
  );
  t.deepEqual(await namespacesOf(name), []);
  const exec = await cli(['lab', 'exec', `${name}.h1`, '--', 'true'], { via: AS_NOBODY });
  t.is(exec.code, 2);
  t.regex(exec.stderr, /^rawprobe: lab exec: needs root: this process lacks CAP_SYS_ADMIN/);
});

rootOnly('without ip in PATH: lab up says so', async (t) => {
  const name = uniqueLabName('noip');
  const r = await cli(['lab', 'up', 'fixtures/labs/chain3.json', '--name', name], { env: { PATH: '/nonexistent' } });
  t.is(r.code, 2);
  t.is(r.stderr, `rawprobe: lab ${name}: find tools failed: "ip" (Debian package iproute2) is not in PATH\n`);
  t.deepEqual(await namespacesOf(name), []);
});
