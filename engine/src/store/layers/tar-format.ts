// A binary-safe tar reader and writer for image layers. The 512-byte header blocks are encoded by
// the `tar` package's Header and decoded here, as that Header decodes them (see decodeHeader); this
// module adds what layers need and `tar` drops: pax records kept as bytes (SCHILY.xattr.* values
// such as security.capability are binary), hard limits on metadata sizes, and a synchronous push
// interface so the unpacker controls every file operation.
import { Header } from 'tar/header';

export type TarEntryType =
  'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'directory' | 'fifo' | 'unsupported';

export interface TarEntry {
  path: string;
  type: TarEntryType;
  /** The raw tar type flag, for error messages about unsupported entries. */
  typeFlag: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  uname?: string;
  gname?: string;
  mtime: Date;
  atime?: Date;
  linkpath?: string;
  devmajor: number;
  devminor: number;
  xattrs: Map<string, Buffer>;
}

/** Receives an entry's body; `end` is called once, after every byte was written. */
export interface EntrySink {
  write(chunk: Buffer): void;
  end(): void;
}

export class TarFormatError extends Error {
  override name = 'TarFormatError';
}

/** Metadata records (pax headers, GNU long names) larger than this make the archive invalid. */
export const maxMetaSize = 1 << 20;

const typeByFlag: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'directory',
  D: 'directory',
  '6': 'fifo',
};

type PaxRecords = Map<string, Buffer>;

/** Parses pax extended header records (`<len> <key>=<value>\n`), keeping values as bytes. */
export function parsePax(data: Buffer): PaxRecords {
  const records: PaxRecords = new Map();
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break;
    const space = data.indexOf(0x20, pos);
    if (space < 0) throw new TarFormatError('malformed pax header (no length)');
    const len = Number(data.subarray(pos, space).toString('latin1'));
    if (!Number.isSafeInteger(len) || len <= space - pos + 1 || pos + len > data.length) {
      throw new TarFormatError('malformed pax header (bad record length)');
    }
    const record = data.subarray(space + 1, pos + len - 1); // without the trailing newline
    const eq = record.indexOf(0x3d);
    if (eq < 0 || data[pos + len - 1] !== 0x0a) throw new TarFormatError('malformed pax header record');
    records.set(record.subarray(0, eq).toString('utf8'), Buffer.from(record.subarray(eq + 1)));
    pos += len;
  }
  return records;
}

/** Encodes pax records; the length prefix counts its own digits. */
export function encodePax(records: Iterable<[string, Buffer | string]>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of records) {
    const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from('\n')]);
    let len = body.length + 1;
    while (String(len).length + body.length > len) len++;
    parts.push(Buffer.from(String(len)), body);
  }
  return Buffer.concat(parts);
}

type State =
  | { kind: 'header' }
  | { kind: 'meta'; flag: string; remaining: number; padding: number; parts: Buffer[] }
  | { kind: 'body'; sink: EntrySink; remaining: number; padding: number }
  | { kind: 'padding'; remaining: number }
  | { kind: 'end' };

/**
 * Push parser: `write` chunks as they arrive, `end` at the end of input. `onEntry` is called for
 * each entry and returns where its body goes. Any malformation throws a TarFormatError.
 */
export class TarReader {
  private state: State = { kind: 'header' };
  private pending: Buffer | undefined;
  private local: PaxRecords = new Map();
  private global: PaxRecords = new Map();
  private gnuLongPath: string | undefined;
  private gnuLongLink: string | undefined;
  private zeroBlocks = 0;
  entries = 0;

  constructor(private readonly onEntry: (entry: TarEntry) => EntrySink) {}

