// File counts and sizes of every snapshot, from ONE recursive listing of the snapshot root (a
// listing per snapshot would cost a login each). Sizes are apparent sizes: a file hard-linked into
// several snapshots counts in each, as `du --apparent-size` of one snapshot would show it.
import type { SnapshotTask } from '../../tasks/index.js';
import { listServer, locationOf } from '../server-listing.js';
import { isSnapshotName } from './naming.js';
import type { ServerOpOptions } from './server-ops.js';

export interface SnapshotSize {
  files: number;
  bytes: number;
}

export async function snapshotSizes(task: SnapshotTask, o: ServerOpOptions): Promise<Map<string, SnapshotSize>> {
  const sizes = new Map<string, SnapshotSize>();
  const listed = await listServer(locationOf(task), { recursive: true, ...(o.signal ? { signal: o.signal } : {}), ...(o.env ? { env: o.env } : {}) });
  for (const e of listed) {
    const slash = e.path.indexOf('/');
    if (slash < 0 || e.kind !== 'file') continue;
    const top = e.path.slice(0, slash);
    if (!isSnapshotName(top)) continue;
    const s = sizes.get(top) ?? { files: 0, bytes: 0 };
    s.files++;
    s.bytes += e.size;
    sizes.set(top, s);
  }
  return sizes;
}
