// The emergency kit as one page of text or HTML (same content): what it is, the passwords, the
// server copies, the rclone.conf between two marker lines, and the stock rclone commands. Pure.
import { KIT_CONFIG_FILE, type Kit } from './kit.js';

export const KIT_CONF_BEGIN = '----- BEGIN rclone.conf -----';
export const KIT_CONF_END = '----- END rclone.conf -----';

interface Block {
  heading: string;
  lines: string[];
  /** shown as code (kept verbatim) */
  code?: string[];
}

function blocks(k: Kit): Block[] {
  const s = k.settings;
  const out: Block[] = [
    {
      heading: `Emergency kit for the encrypted backups of crypt remote "${k.remote}"`,
      lines: [
        `Made ${k.madeAt.slice(0, 16).replace('T', ' ')} UTC by cryptsync. It holds the password: print it or keep it offline, and nowhere else.`,
        'With this page and the stock rclone (https://rclone.org, version 1.60 or newer) you can get every file back without cryptsync.',
        'The server only holds ciphertext in the rclone crypt format; these are the keys to it.',
      ],
    },
    {
      heading: 'Encryption settings',
      lines: [
        `password: ${k.password}`,
        `password2 (salt): ${k.password2 ?? '(none)'}`,
        `filename encryption: ${s.filenameEncryption}; filename encoding: ${s.filenameEncoding}; directory names encrypted: ${s.directoryNameEncryption ? 'yes' : 'no'}` +
          `${s.noDataEncryption ? '; contents NOT encrypted' : ''}${s.suffix !== '.bin' ? `; suffix ${s.suffix === '' ? 'none' : s.suffix}` : ''}`,
      ],
    },
  ];
  if (k.copies.length === 0) {
    out.push({ heading: 'Server copies', lines: ['No synchronize or snapshot task pushes this remote\'s catalog yet: only the settings above are in this kit.'] });
    return out;
  }
  const overSsh = k.copies.some((c) => c.ssh);
  out.push({
    heading: 'Server copies',
    lines: [
      ...k.copies.map((c) => `${c.task} (${c.type === 'snapshot' ? 'dated snapshots' : 'a mirror'}): ${c.where}`),
      ...(overSsh
        ? [
            'On a new machine: the ssh key named above must be there (from your key backup, or authorize a new key on the server and change key_file),',
            'and the server\'s host key must be in the known_hosts_file below: log in once with ssh and compare the fingerprint, or change that line.',
          ]
        : []),
    ],
  });
  out.push({
    heading: `1. Save the lines between the two markers as ${KIT_CONFIG_FILE} (only you may read it: chmod 600 ${KIT_CONFIG_FILE})`,
    lines: [],
    code: [KIT_CONF_BEGIN, ...k.rcloneConf.trimEnd().split('\n'), KIT_CONF_END],
  });
  for (const [i, c] of k.copies.entries()) {
    out.push({
      heading: `${i + 2}. ${c.task}: in the folder holding ${KIT_CONFIG_FILE}, run`,
      lines: c.type === 'snapshot' ? ['Replace SNAPSHOT by one of the folder names the first command lists.'] : [],
      code: c.commands.flatMap((x) => [`# ${x.what}`, x.command]),
    });
  }
  return out;
}

export function kitText(k: Kit): string {
  const parts: string[] = [];
  for (const b of blocks(k)) {
    parts.push([b.heading, '='.repeat(Math.min(b.heading.length, 100)), ...b.lines, ...(b.code ?? [])].join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function kitHtml(k: Kit): string {
  const body = blocks(k)
    .map((b, i) => `${i === 0 ? `<h1>${esc(b.heading)}</h1>` : `<h2>${esc(b.heading)}</h2>`}\n${b.lines.map((l) => `<p>${esc(l)}</p>`).join('\n')}${b.code ? `\n<pre>${b.code.map(esc).join('\n')}</pre>` : ''}`)
    .join('\n');
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>Emergency kit: ${esc(k.remote)}</title>`,
    '<style>body{font:14px/1.4 system-ui,sans-serif;max-width:52em;margin:2em auto}pre{background:#f4f4f4;padding:.6em;white-space:pre-wrap;word-break:break-all}h2{font-size:1.05em;margin-top:1.4em}</style>',
    '</head><body>',
    body,
    '</body></html>',
    '',
  ].join('\n');
}
