#!/usr/bin/env node
// The installed entry point: runs the compiled CLI (npm run build writes out/).
import '../out/src-main/cli/main.js';
