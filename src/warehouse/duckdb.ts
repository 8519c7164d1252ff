// @duckdb/node-api, loaded with require(). It is CommonJS: imported as ESM, Node first scans its 400 KB of
// JavaScript for named exports, which cost every command 65 ms of its start-up (a fifth of a 1× ingest's start).
// Types are imported from the package as usual (import type); the values come from here.
import { createRequire } from 'node:module';

export const duckdb = createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api');
