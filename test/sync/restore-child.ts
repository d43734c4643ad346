// A child process for the durability test: restores the catalog at argv[2] (fixture password)
// into argv[3] and prints the summary, so the test can trace it with strace.
import { Cipher } from '../../src/crypt/index.js';
import { restoreCatalog } from '../../src/sync/index.js';
import { PASSWORD, PASSWORD2 } from './fixture.js';

const [root, target] = process.argv.slice(2) as [string, string];
const cipher = await Cipher.create({ password: PASSWORD, password2: PASSWORD2 });
const s = await restoreCatalog({ source: { cipher, root }, target, overwrite: process.argv[4] === '--overwrite' });
process.stdout.write(`${JSON.stringify(s)}\n`);
