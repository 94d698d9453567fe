// Writes the config's JSON Schema for editors (schema/migralint.schema.json), generated from the zod schema.
import { writeFileSync } from 'node:fs';
import { jsonSchema } from '../src/config/schema.js';

writeFileSync(new URL('../schema/migralint.schema.json', import.meta.url), `${JSON.stringify(jsonSchema(), null, 2)}\n`);
