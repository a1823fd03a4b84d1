// Facts about the machine a results.json was measured on: a figure means little without them.
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';

export interface MachineFacts {
  cpuModel: string;
  cores: number;
  kernel: string;
  os: string;
  memoryGb: number;
  node: string;
  /**
   * 1-minute load average when the run started: above about 0 on an idle machine, so a figure
   * taken while something else ran can be recognised as such.
   */
  loadAverage: number;
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    return m?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function machineFacts(): MachineFacts {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    kernel: release(),
    os: osName(),
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
  };
}
