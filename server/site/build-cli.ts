// `node server/site/build-cli.ts`: builds the site if it is missing or out of date.
import path from 'node:path';
import { ensureSiteBuilt } from './build.ts';

await ensureSiteBuilt(path.resolve(import.meta.dirname, '../../dist'), (line) => process.stdout.write(line + '\n'));
