// setsockopt/getsockopt by name (through the option table) or by number, for every socket
// class in lib/socket: the one place that turns an option name into (level, name, kind).
import type { NativeSocket } from './addon.js';
import { constants } from './constants.js';
import { ErrorCode, socketError } from './errors.js';
import {
  OPTIONS,
  OPTION_NAMES,
  isOptionName,
  type Linger,
  type OptionKind,
  type OptionLevel,
  type OptionName,
  type Timeval,
} from './options.js';

/** An option by name from the table, or by number as [level, name]. */
export type OptionRef = OptionName | readonly [level: OptionLevel | number, name: number];
export type RawOptionValue = number | boolean | Uint8Array | Linger | Timeval;

/** The value shape of a numeric [level, name] option, from the value itself. */
function kindOfValue(value: unknown): OptionKind {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'int';
  if (value instanceof Uint8Array) return 'bytes';
  if (typeof value === 'object' && value !== null) {
    if ('enabled' in value) return 'linger';
    if ('microseconds' in value) return 'timeval';
  }
  throw socketError(
    ErrorCode.invalidArgType,
    'an option value must be a number, a boolean, a Buffer, {enabled, seconds} or {seconds, microseconds}',
    'TypeError',
  );
}

export function levelNumber(level: OptionLevel | number): number {
  return typeof level === 'number' ? level : constants[level];
}

export function optionSpec(name: string): (typeof OPTIONS)[OptionName] {
  if (!isOptionName(name)) {
    throw socketError(
      ErrorCode.unknownOption,
      `unknown socket option '${name}': known options are ${OPTION_NAMES.join(', ')} (or pass [level, name] numbers)`,
    );
  }
  return OPTIONS[name];
}

/**
 * Sets an option by name (value in the table's shape) or by number (shape from the value).
 * By number nothing is refused on the kernel's behalf: that is the way to watch Linux accept
 * SO_BSDCOMPAT and ignore it.
 */
export function setOptionOn(native: NativeSocket, option: OptionRef, value: unknown): void {
  if (typeof option === 'string') {
    const spec = optionSpec(option);
    if (spec.access === 'ignored' && value === true) {
      throw socketError(ErrorCode.optionIgnored, `Linux accepts ${option} but ignores it (removed in 2.6); it always reads 0`);
    }
    native.setOption(constants[spec.level], constants[option as OptionName], spec.kind, value, option);
  } else {
    const [level, name] = option;
    native.setOption(levelNumber(level), name, kindOfValue(value), value);
  }
}

/** Reads an option by name (table shape) or by number (`kind`, 'int' unless told; `size` for bytes). */
export function getOptionOn(native: NativeSocket, option: OptionRef, kind: OptionKind = 'int', size?: number): unknown {
  if (typeof option === 'string') {
    const spec = optionSpec(option);
    return native.getOption(constants[spec.level], constants[option as OptionName], spec.kind, spec.size ?? undefined, option);
  }
  const [level, name] = option;
  return native.getOption(levelNumber(level), name, kind, size);
}
