/** Every rule, sorted by id. Generated order is checked by a test. */
import type { Rule } from '../server/src/engine/api';
import exposedPort from './exposed-port/rule';

export const rules: readonly Rule[] = [exposedPort];
