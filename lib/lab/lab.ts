// Bringing labs up and down, and the Lab handle tests and the CLI work through.
//
// `labUp` checks everything it can before touching the system (the spec, privileges, tools, the
// name), then runs the plan: one `ip -batch` creates every namespace and veth, then each node is
// configured in parallel (sysctl, `ip -batch`, `nft -f`, `tc`). If any step fails, everything
// with the lab's prefix is removed before the error is thrown: a failed `up` leaves nothing. The
// same holds for an interrupted one (options.signal, aborted on Ctrl-C by the CLI: interrupt.ts).
// A lab that half exists (a killed `up`, a crashed test) is cleaned up by the next `up` of its name.
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { delimiter } from 'node:path';
import { addressPolicyProblem, DEFAULT_ICMP_RATELIMIT_MS, NAME_PATTERN } from './spec.js';
import type { LabSpec } from './spec.js';
import { formatAddress, parseAddress } from './address.js';
import type { Family } from './address.js';
import { configureBatch, createBatch, delayCommands, icmpRatelimitSysctls, nodeRuleset, nodeSysctls } from './commands.js';
import { LAB_STEP, LabError, LabSpecError } from './errors.js';
import type { LabStep } from './errors.js';
import { interfaceAddress, namespacePrefix, planLab } from './plan.js';
import type { LabPlan, PlanNode } from './plan.js';
import { tracePath, tracePaths } from './route.js';
import type { LabPath } from './route.js';
import { listStates, readState, removeState, writeState } from './state.js';
import { UpRunner } from './interrupt.js';
import type { LabState } from './state.js';
import { describeBatchFailure, describeMissing, findTool, listNamespaces, missingCapabilities, run, runFailure, start } from './system.js';
import type { RunOptions, RunResult } from './system.js';

export interface LabUpOptions {
  /** Bring the lab up under this name instead of the file's (tests: a unique name per run). */
  name?: string;
  /** Accept addresses outside the documentation and loopback ranges. */
  allowAnyAddress?: boolean;
  /** If a lab of this name is fully up, take it down first instead of failing. */
  replace?: boolean;
  /** The lab belongs to this process: labSweep() removes it once the process is gone. */
  temporary?: boolean;
  /** The file the spec came from, shown by `lab show`. */
  source?: string | null;
  /**
   * Interrupts the up (the CLI aborts it on SIGINT, SIGTERM, SIGHUP, with the signal's name as the
   * reason): the tools running are stopped, everything made so far is removed, and labUp rejects
   * with LabInterruptedError.
   */
  signal?: AbortSignal;
  /** Each node, once it is configured: its name, how many are, of how many (a progress line). */
  onNode?: (node: string, done: number, total: number) => void;
}

export interface LabDownResult {
  name: string;
  /** The namespaces removed (empty when the lab was not up). */
  namespaces: string[];
  /** Processes still running inside the lab that were killed. */
  killed: number;
}

export interface AddressOptions {
  /** 4 (default) or 6. */
  family?: Family;
  /** The address on the link to this neighbour, instead of the node's first one. */
  toward?: string;
}

export async function labUp(spec: LabSpec, options: LabUpOptions = {}): Promise<Lab> {
  const name = options.name ?? spec.name;
  if (!NAME_PATTERN.test(name)) {
    throw new LabSpecError('name', `"${name}" is not a valid lab name: 1 to 32 letters, digits, "-" or "_", starting with a letter or digit`, options.source ?? null);
  }
  if (!options.allowAnyAddress) {
    const problem = addressPolicyProblem(spec);
    if (problem !== null) throw new LabSpecError(problem.path, problem.reason, options.source ?? null);
  }
  const plan = planLab(spec, name);
  const rulesets = new Map(plan.nodes.map((n) => [n.name, nodeRuleset(plan, n)]));
  const delays = new Map(plan.nodes.map((n) => [n.name, delayCommands(plan, n)]));

  await requirePrivileges(name);
  const tools: Tools = {
    ip: await requireTool(name, 'ip'),
    sysctl: await requireTool(name, 'sysctl'),
    nft: [...rulesets.values()].some((r) => r !== null) ? await requireTool(name, 'nft') : null,
    tc: [...delays.values()].some((d) => d.length > 0) ? await requireTool(name, 'tc') : null,
  };

  const runner = new UpRunner(options.signal);
  try {
    runner.check(name);
    await claimName(name, options.replace ?? false, tools.ip);
    return await build(plan, rulesets, tools, runner, options);
  } finally {
    runner.dispose();
  }
}

