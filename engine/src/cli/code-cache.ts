// Loads a CommonJS bundle through V8's code cache, kept in $XDG_CACHE_HOME/berth/v8: compiling the
// CLI bundle from source takes ~35 ms, from the cache ~7 ms, on every `berth` command. bin/berth
// loads this small module (its own bundle, so that it loads in a millisecond) before the CLI's.
//
// A cache is only ever used for the very bytes it was made from: its file is named by the bundle's
// sha256 with Node's version and flags, and starts with that hash and a checksum of the V8 data,
// both checked before V8 sees anything. V8 itself checks only its version, its flags and the
// source's *length*, and in release builds it does not checksum the data: a cache from other source
// of the same length, or a damaged file, would be trusted. Anything that does not check out is
// ignored (the bundle is compiled from source, and a fresh cache written after the command).
//
// V8 puts in a cache the functions compiled so far: the top level, and those the command that wrote
// it ran. A pull with a cache written by `rmi` compiled the pull's functions from source on every
// start (~10 ms of a cold pull, 24 pulls each, load ~3). So the cache lists the commands whose runs
// it holds, and a run of another command writes it again: the functions it had and the new ones.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { isAscii } from 'node:buffer';
import Module from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

const magic = Buffer.from('berth-v8-cache/2\n');
const hashBytes = 32;
const headerBytes = magic.length + 2 * hashBytes;
/** Caches of other bundles (earlier builds, other versions) are removed once this old. */
const staleAfterMs = 24 * 3600_000;

export interface LoadedBundle {
  exports: Record<string, unknown>;
  /**
   * Writes the cache when none was used, or when it holds no run of `command` (a name without
   * commas or newlines); call once the command ran (its functions are then compiled).
   */
  save(command?: string): void;
}

/** A cache that checks out: V8's data, and the commands whose runs compiled what it holds. */
export interface CodeCache {
  v8Data: Buffer;
  commands: string[];
}

function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  return hash.digest();
}

/**
 * The cache when the file is a cache of exactly `bundleHash`'s bytes, else undefined. The
 * file must be this user's own and writable by no one else: V8 runs what the cache holds, and the
 * checks above are checksums, not signatures, so root must never run a cache another user could
 * have written (`sudo -E berth` keeps the caller's XDG_CACHE_HOME).
 */
export function readCache(file: string, bundleHash: Buffer): CodeCache | undefined {
  const data = readOwnFile(file);
  if (!data) return undefined;
  if (data.length <= headerBytes || !data.subarray(0, magic.length).equals(magic)) return undefined;
  const forBundle = data.subarray(magic.length, magic.length + hashBytes);
  const checksum = data.subarray(magic.length + hashBytes, headerBytes);
  const body = data.subarray(headerBytes); // the commands' line, then V8's data
  if (!forBundle.equals(bundleHash) || !checksum.equals(sha256(body))) return undefined;
  const newline = body.indexOf(0x0a);
  if (newline < 0) return undefined;
  const line = body.subarray(0, newline).toString('latin1');
  return { v8Data: body.subarray(newline + 1), commands: line ? line.split(',') : [] };
}

/** `file`'s bytes when it is a regular file (not a link) of this user's that no one else may write. */
function readOwnFile(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch {
    return undefined; // the first start of this bundle
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.uid !== process.geteuid?.() || (st.mode & 0o022) !== 0) return undefined;
    return fs.readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes a cache atomically (a reader sees the old file or the whole new one), then drops stale ones. */
export function writeCache(file: string, bundleHash: Buffer, v8Data: Buffer, commands: string[] = []): void {
  const dir = dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  try {
    // O_EXCL: never written through a link someone put at the temp name (root under sudo -E).
    const body = Buffer.concat([Buffer.from(`${commands.join(',')}\n`, 'latin1'), v8Data]);
    fs.writeFileSync(temp, Buffer.concat([magic, bundleHash, sha256(body), body]), {
      mode: 0o644,
      flag: 'wx',
    });
    fs.renameSync(temp, file);
  } finally {
    fs.rmSync(temp, { force: true });
  }
  const prefix = basename(file).split('-')[0];
  const now = Date.now();
  for (const name of fs.readdirSync(dir)) {
    if (name === basename(file) || !name.startsWith(`${prefix}-`)) continue;
    const other = join(dir, name);
    try {
      if (now - fs.statSync(other).mtimeMs > staleAfterMs) fs.rmSync(other, { force: true });
    } catch {
      // removed by another process meanwhile
    }
  }
}

/**
 * Where the cache of a bundle with these bytes lives for this Node and its flags: V8 refuses a cache
 * made under other flags, and one file shared by two sets (`node --cpu-prof berth`) would be
 * rewritten on every start.
 */
export function cacheFileFor(bundle: string, bundleHash: Buffer, cacheHome: string): string {
  const name = basename(bundle, '.js');
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join('\0');
  const flagsHash = createHash('sha256').update(flags).digest('hex').slice(0, 8);
  const bundleId = bundleHash.toString('hex').slice(0, 32);
  return join(cacheHome, 'berth', 'v8', `${name}-${bundleId}-${process.version}-${flagsHash}.bin`);
}

/**
 * Loads `file` as the CommonJS module it is (its own `require`, `module`, `__dirname`), compiled
 * with the cache when one checks out. `parent` is the module that loads it (for `require` paths).
 */
export function loadWithCodeCache(file: string, parent: NodeModule, cacheHome: string): LoadedBundle {
  const bytes = fs.readFileSync(file);
  const bundleHash = sha256(bytes);
  const cacheFile = cacheFileFor(file, bundleHash, cacheHome);
  const cache = readCache(cacheFile, bundleHash);
  const cachedData = cache?.v8Data;
  // An ASCII bundle (esbuild's output with the ascii-only step) decodes 4x faster as latin1, and V8
  // keeps it as a one-byte string.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const script = new Script(Module.wrap(source), { filename: file, cachedData });
  const mod = new Module(file, parent);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    dirname(file),
  );
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(mod.exports, mod.exports, (id: string) => mod.require(id), mod, file, dirname(file));
  return {
    exports: mod.exports as Record<string, unknown>,
    save(command) {
      const name = command !== undefined && !/[,\n]/.test(command) ? command : undefined;
      const used = cache !== undefined && !script.cachedDataRejected;
      const known = used ? cache.commands : [];
      if (used && (name === undefined || known.includes(name))) return;
      try {
        writeCache(cacheFile, bundleHash, script.createCachedData(), name ? [...known, name] : known);
      } catch {
        // A read-only or full home: the next start compiles from source again.
      }
    },
  };
}