  write(chunk: Buffer): void {
    let data = chunk;
    if (this.pending) {
      data = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    let pos = 0;
    while (pos < data.length) {
      const state = this.state;
      switch (state.kind) {
        case 'end':
          return; // trailing data after the end-of-archive blocks is ignored, as GNU tar does
        case 'header': {
          if (data.length - pos < 512) {
            this.pending = Buffer.from(data.subarray(pos));
            return;
          }
          this.header(data.subarray(pos, pos + 512));
          pos += 512;
          break;
        }
        case 'body': {
          const n = Math.min(state.remaining, data.length - pos);
          if (n > 0) state.sink.write(data.subarray(pos, pos + n));
          state.remaining -= n;
          pos += n;
          if (state.remaining === 0) {
            state.sink.end();
            this.state = state.padding ? { kind: 'padding', remaining: state.padding } : { kind: 'header' };
          }
          break;
        }
        case 'meta': {
          const n = Math.min(state.remaining, data.length - pos);
          state.parts.push(Buffer.from(data.subarray(pos, pos + n)));
          state.remaining -= n;
          pos += n;
          if (state.remaining === 0) {
            this.meta(state.flag, Buffer.concat(state.parts));
            this.state = state.padding ? { kind: 'padding', remaining: state.padding } : { kind: 'header' };
          }
          break;
        }
        case 'padding': {
          const n = Math.min(state.remaining, data.length - pos);
          state.remaining -= n;
          pos += n;
          if (state.remaining === 0) this.state = { kind: 'header' };
          break;
        }
      }
    }
  }

  end(): void {
    if (this.state.kind === 'end') return;
    // EOF right after a complete entry (no end-of-archive blocks) is accepted, as tar tools do.
    if (this.state.kind === 'header' && !this.pending && this.local.size === 0 && !this.gnuLongPath) return;
    throw new TarFormatError('the archive ends in the middle of an entry (truncated layer?)');
  }

  private header(block: Buffer): void {
    if (block.every((b) => b === 0)) {
      if (++this.zeroBlocks === 2) this.state = { kind: 'end' };
      return;
    }
    this.zeroBlocks = 0;
    const h = decodeHeader(block);
    if (!h.cksumValid) throw new TarFormatError(`bad header checksum after ${this.entries} entries`);
    const flag = block.subarray(156, 157).toString('latin1');
    const isMeta = flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K';
    // A pending pax `size` describes the next file entry, never an intervening metadata header
    // (applying it there desynchronises the stream: the tar file-smuggling family).
    const paxSize = isMeta ? undefined : (this.local.get('size') ?? this.global.get('size'));
    const size = paxSize !== undefined ? Number(paxSize.toString()) : (h.size ?? 0);
    if (!Number.isSafeInteger(size) || size < 0) throw new TarFormatError(`bad entry size in "${h.path}"`);
    const padding = (512 - (size % 512)) % 512;
    if (isMeta) {
      if (size > maxMetaSize) {
        throw new TarFormatError(
          `a ${flag === 'L' || flag === 'K' ? 'GNU long name' : 'pax'} header of ${size} bytes exceeds the ${maxMetaSize}-byte limit`,
        );
      }
      if (size === 0) return;
      this.state = { kind: 'meta', flag, remaining: size, padding, parts: [] };
      return;
    }
    const entry = this.makeEntry(h, flag, size);
    this.entries++;
    const sink = this.onEntry(entry);
    const bodySize = entry.type === 'file' ? size : 0;
    // Non-file entries with a size (rare, e.g. hard links in some archivers) have their data skipped.
    if (bodySize > 0) {
      this.state = { kind: 'body', sink, remaining: bodySize, padding };
    } else {
      sink.end();
      const skip = size - bodySize + padding;
      if (size > 0 && entry.type !== 'file') this.state = { kind: 'padding', remaining: skip };
    }
  }

  private meta(flag: string, data: Buffer): void {
    if (flag === 'x') for (const [k, v] of parsePax(data)) this.local.set(k, v);
    else if (flag === 'g') for (const [k, v] of parsePax(data)) this.global.set(k, v);
    else if (flag === 'L') this.gnuLongPath = cString(data);
    else this.gnuLongLink = cString(data);
  }

  private makeEntry(h: DecodedHeader, flag: string, size: number): TarEntry {
    const pax = new Map([...this.global, ...this.local]);
    const text = (key: string) => pax.get(key)?.toString('utf8');
    const num = (key: string, fallback: number) => {
      const v = text(key);
      return v === undefined ? fallback : Number(v);
    };
    const date = (key: string, fallback?: Date) => {
      const v = text(key);
      return v === undefined ? fallback : new Date(Number(v) * 1000);
    };
    const xattrs = new Map<string, Buffer>();
    for (const [key, value] of pax) {
      if (key.startsWith('SCHILY.xattr.')) xattrs.set(key.slice('SCHILY.xattr.'.length), value);
      else if (key.startsWith('LIBARCHIVE.xattr.')) {
        xattrs.set(
          decodeURIComponent(key.slice('LIBARCHIVE.xattr.'.length)),
          Buffer.from(value.toString(), 'base64'),
        );
      }
    }
    const entry: TarEntry = {
      path: text('path') ?? this.gnuLongPath ?? h.path ?? '',
      type: typeByFlag[flag] ?? 'unsupported',
      typeFlag: flag,
      size,
      mode: h.mode ?? 0o644,
      uid: num('uid', h.uid ?? 0),
      gid: num('gid', h.gid ?? 0),
      uname: text('uname') ?? h.uname,
      gname: text('gname') ?? h.gname,
      mtime: date('mtime', h.mtime) ?? new Date(0),
      atime: date('atime', h.atime),
      linkpath: text('linkpath') ?? this.gnuLongLink ?? h.linkpath,
      devmajor: h.devmaj,
      devminor: h.devmin,
      xattrs,
    };
    // Old archivers mark directories as regular files whose name ends in '/'.
    if ((flag === '0' || flag === '\0') && entry.path.endsWith('/')) entry.type = 'directory';
    this.local = new Map();
    this.gnuLongPath = undefined;
    this.gnuLongLink = undefined;
    if (
      !Number.isSafeInteger(entry.uid) ||
      !Number.isSafeInteger(entry.gid) ||
      entry.uid < 0 ||
      entry.gid < 0
    ) {
      throw new TarFormatError(`bad owner in "${entry.path}"`);
    }
    return entry;
  }
}

/** The fields of a ustar header block, as the `tar` package's Header decodes them. */
export interface DecodedHeader {
  path: string;
  mode?: number;
  uid?: number;
  gid?: number;
  /** Absent when negative; 0 for a directory. */
  size?: number;
  mtime?: Date;
  atime?: Date;
  linkpath: string;
  uname?: string;
  gname?: string;
  devmaj: number;
  devmin: number;
  cksumValid: boolean;
}

const ustarMagic = Buffer.from('ustar\x0000', 'latin1');

/**
 * Decodes a header block with the same results as `new Header(block)` of the `tar` package, which
 * this replaced on the unpack path: the same fields, prefixes and checksum rule, read with plain
 * loops over the bytes instead of a string, a regular expression and parseInt per field (that was
 * ~70 us per entry in a fresh process, most of the unpack of a small layer such as busybox's).
 * Strings end at their first NUL. Exported for its test, which holds it to `tar`'s results.
 */
export function decodeHeader(b: Buffer): DecodedHeader {
  const flag = b[156];
  let path = field(b, 0, 100);
  let size = notNegative(octal(b, 124, 12));
  // A directory has no body, and old archivers mark one as a regular file whose name ends in '/'.
  if (flag === 0x35 || (flag === 0x30 && path.endsWith('/'))) size = 0;
  const h: DecodedHeader = {
    path,
    mode: octal(b, 100, 8),
    uid: octal(b, 108, 8),
    gid: octal(b, 116, 8),
    size,
    mtime: date(octal(b, 136, 12)),
    linkpath: field(b, 157, 100),
    devmaj: 0,
    devmin: 0,
    cksumValid: false,
  };
  if (b.compare(ustarMagic, 0, 8, 257, 265) === 0) {
    h.uname = field(b, 265, 32);
    h.gname = field(b, 297, 32);
    h.devmaj = octal(b, 329, 8) ?? 0;
    h.devmin = octal(b, 337, 8) ?? 0;
    if (b[475] !== 0) {
      path = `${field(b, 345, 155)}/${path}`;
    } else {
      const prefix = field(b, 345, 130);
      if (prefix) path = `${prefix}/${path}`;
      h.atime = date(octal(b, 476, 12));
    }
    h.path = path;
  }
  // The checksum field counts as spaces; it is read over 12 bytes, as `tar` reads it.
  h.cksumValid = headerSum(b) === octal(b, 148, 12);
  return h;
}

const sumBytes = new Uint8Array(512);
const sumWords = new Uint32Array(sumBytes.buffer);

/**
 * The sum of the block's bytes with the checksum field as eight spaces. Summed four bytes at a time
 * (two lanes of 16 bits in each of two sums) from an aligned copy: the header of every entry goes
 * through here while V8 still interprets it, where a byte loop was ~3.9 ms for busybox's 285
 * entries and this ~2.1 (fresh processes, medians of 12). A lane adds at most 128 bytes (32640),
 * so no carry crosses into the next one.
 */
function headerSum(b: Buffer): number {
  sumBytes.set(b.subarray(0, 512));
  let low = 0;
  let high = 0;
  for (let i = 0; i < 128; i++) {
    const w = sumWords[i];
    low += w & 0x00ff00ff;
    high += (w >>> 8) & 0x00ff00ff;
  }
  let sum = (low & 0xffff) + (low >>> 16) + (high & 0xffff) + (high >>> 16) + 8 * 32;
  for (let i = 148; i < 156; i++) sum -= b[i];
  return sum;
}

/** A NUL-terminated string field. */
function field(b: Buffer, off: number, size: number): string {
  let end = off;
  while (end < off + size && b[end] !== 0) end++;
  return end === off ? '' : b.toString('utf8', off, end);
}

/**
 * A numeric field: base-256 when its first byte has the high bit set (GNU's form for big values),
 * else octal text read as parseInt reads it (leading white space, a sign, digits up to the first
 * other byte); undefined when it holds no digit.
 */
function octal(b: Buffer, off: number, size: number): number | undefined {
  if (b[off] & 0x80) return base256(b.subarray(off, off + size));
  const end = off + size;
  let i = off;
  while (i < end && (b[i] === 0x20 || (b[i] >= 0x09 && b[i] <= 0x0d))) i++;
  let sign = 1;
  if (i < end && (b[i] === 0x2b || b[i] === 0x2d)) sign = b[i++] === 0x2d ? -1 : 1;
  let value = 0;
  let digits = 0;
  for (; i < end && b[i] >= 0x30 && b[i] <= 0x37; i++, digits++) value = value * 8 + (b[i] - 0x30);
  return digits === 0 ? undefined : sign * value;
}

/** Base-256: 0x80 then a big-endian magnitude, or 0xff then a two's complement negative number. */
function base256(f: Buffer): number {
  let value: number;
  if (f[0] === 0x80) {
    value = 0;
    for (let i = 1; i < f.length; i++) value = value * 256 + f[i];
  } else if (f[0] === 0xff) {
    // -(two's complement of the whole field), as the `tar` package computes it.
    let magnitude = 0;
    let carry = 1;
    for (let i = f.length - 1; i >= 0; i--) {
      const byte = (0xff ^ f[i]) + carry;
      carry = byte >> 8;
      magnitude += (byte & 0xff) * 256 ** (f.length - 1 - i);
    }
    value = -magnitude;
  } else {
    throw new Error('invalid base256 encoding');
  }
  if (!Number.isSafeInteger(value)) throw new Error('parsed number outside of javascript safe integer range');
  return value;
}

function notNegative(n: number | undefined): number | undefined {
  return n === undefined || n < 0 ? undefined : n;
}

function date(seconds: number | undefined): Date | undefined {
  return seconds === undefined ? undefined : new Date(seconds * 1000);
}

function cString(data: Buffer): string {
  const nul = data.indexOf(0);
  return (nul >= 0 ? data.subarray(0, nul) : data).toString('utf8');
}

const flagByType: Record<Exclude<TarEntryType, 'unsupported'>, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  directory: '5',
  fifo: '6',
};