/** Creates and configures everything, records the lab; on any failure or interruption removes it all. */
async function build(plan: LabPlan, rulesets: Map<string, string | null>, tools: Tools, runner: UpRunner, options: LabUpOptions): Promise<Lab> {
  const name = plan.name;
  try {
    runner.check(name);
    await step(name, LAB_STEP.create, async () => {
      const input = createBatch(plan);
      const r = await runner.run(tools.ip, ['-batch', '-'], { input });
      if (r.code !== 0) throw new Error(describeBatchFailure(r, input));
    });
    runner.check(name);
    let done = 0;
    const configured = await Promise.allSettled(
      plan.nodes.map(async (node) => {
        await configureNode(plan, node, rulesets.get(node.name) ?? null, tools, runner);
        options.onNode?.(node.name, ++done, plan.nodes.length);
      }),
    );
    runner.check(name);
    const failed = configured.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    const state: LabState = {
      version: 1,
      name,
      source: options.source ?? null,
      createdAt: new Date().toISOString(),
      owner: { pid: process.pid, temporary: options.temporary ?? false },
      plan,
    };
    await step(name, LAB_STEP.state, () => writeState(state));
    runner.check(name);
    return new Lab(state, tools.ip);
  } catch (err) {
    let removed: LabDownResult;
    try {
      removed = await removeLab(name, tools.ip);
    } catch (cleanupErr) {
      const e = err as Error;
      e.message += `; and cleaning up failed too: ${(cleanupErr as Error).message}`;
      throw err;
    }
    // Checked after the clean-up too: Ctrl-C reaches the tools of the process group before our
    // handler runs, so a step can fail of the signal before the interruption is seen.
    throw runner.interruption(name, removed.namespaces.length) ?? err;
  }
}

/** Takes a lab down: kills what runs inside it, deletes its namespaces (recorded or merely
 * prefixed with its name) and its record. Taking down a lab that is not up does nothing. */
export async function labDown(name: string): Promise<LabDownResult> {
  if (!NAME_PATTERN.test(name)) throw new LabSpecError('name', `"${name}" is not a valid lab name`);
  await requirePrivileges(name);
  const ip = await requireTool(name, 'ip');
  return step(name, LAB_STEP.down, () => removeLab(name, ip));
}

/** A handle on a lab that is up, from its record (the CLI's `exec` and `show`, another process). */
export async function openLab(name: string): Promise<Lab> {
  const state = NAME_PATTERN.test(name) ? await readState(name) : null;
  if (state === null) throw new LabError(name, LAB_STEP.open, `no lab named "${name}" is up`);
  return new Lab(state, await requireTool(name, 'ip'));
}

/** Names of the labs that are up (recorded). */
export async function listLabs(): Promise<string[]> {
  return listStates();
}

/** Takes down every temporary lab whose owner process is gone (a killed test worker). */
export async function labSweep(): Promise<string[]> {
  const swept: string[] = [];
  for (const name of await listStates()) {
    const state = await readState(name);
    if (state === null || !state.owner.temporary || isAlive(state.owner.pid)) continue;
    await removeLab(name, await requireTool(name, 'ip'));
    swept.push(name);
  }
  return swept;
}

/** null when this process may build and enter labs, else the reason it may not. */
export async function labPrivilegeProblem(): Promise<string | null> {
  const missing = await missingCapabilities();
  return missing.length === 0 ? null : describeMissing(missing);
}

