#!/usr/bin/env node
// Entry point for `npx chattrail`: runs the compiled CLI (npm run build produces dist/).
import '../dist/src/cli/main.js';
