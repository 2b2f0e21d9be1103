#!/usr/bin/env node
'use strict'
require('reflect-metadata')
require('../lib/cli/main.js').main(process.argv)
