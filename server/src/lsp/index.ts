import { setFlagsFromString } from 'node:v8';
import { startServer } from './server';

// Syntax trees are made and dropped per lint: keep the old generation from growing to twice its live size
// between collections (see server/src/cli/index.ts).
setFlagsFromString('--heap-growing-percent=35');
startServer();
