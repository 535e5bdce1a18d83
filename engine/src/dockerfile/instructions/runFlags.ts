// RUN's `--mount` and `--device` values, read as BuildKit reads them: comma-separated `key=value`
// fields, with the same checks and error texts.

import type { Device, Mount, MountSharing, MountType } from './commands';
import { parseCsvFields, parseGoBool, parseGoInt, parseRamInBytes } from './goValues';
import { mountKeys, mountSharingModes, mountTypes } from './metadata';
import { withSuggestion } from './suggest';
import { goQuote } from '../text';

export type MountResult = { readonly mount: Mount } | { readonly error: string };

/** Expands one field value of a `--mount` (BuildKit expands values, not keys). */
export type MountExpander = (word: string) => { readonly value: string } | { readonly error: string };

/**
 * Reads a `--mount` value. With `evaluate` false this is the check BuildKit makes when it parses
 * the Dockerfile (values may still hold variables); with `evaluate` true (values taken as they are)
 * or an expander it is the full check BuildKit makes when it runs the instruction.
 */
export function parseMount(value: string, evaluate: boolean | MountExpander): MountResult {
  const fields = parseCsvFields(value);
  if ('error' in fields) return { error: `failed to parse csv mounts: ${fields.error}` };
  const m = {
    type: 'bind' as MountType,
    from: '',
    source: '',
    target: '',
    readOnly: false,
    sizeLimit: 0,
    cacheId: '',
    cacheSharing: '' as MountSharing | '',
    required: false,
    env: undefined as string | undefined,
    mode: undefined as number | undefined,
    uid: undefined as number | undefined,
    gid: undefined as number | undefined,
  };
  let roAuto = true;
  for (const field of fields.value) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    let val = eq < 0 ? '' : field.slice(eq + 1);
    if (eq < 0) {
      if (!evaluate) continue;
      switch (key) {
        case 'readonly':
        case 'ro':
          m.readOnly = true;
          roAuto = false;
          continue;
        case 'readwrite':
        case 'rw':
          m.readOnly = false;
          roAuto = false;
          continue;
        case 'required':
          if (m.type !== 'secret' && m.type !== 'ssh') {
            return { error: `unexpected key '${key}' for mount type '${m.type}'` };
          }
          m.required = true;
          continue;
        default:
          return { error: `invalid field '${field}' must be a key=value pair` };
      }
    }
    if (typeof evaluate === 'function') {
      const expanded = evaluate(val);
      if ('error' in expanded) return expanded;
      val = expanded.value;
    } else if (!evaluate) {
      if (key === 'from') {
        const dollar = val.indexOf('$');
        if (dollar !== -1 && dollar !== val.length - 1) {
          return { error: `'${key}' doesn't support variable expansion, define alias stage instead` };
        }
      }
      continue;
    }
    const bool = (): boolean | { error: string } =>
      parseGoBool(val) ?? { error: `invalid value for ${key}: ${val}` };
    switch (key) {
      case 'type': {
        const type = val.toLowerCase();
        if (!mountTypes.has(type)) {
          return {
            error: withSuggestion(
              `unsupported mount type ${goQuote(val)}`,
              val,
              [...mountTypes.keys()].sort(),
              true,
            ),
          };
        }
        m.type = type as MountType;
        break;
      }
      case 'from':
        m.from = val;
        break;
      case 'source':
      case 'src':
        m.source = val;
        break;
      case 'target':
      case 'dst':
      case 'destination':
        m.target = val;
        break;
      case 'readonly':
      case 'ro':
      case 'readwrite':
      case 'rw': {
        const b = bool();
        if (typeof b !== 'boolean') return b;
        m.readOnly = key === 'readonly' || key === 'ro' ? b : !b;
        roAuto = false;
        break;
      }
      case 'required': {
        if (m.type !== 'secret' && m.type !== 'ssh')
          return { error: `unexpected key '${key}' for mount type '${m.type}'` };
        const b = bool();
        if (typeof b !== 'boolean') return b;
        m.required = b;
        break;
      }
      case 'size': {
        if (m.type !== 'tmpfs') return { error: `unexpected key '${key}' for mount type '${m.type}'` };
        const size = parseRamInBytes(val);
        if (size === undefined) return { error: `invalid value for ${key}: ${val}` };
        m.sizeLimit = size;
        break;
      }
      case 'id':
        m.cacheId = val;
        break;
      case 'sharing': {
        const sharing = val.toLowerCase();
        if (!mountSharingModes.includes(sharing)) {
          return {
            error: withSuggestion(
              `unsupported sharing value ${goQuote(val)}`,
              val,
              [...mountSharingModes].sort(),
              true,
            ),
          };
        }
        m.cacheSharing = sharing as MountSharing;
        break;
      }
      case 'mode':
      case 'uid':
      case 'gid': {
        const n = parseGoInt(val, { base: key === 'mode' ? 8 : 10, signed: false });
        if ('error' in n) return { error: `invalid value ${val} for ${key}` };
        m[key] = n.value;
        break;
      }
      case 'env':
        m.env = val;
        break;
      default:
        return { error: withSuggestion(`unexpected key '${key}' in '${field}'`, key, mountKeys, true) };
    }
  }

  const fileInfoAllowed = m.type === 'secret' || m.type === 'ssh' || m.type === 'cache';
  if (!fileInfoAllowed) {
    for (const key of ['mode', 'uid', 'gid'] as const) {
      if (m[key] !== undefined) return { error: `${key} not allowed for ${goQuote(m.type)} type mounts` };
    }
  }
  if (roAuto) m.readOnly = !(m.type === 'cache' || m.type === 'tmpfs');
  if (m.type === 'secret') {
    if (m.from !== '') return { error: 'secret mount should not have a from' };
    if (m.cacheSharing !== '') return { error: 'secret mount should not define sharing' };
    if (m.source === '' && m.target === '' && m.cacheId === '') {
      return { error: 'invalid secret mount. one of source, target required' };
    }
    if (m.source !== '' && m.cacheId !== '') return { error: "both source and id can't be set" };
  }
  if (m.cacheSharing !== '' && m.type !== 'cache')
    return { error: `invalid cache sharing set for ${m.type} mount` };
  return { mount: m };
}

export type DeviceResult = { readonly device: Device } | { readonly error: string };

/** Reads a `--device` value: a CDI device name, optionally `,required`. */
export function parseDevice(value: string): DeviceResult {
  const fields = parseCsvFields(value);
  if ('error' in fields) return { error: `failed to parse csv devices: ${fields.error}` };
  let name = '';
  let required = false;
  for (const field of fields.value) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const val = eq < 0 ? '' : field.slice(eq + 1);
    if (eq < 0) {
      if (key === 'required') required = true;
      else if (name === '') name = field;
      else return { error: `invalid field '${field}' must be a key=value pair` };
      continue;
    }
    switch (key) {
      case 'name':
        if (name !== '') return { error: `device name already set to ${name}` };
        name = val;
        break;
      case 'required': {
        const b = parseGoBool(val);
        if (b === undefined) return { error: `invalid value for ${key}: ${val}` };
        required = b;
        break;
      }
      default:
        if (name === '') {
          name = field;
          break;
        }
        return {
          error: withSuggestion(`unexpected key '${key}' in '${field}'`, key, ['name', 'required'], true),
        };
    }
  }
  return { device: { name, required } };
}