export type TarHeaderInput = Omit<
  TarEntry,
  'typeFlag' | 'type' | 'xattrs' | 'devmajor' | 'devminor' | 'size'
> & {
  type: Exclude<TarEntryType, 'unsupported'>;
  size?: number;
  devmajor?: number;
  devminor?: number;
  xattrs?: Map<string, Buffer>;
};

/**
 * The header blocks for one entry (a pax header first when a field does not fit ustar or when
 * there are xattrs). The caller writes the body and then `paddingFor(size)` zero bytes.
 */
export function encodeHeader(input: TarHeaderInput): Buffer {
  const size = input.type === 'file' ? (input.size ?? 0) : 0;
  const path = input.type === 'directory' && !input.path.endsWith('/') ? `${input.path}/` : input.path;
  const header = new Header({
    path,
    mode: input.mode & 0o7777,
    uid: input.uid,
    gid: input.gid,
    size,
    mtime: new Date(Math.floor(input.mtime.getTime() / 1000) * 1000),
    type: flagByType[input.type] as never,
    linkpath: input.linkpath ?? '',
    uname: input.uname ?? '',
    gname: input.gname ?? '',
    devmaj: input.devmajor ?? 0,
    devmin: input.devminor ?? 0,
  });
  const block = Buffer.alloc(512);
  const needPax = header.encode(block, 0) || hasNonAscii(path) || hasNonAscii(input.linkpath ?? '');
  const xattrs = input.xattrs ?? new Map<string, Buffer>();
  if (!needPax && xattrs.size === 0) return block;
  const records: [string, Buffer | string][] = [];
  if (needPax) {
    records.push(['path', path]);
    if (input.linkpath) records.push(['linkpath', input.linkpath]);
    records.push(['uid', String(input.uid)], ['gid', String(input.gid)], ['size', String(size)]);
  }
  for (const [name, value] of [...xattrs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    records.push([`SCHILY.xattr.${name}`, value]);
  }
  const body = encodePax(records);
  const paxHeader = new Header({
    path: `PaxHeaders/${path.replace(/\/$/, '').split('/').pop()!.slice(0, 80)}`,
    mode: 0o644,
    size: body.length,
    mtime: new Date(Math.floor(input.mtime.getTime() / 1000) * 1000),
    type: 'x' as never,
  });
  const paxBlock = Buffer.alloc(512);
  paxHeader.encode(paxBlock, 0);
  return Buffer.concat([paxBlock, body, Buffer.alloc(paddingFor(body.length)), block]);
}

export function paddingFor(size: number): number {
  return (512 - (size % 512)) % 512;
}

/** Two zero blocks end an archive. */
export const endOfArchive = Buffer.alloc(1024);

function hasNonAscii(s: string): boolean {
  return /[^\x20-\x7e]/.test(s);
}