/** This process's environment with node_modules directories dropped from PATH (see findTool). */
export function systemEnv(): NodeJS.ProcessEnv {
  const path = (process.env['PATH'] ?? '').split(delimiter).filter((d) => !d.split('/').includes('node_modules'));
  return { ...process.env, PATH: path.join(delimiter) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lab that is up. Node names are the lab file's (`h1`), never namespace names. */
export class Lab {
  readonly name: string;
  readonly plan: LabPlan;
  readonly source: string | null;
  private readonly children = new Set<ChildProcess>();

  /** @param ip the full path of iproute2's `ip` (see findTool). */
  constructor(
    state: LabState,
    private readonly ip: string = 'ip',
  ) {
    this.name = state.name;
    this.plan = state.plan;
    this.source = state.source;
  }

  /** Node names in file order. */
  get nodes(): string[] {
    return this.plan.nodes.map((n) => n.name);
  }

  node(name: string): PlanNode {
    const node = this.plan.nodes.find((n) => n.name === name);
    if (node === undefined) throw new LabError(this.name, LAB_STEP.open, `no node named "${name}" (nodes: ${this.nodes.join(', ')})`);
    return node;
  }

  /** The namespace the node lives in: `ip netns exec <this> ...`. */
  namespace(node: string): string {
    return this.node(node).namespace;
  }

  /** The node's address (no prefix length): its first of that family, or the one facing `toward`. */
  address(node: string, options: AddressOptions = {}): string {
    const family = options.family ?? 4;
    const n = this.node(node);
    const candidates = options.toward === undefined ? n.interfaces : n.interfaces.filter((i) => i.peer === options.toward);
    for (const iface of candidates) {
      const a = interfaceAddress(iface, family);
      if (a !== null) return formatAddress(family, a.value);
    }
    const where = options.toward === undefined ? '' : ` toward "${options.toward}"`;
    throw new LabError(this.name, LAB_STEP.open, `node "${node}" has no IPv${family} address${where}`);
  }

  /** The path from node `from` to `to` (a node name, meaning its first address, or an address). */
  path(from: string, to: string, family: Family = 4): LabPath {
    this.node(from);
    const destination = parseAddress(to) !== null ? to : this.address(to, { family });
    return tracePath(this.plan, from, destination);
  }

  /** Every path from `from` to `to` a multipath route on the way allows (path() is the first). */
  paths(from: string, to: string, family: Family = 4): LabPath[] {
    this.node(from);
    const destination = parseAddress(to) !== null ? to : this.address(to, { family });
    return tracePaths(this.plan, from, destination);
  }

  /**
   * Runs `argv` inside the node and waits for it; never rejects for a non-zero exit. Unless
   * `options.env` is given, PATH loses its node_modules/.bin entries (see findTool), so `nft`
   * in a test is nftables.
   */
  async exec(node: string, argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    if (argv.length === 0) throw new LabError(this.name, LAB_STEP.exec, 'no command given');
    try {
      return await run(this.ip, ['netns', 'exec', this.namespace(node), ...argv], { ...options, env: options.env ?? systemEnv() });
    } catch (err) {
      throw new LabError(this.name, LAB_STEP.exec, toolFailure(err));
    }
  }

  /** Starts a long-running `argv` inside the node (PATH as for exec). down() kills it if it is still running. */
  spawn(node: string, argv: readonly string[], options: SpawnOptions = {}): ChildProcess {
    if (argv.length === 0) throw new LabError(this.name, LAB_STEP.exec, 'no command given');
    const child = start(this.ip, ['netns', 'exec', this.namespace(node), ...argv], { ...options, env: options.env ?? systemEnv() });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    child.on('error', () => this.children.delete(child));
    return child;
  }

  /** ICMP rate limit of a node, at runtime: false = off, true = kernel default, or ms. */
  async setIcmpRatelimit(node: string, value: boolean | number): Promise<void> {
    const ms = value === true ? DEFAULT_ICMP_RATELIMIT_MS : value === false ? 0 : value;
    if (!Number.isInteger(ms) || ms < 0) throw new LabError(this.name, LAB_STEP.ratelimit, `${String(value)} is not true, false or whole milliseconds`);
    const n = this.node(node);
    const sysctl = await requireTool(this.name, 'sysctl');
    const r = await this.exec(node, [sysctl, '-q', '-e', '-w', ...icmpRatelimitSysctls(ms)]);
    if (r.code !== 0) throw new LabError(this.name, LAB_STEP.ratelimit, `node ${node}: ${runFailure(r, 'sysctl')}`);
    n.icmpRatelimit = ms;
    const state = await readState(this.name);
    if (state !== null) {
      const recorded = state.plan.nodes.find((x) => x.name === node);
      if (recorded !== undefined) recorded.icmpRatelimit = ms;
      await writeState(state);
    }
  }

  /** Takes the lab down (see labDown), first killing what this handle spawned. */
  async down(): Promise<LabDownResult> {
    for (const child of this.children) child.kill('SIGKILL');
    this.children.clear();
    return step(this.name, LAB_STEP.down, () => removeLab(this.name, this.ip));
  }
}

// ---- Steps -----------------------------------------------------------------------------------

/** Full paths of the system tools a lab runs (never found in node_modules: see findTool). */
interface Tools {
  ip: string;
  sysctl: string;
  nft: string | null;
  tc: string | null;
}

const TOOL_PACKAGE = { ip: 'iproute2', sysctl: 'procps', nft: 'nftables', tc: 'iproute2' } as const;
const TOOL_USE = { ip: '', sysctl: '', nft: '; this lab\'s impairments need it', tc: '; this lab\'s delays need it' } as const;

async function requirePrivileges(lab: string): Promise<void> {
  const problem = await labPrivilegeProblem();
  if (problem !== null) throw new LabError(lab, LAB_STEP.privileges, problem);
}

async function requireTool(lab: string, tool: keyof typeof TOOL_PACKAGE): Promise<string> {
  const path = await findTool(tool);
  if (path === null) {
    throw new LabError(lab, LAB_STEP.tools, `"${tool}" (Debian package ${TOOL_PACKAGE[tool]}) is not in PATH${TOOL_USE[tool]}`);
  }
  return path;
}

async function step<T>(lab: string, which: LabStep, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LabError || err instanceof LabSpecError) throw err;
    throw new LabError(lab, which, toolFailure(err));
  }
}

