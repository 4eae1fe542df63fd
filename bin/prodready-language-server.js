#!/usr/bin/env node
'use strict';
// The prodready language server for any LSP client: `prodready-language-server --stdio`.
require('../dist/server.js');
