// `verify` of a local catalog against its manifest (docs/manifest.md): the manifest is judged
// first (missing while this machine knows its chain, not authentic, older than the generation
// this machine wrote or verified = rollback, another head for a known generation = fork), then
// each entry (compare.ts). An authentic manifest that is not rolled back or forked becomes this
// machine's record of the chain. Reads the catalog only.
import type { Cipher } from '../crypt/index.js';
import { MANIFEST_NAME } from '../util/reserved-name.js';
import { CHAIN_WINDOW, type Manifest } from './manifest-format.js';
import { listCatalog, loadManifestOrCopy } from './load.js';
import { compareWithManifest } from './compare.js';
import { catalogSubject, readChainRecord, writeChainRecord, type ChainRecord } from './client-state.js';
import { finding, verdictOf, type Finding, type ManifestVerdict } from './findings.js';

export interface ManifestReport {
  verdict: ManifestVerdict;
  deep: boolean;
  /** the manifest's generation, when one was read and authentic */
  generation: number | null;
  manifestTime: string | null;
  /** the generation this machine wrote or verified before this check */
  knownGeneration: number | null;
  files: number;
  findings: Finding[];
  /** remarks that are not findings (a known head beyond the chain window) */
  notes: string[];
}

/** Rollback and fork against this machine's record; null when the manifest continues the chain. */
export function chainFinding(m: Manifest, head: string, record: ChainRecord | null, where: string): Finding | null {
  if (!record) return null;
  if (m.generation < record.generation) {
    return finding('rollback', MANIFEST_NAME, `${where} holds manifest generation ${m.generation} (${m.time}); this machine wrote or verified generation ${record.generation} (${record.time}): the whole tree was rolled back`);
  }
  if (m.generation === record.generation && head !== record.head) {
    return finding('fork', MANIFEST_NAME, `${where} holds another manifest of generation ${m.generation} than the one this machine wrote or verified: two writers, or a forged chain`);
  }
  if (m.generation > record.generation) {
    const link = m.chain.find((c) => c.generation === record.generation);
    if (link ? link.head !== record.head : m.generation - record.generation <= CHAIN_WINDOW) {
      return finding('fork', MANIFEST_NAME, `manifest generation ${m.generation} does not descend from generation ${record.generation} this machine wrote or verified: two writers, or a forged chain`);
    }
  }
  return null;
}

export interface VerifyManifestInput {
  root: string;
  cipher: Cipher;
  home: string;
  deep: boolean;
  signal?: AbortSignal;
}

export async function verifyCatalogManifest(o: VerifyManifestInput): Promise<ManifestReport> {
  const subject = await catalogSubject(o.root);
  const record = await readChainRecord(o.home, subject);
  const [loaded, listing] = await Promise.all([loadManifestOrCopy(o.root, o.cipher, o.home, record), listCatalog(o.root, o.cipher, o.signal)]);
  const report: ManifestReport = {
    verdict: 'none',
    deep: o.deep,
    generation: null,
    manifestTime: null,
    knownGeneration: record?.generation ?? null,
    files: listing.files.length,
    findings: [],
    notes: [],
  };
  if (loaded.state === 'missing') {
    if (record) report.findings.push(finding('manifest-missing', MANIFEST_NAME, `the catalog has no manifest; this machine wrote or verified generation ${record.generation}`));
    report.verdict = record ? 'tampered' : 'none';
    return report;
  }
  if (loaded.state === 'forged') {
    report.findings.push(finding('manifest-forged', MANIFEST_NAME, `the manifest is not authentic: ${loaded.message}`));
    report.verdict = 'tampered';
    return report;
  }
  const m = loaded.manifest;
  if (loaded.fromCopy) {
    report.findings.push(finding('manifest-removed', MANIFEST_NAME, `the catalog's manifest is gone (a stock rclone sync removes it unless given --exclude /${MANIFEST_NAME}); checked against this machine's copy of generation ${m.generation}`));
  }
  report.generation = m.generation;
  report.manifestTime = m.time;
  const chain = chainFinding(m, loaded.head, record, 'the catalog');
  if (chain) report.findings.push(chain);
  if (!chain && record && m.generation - record.generation > CHAIN_WINDOW && !m.chain.some((c) => c.generation === record.generation)) {
    report.notes.push(`generation ${record.generation} this machine knows is older than the manifest's window of ${CHAIN_WINDOW}; its descent was not checked`);
  }
  report.findings.push(...(await compareWithManifest({ root: o.root, cipher: o.cipher, manifest: m, listing, deep: o.deep, ...(o.signal ? { signal: o.signal } : {}) })));
  if (!chain && (!record || record.head !== loaded.head)) {
    await writeChainRecord(o.home, { subject, generation: m.generation, head: loaded.head, time: new Date().toISOString() }, loaded.sealed);
  }
  report.verdict = verdictOf(report.findings);
  return report;
}
