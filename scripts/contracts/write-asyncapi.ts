import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { asyncApiDocument } from './asyncapi';

/** Writes docs/asyncapi.json from the contract classes; a test fails when it is out of date. */
const path = resolve(__dirname, '../../docs/asyncapi.json');
writeFileSync(path, `${JSON.stringify(asyncApiDocument(), null, 2)}\n`);
console.log(`wrote ${path}`);
