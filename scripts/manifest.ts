/** `npm run manifest`: regenerate package.json's activationEvents and schemas/prodready.schema.json. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rules } from '../rules/index';
import { activationEvents, configSchema } from './manifestGen';

const root = process.cwd();
const pkgPath = path.join(root, 'package.json');
const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
pkg.activationEvents = activationEvents();
fs.writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');
fs.mkdirSync(path.join(root, 'schemas'), { recursive: true });
fs.writeFileSync(path.join(root, 'schemas', 'prodready.schema.json'), JSON.stringify(configSchema(rules), null, 2) + '\n');
console.log('updated package.json activationEvents and schemas/prodready.schema.json');
