// A router that rewrites the TCP SYNs it forwards, as middleboxes do: an MSS clamped on a tunnel,
// an option a firewall strips, a window or sequence number rewritten, ECN setup (ECE, CWR)
// cleared. One nftables rule each, in the node's forward chain (commands.ts); what `trace -T`
// finds from the routers' quotes (lib/wire/quote-diff.ts).
//
//   "rewriteTcp": {
//     "mss": 1300,                     tcp option maxseg size set 1300 (only ever lowers, as a clamp)
//     "resetOptions": ["sack-perm"],   reset tcp option sack-perm (the option's bytes become NOPs):
//                                      maxseg, window, sack-perm, timestamp
//     "window": 1000,                  tcp window set 1000
//     "sequence": 1000,                tcp sequence set 1000
//     "clearEcnFlags": true            ECE and CWR cleared (tcp flags set syn)
//   }

/** The options nftables can reset, by its names. */
export const RESETTABLE_OPTIONS = ['maxseg', 'window', 'sack-perm', 'timestamp'] as const;

export interface TcpRewrite {
  mss: number | null;
  resetOptions: string[];
  window: number | null;
  sequence: number | null;
  clearEcnFlags: boolean;
}

/** As a lab file gives it. */
export interface TcpRewriteInit {
  mss?: number;
  resetOptions?: (typeof RESETTABLE_OPTIONS)[number][];
  window?: number;
  sequence?: number;
  clearEcnFlags?: boolean;
}

type Fail = (path: string, reason: string) => never;

const FIELDS = ['mss', 'resetOptions', 'window', 'sequence', 'clearEcnFlags'];

function whole(v: unknown, path: string, max: number, fail: Fail): number | null {
  if (v === undefined) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) return fail(path, `${JSON.stringify(v)}; must be a whole number from 0 to ${max}`);
  return v;
}

/** Reads `rewriteTcp` at `path`; `fail` throws naming the field. */
export function parseTcpRewrite(raw: unknown, path: string, fail: Fail): TcpRewrite {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(path, 'must be an object');
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!FIELDS.includes(k)) fail(`${path}.${k}`, `unknown field; expected one of ${FIELDS.join(', ')}`);
  const reset = o['resetOptions'] ?? [];
  if (!Array.isArray(reset) || reset.some((r) => !(RESETTABLE_OPTIONS as readonly unknown[]).includes(r))) {
    fail(`${path}.resetOptions`, `${JSON.stringify(reset)}; must be a list of ${RESETTABLE_OPTIONS.join(', ')}`);
  }
  const clear = o['clearEcnFlags'] ?? false;
  if (typeof clear !== 'boolean') fail(`${path}.clearEcnFlags`, `${JSON.stringify(clear)}; must be true or false`);
  const r: TcpRewrite = {
    mss: whole(o['mss'], `${path}.mss`, 0xffff, fail),
    resetOptions: reset as string[],
    window: whole(o['window'], `${path}.window`, 0xffff, fail),
    sequence: whole(o['sequence'], `${path}.sequence`, 0xffffffff, fail),
    clearEcnFlags: clear as boolean,
  };
  if (r.mss === null && r.resetOptions.length === 0 && r.window === null && r.sequence === null && !r.clearEcnFlags) {
    fail(path, 'give at least one of mss, resetOptions, window, sequence, clearEcnFlags');
  }
  return r;
}

/** The nftables rules (forward chain) for the rewrite: they act on SYNs without ACK, a client's first segment. */
export function tcpRewriteRules(r: TcpRewrite): string[] {
  const syn = 'tcp flags & (syn | ack) == syn';
  const rules: string[] = [];
  if (r.mss !== null) rules.push(`${syn} tcp option maxseg size > ${r.mss} tcp option maxseg size set ${r.mss}`);
  for (const option of r.resetOptions) rules.push(`${syn} reset tcp option ${option}`);
  if (r.window !== null) rules.push(`${syn} tcp window set ${r.window}`);
  if (r.sequence !== null) rules.push(`${syn} tcp sequence set ${r.sequence}`);
  if (r.clearEcnFlags) rules.push(`${syn} tcp flags set syn`);
  return rules;
}

/** For `lab show`: "rewrites forwarded SYNs: MSS 1300, resets sack-perm". */
export function describeTcpRewrite(r: TcpRewrite): string {
  const parts: string[] = [];
  if (r.mss !== null) parts.push(`MSS clamped to ${r.mss}`);
  if (r.resetOptions.length > 0) parts.push(`options ${r.resetOptions.join(', ')} reset`);
  if (r.window !== null) parts.push(`window ${r.window}`);
  if (r.sequence !== null) parts.push(`sequence ${r.sequence}`);
  if (r.clearEcnFlags) parts.push('ECE and CWR cleared');
  return `rewrites forwarded SYNs: ${parts.join(', ')}`;
}
