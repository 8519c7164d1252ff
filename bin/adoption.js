#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so that an installed `adoption` and `npm run adoption` are the same code.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
