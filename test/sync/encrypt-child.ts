// A child process for the kill -9 test: runs one encrypt of argv[2] into the catalog at argv[3]
// with the fixture password, so the test can kill it at any moment.
import { Cipher } from '../../src/crypt/index.js';
import { encryptCatalog } from '../../src/sync/index.js';
import { PASSWORD, PASSWORD2 } from './fixture.js';

const [source, root] = process.argv.slice(2) as [string, string];
const cipher = await Cipher.create({ password: PASSWORD, password2: PASSWORD2 });
process.stdout.write('started\n');
const s = await encryptCatalog({ source, dest: { cipher, root } });
process.stdout.write(`${JSON.stringify(s)}\n`);
