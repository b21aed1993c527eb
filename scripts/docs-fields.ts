// Writes docs/fields.md from the dissector registry and the encapsulation descriptors.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fieldsMarkdown } from '../src/cli/commands/fields.js';
import { createRegistry } from '../src/dissect/default-registry.js';
import { ENCAPS } from '../src/dissect/encap/index.js';

const target = fileURLToPath(new URL('../docs/fields.md', import.meta.url));
writeFileSync(target, fieldsMarkdown(createRegistry(), ENCAPS));
console.log(`wrote ${target}`);
