#!/usr/bin/env node
// The installed entry point: runs the bundled CLI (npm run build writes out/cli/, scripts/bundle-cli.mjs).
import '../out/cli/main.js';
