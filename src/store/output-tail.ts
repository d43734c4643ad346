// Keeps only the end of a process's output so a run log row stays small however chatty rsync
// or rclone was. Cuts on a UTF-8 character boundary and marks the cut; never grows the text.
export const OUTPUT_TAIL_MAX_BYTES = 32 * 1024;
const CUT_MARK = '[... earlier output cut ...]\n';

export function boundTail(text: string, maxBytes: number = OUTPUT_TAIL_MAX_BYTES): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  const markBytes = Buffer.byteLength(CUT_MARK);
  let start = bytes.length - Math.max(0, maxBytes - markBytes);
  // skip UTF-8 continuation bytes (10xxxxxx) so the tail starts on a whole character
  while (start < bytes.length && ((bytes[start] as number) & 0xc0) === 0x80) start++;
  const tail = bytes.subarray(start).toString('utf8');
  return maxBytes >= markBytes ? CUT_MARK + tail : tail;
}
