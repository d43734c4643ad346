// The manifest's plain bytes (docs/manifest.md): canonical JSON lines. Line 1 is the header
// (format, version, generation, time, the previous manifest's head hash and a window of older
// heads), then one line per catalog entry sorted by its encrypted path, then the MAC line over
// every byte before it. Keys in a fixed order, no spaces, LF endings, so one manifest has
// exactly one serialization and the head hash (BLAKE2b-256 of all its bytes) names it. Pure.
import { blake2b, sameDigest } from './hashing.js';

export const MANIFEST_FORMAT = 'cryptsync-manifest';
export const MANIFEST_VERSION = 1;
/** how many older (generation, head) pairs a manifest carries, for fork detection */
export const CHAIN_WINDOW = 64;

export interface ManifestFile {
  type: 'file';
  /** plain Standard path */
  path: string;
  /** encrypted path on disk, relative to the catalog */
  enc: string;
  /** ciphertext size in bytes */
  size: number;
  mtimeNs: bigint;
  /** BLAKE2b-256 of the whole ciphertext (header nonce included) */
  hash: string;
  /** the header nonce (hex); null for a file too short to carry one */
  nonce: string | null;
}

export interface ManifestDir {
  type: 'dir';
  path: string;
  enc: string;
}

export type ManifestEntry = ManifestFile | ManifestDir;

export interface ChainLink {
  generation: number;
  head: string;
}

export interface Manifest {
  generation: number;
  /** ISO time of writing (UTC) */
  time: string;
  /** head hash of the manifest this one replaced; null for generation 1 */
  previous: string | null;
  /** older heads, newest first (the first is `previous`), at most CHAIN_WINDOW */
  chain: ChainLink[];
  entries: ManifestEntry[];
}

export class ManifestFormatError extends Error {}

const byEnc = (a: ManifestEntry, b: ManifestEntry): number => (a.enc < b.enc ? -1 : a.enc > b.enc ? 1 : 0);

function entryLine(e: ManifestEntry): string {
  if (e.type === 'dir') return JSON.stringify({ type: 'dir', path: e.path, enc: e.enc });
  return JSON.stringify({ type: 'file', path: e.path, enc: e.enc, size: e.size, mtimeNs: e.mtimeNs.toString(), hash: e.hash, nonce: e.nonce });
}

/** The canonical bytes of a manifest, MAC line included. */
export function serializeManifest(m: Manifest, macKey: Uint8Array): Buffer {
  const header = JSON.stringify({
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    generation: m.generation,
    time: m.time,
    previous: m.previous,
    chain: m.chain.map((c) => [c.generation, c.head]),
    entries: m.entries.length,
  });
  const body = Buffer.from(`${[header, ...[...m.entries].sort(byEnc).map(entryLine)].join('\n')}\n`, 'utf8');
  return Buffer.concat([body, Buffer.from(`${JSON.stringify({ mac: blake2b(body, macKey) })}\n`, 'utf8')]);
}

/** The head hash that names a manifest: BLAKE2b-256 of its whole plain bytes. */
export function headHash(bytes: Uint8Array): string {
  return blake2b(bytes);
}

const HEX64 = /^[0-9a-f]{64}$/;
const NONCE_HEX = /^[0-9a-f]{48}$/;

function fail(what: string): never {
  throw new ManifestFormatError(what);
}

function record(line: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    fail(`${what} is not JSON`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${what} is not an object`);
  return v as Record<string, unknown>;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function parseEntry(line: string, n: number): ManifestEntry {
  const r = record(line, `entry line ${n}`);
  if (typeof r.path !== 'string' || typeof r.enc !== 'string' || r.enc === '') fail(`entry line ${n}: path or enc missing`);
  if (r.type === 'dir') return { type: 'dir', path: r.path, enc: r.enc };
  if (r.type !== 'file') fail(`entry line ${n}: unknown type`);
  if (!isCount(r.size) || typeof r.mtimeNs !== 'string' || !/^-?\d+$/.test(r.mtimeNs)) fail(`entry line ${n}: size or mtime bad`);
  if (typeof r.hash !== 'string' || !HEX64.test(r.hash)) fail(`entry line ${n}: hash bad`);
  if (r.nonce !== null && (typeof r.nonce !== 'string' || !NONCE_HEX.test(r.nonce))) fail(`entry line ${n}: nonce bad`);
  return { type: 'file', path: r.path, enc: r.enc, size: r.size, mtimeNs: BigInt(r.mtimeNs), hash: r.hash, nonce: r.nonce as string | null };
}

/**
 * Parses and authenticates manifest bytes: the MAC is checked first (constant time), so nothing
 * of a forged manifest is believed; then the structure, strictly (and that it re-serializes to
 * the same bytes). Throws ManifestFormatError naming what is wrong.
 */
export function parseManifest(bytes: Buffer, macKey: Uint8Array): Manifest {
  if (bytes.length === 0 || bytes[bytes.length - 1] !== 0x0a) fail('the manifest does not end with a line break (truncated?)');
  const lastStart = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
  if (lastStart === 0) fail('the manifest has no MAC line');
  const body = bytes.subarray(0, lastStart);
  const macRec = record(bytes.subarray(lastStart, bytes.length - 1).toString('utf8'), 'the MAC line');
  if (typeof macRec.mac !== 'string' || !HEX64.test(macRec.mac)) fail('the MAC line holds no MAC');
  if (!sameDigest(macRec.mac, blake2b(body, macKey))) fail('the MAC does not match (forged, damaged, or written with other keys)');
  const lines = body.toString('utf8').split('\n');
  lines.pop();
  const h = record(lines[0] ?? '', 'the header line');
  if (h.format !== MANIFEST_FORMAT) fail('not a cryptsync manifest');
  if (h.version !== MANIFEST_VERSION) fail(`manifest version ${String(h.version)} is not supported (this cryptsync reads version ${MANIFEST_VERSION})`);
  if (!isCount(h.generation) || h.generation < 1 || typeof h.time !== 'string' || !isCount(h.entries)) fail('the header line is incomplete');
  if (h.previous !== null && (typeof h.previous !== 'string' || !HEX64.test(h.previous))) fail('the previous head is bad');
  if (!Array.isArray(h.chain)) fail('the chain is missing');
  const chain: ChainLink[] = h.chain.map((c: unknown) => {
    if (!Array.isArray(c) || !isCount(c[0]) || typeof c[1] !== 'string' || !HEX64.test(c[1])) fail('a chain link is bad');
    return { generation: c[0], head: c[1] };
  });
  const entries = lines.slice(1).map((l, i) => parseEntry(l, i + 2));
  if (entries.length !== h.entries) fail(`the header counts ${h.entries} entries, the manifest holds ${entries.length}`);
  const m: Manifest = { generation: h.generation, time: h.time, previous: h.previous as string | null, chain, entries };
  if (!serializeManifest(m, macKey).equals(bytes)) fail('the manifest is not in canonical form');
  return m;
}
