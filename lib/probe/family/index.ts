// The probing commands' per-version tables (family.ts): `familyOf(6)`.
import type { ProbeFamily } from './family.js';
import { FAMILY4 } from './family4.js';
import { FAMILY6 } from './family6.js';

export type { ErrorDetail, FamilySocketOptions, HeaderTemplate, ProbeFamily, TemplateHeader, UpperInit } from './family.js';
export { FAMILY4, FAMILY6 };

/** The table of IP version `version`. */
export function familyOf(version: 4 | 6): ProbeFamily {
  return version === 6 ? FAMILY6 : FAMILY4;
}
