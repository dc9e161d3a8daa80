#!/usr/bin/env node
import '../dist/provisioning/main.js';
