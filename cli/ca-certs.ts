// The other half of the launcher's NODE_EXTRA_CA_CERTS rule (./rawprobe): node started without
// the variable, so that it did not load certificates rawprobe never uses; the programs rawprobe
// runs (lab exec, a lab's peers) get it back as the user set it.

/** Where the launcher keeps the user's NODE_EXTRA_CA_CERTS while node starts. */
export const KEPT_CA_CERTS = 'RAWPROBE_NODE_EXTRA_CA_CERTS';

/** Puts NODE_EXTRA_CA_CERTS back as it was before the launcher moved it aside (nothing when it did not). */
export function restoreExtraCaCerts(env: NodeJS.ProcessEnv = process.env): void {
  const kept = env[KEPT_CA_CERTS];
  if (kept === undefined) return;
  env['NODE_EXTRA_CA_CERTS'] = kept;
  delete env[KEPT_CA_CERTS];
}
