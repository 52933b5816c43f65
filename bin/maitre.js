#!/usr/bin/env node
// The `maitre` command line; compiled by `npm run build` (run on install by `prepare`).
import '../dist/cli.js';