function toolFailure(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { path?: string };
  if (e.code === 'ENOENT' && typeof e.path === 'string') return `"${e.path}" is not in PATH`;
  return e.message ?? String(err);
}

async function configureNode(plan: LabPlan, node: PlanNode, ruleset: string | null, tools: Tools, runner: UpRunner): Promise<void> {
  const lab = plan.name;
  const ns = node.namespace;
  await step(lab, LAB_STEP.sysctl, async () => {
    // -e: a kernel without IPv6 has no net.ipv6 keys; that is no reason to fail an IPv4 lab.
    const r = await runner.run(tools.ip, ['netns', 'exec', ns, tools.sysctl, '-q', '-e', '-w', ...nodeSysctls(node)]);
    if (r.code !== 0) throw new Error(`node ${node.name}: ${runFailure(r)}`);
  });
  await step(lab, LAB_STEP.configure, async () => {
    const input = configureBatch(node);
    const r = await runner.run(tools.ip, ['-n', ns, '-batch', '-'], { input });
    if (r.code !== 0) throw new Error(`node ${node.name}: ${describeBatchFailure(r, input)}`);
  });
  if (ruleset !== null) {
    await step(lab, LAB_STEP.nft, async () => {
      const r = await runner.run(tools.ip, ['netns', 'exec', ns, tools.nft!, '-f', '-'], { input: ruleset });
      if (r.code !== 0) throw new Error(`node ${node.name}: ${runFailure(r)}`);
    });
  }
  for (const d of delayCommands(plan, node)) {
    await step(lab, LAB_STEP.delay, async () => {
      const r = await runner.run(tools.tc!, d.args);
      if (r.code === 0) return;
      const link = plan.links[d.link]!;
      const what = `links[${d.link}] (${link.a.node}-${link.b.node}) asks for ${link.delayMs} ms of delay`;
      if (/qdisc kind is unknown/i.test(r.stderr)) {
        throw new Error(`${what}, but this kernel has no netem qdisc (sch_netem, CONFIG_NET_SCH_NETEM); remove "delay" from the lab or use a kernel with netem`);
      }
      throw new Error(`${what}: tc: ${runFailure(r)}`);
    });
  }
}

/** Refuses a name that is fully up (unless replacing); clears one that half exists. */
async function claimName(name: string, replace: boolean, ip: string): Promise<void> {
  const state = await readState(name);
  const prefix = namespacePrefix(name);
  const present = (await listNamespaces()).filter((ns) => ns.startsWith(prefix));
  if (state !== null && !replace) {
    const complete = state.plan.nodes.every((n) => present.includes(n.namespace));
    if (complete) {
      const from = state.source === null ? '' : ` from ${state.source}`;
      throw new LabError(name, LAB_STEP.name, `a lab named "${name}" is already up (since ${state.createdAt}${from}); take it down first with "rawprobe lab down ${name}", or replace it (--replace)`);
    }
  }
  if (state !== null || present.length > 0) {
    await step(name, LAB_STEP.cleanup, () => removeLab(name, ip));
  }
}

async function removeLab(name: string, ip: string): Promise<LabDownResult> {
  const prefix = namespacePrefix(name);
  // Every namespace with the prefix, recorded or not: a killed `up` leaves no record.
  const namespaces = (await listNamespaces()).filter((ns) => ns.startsWith(prefix));
  let killed = 0;
  if (namespaces.length > 0) {
    // A process left inside keeps its namespace, veths and all, alive after `netns del`: end them.
    const pids = await run(ip, ['-force', '-batch', '-'], { input: namespaces.map((ns) => `netns pids ${ns}\n`).join('') });
    for (const pid of pids.stdout.split(/\s+/).filter((p) => /^[0-9]+$/.test(p)).map(Number)) {
      if (pid === process.pid) continue;
      try {
        process.kill(pid, 'SIGKILL');
        killed += 1;
      } catch {
        // already gone
      }
    }
    const input = namespaces.map((ns) => `netns del ${ns}\n`).join('');
    const r = await run(ip, ['-force', '-batch', '-'], { input });
    const left = (await listNamespaces()).filter((ns) => ns.startsWith(prefix));
    if (left.length > 0) {
      throw new LabError(name, LAB_STEP.down, `could not delete ${left.join(', ')}: ${runFailure(r, 'ip')}`);
    }
  }
  await removeState(name);
  return { name, namespaces, killed };
}
