#!/usr/bin/env node
// A `solc` command line for py-solc-x (and so Brownie) over the npm `solc` JS API.
//
// No native solc can be downloaded here, and the `solcjs` command line both truncates its
// output at 128 KiB and rejects `--allow-paths`. This front end speaks the small part of the
// native CLI that py-solc-x uses: `--version`, and `--standard-json` reading the input from
// stdin, with `--allow-paths`, `--base-path` and `--include-path` deciding where imports may
// be read from. Output is written with fs.writeSync in a loop, so no size is cut off.
"use strict";

const fs = require("fs");
const path = require("path");
const solc = require("solc");

function parseArgs(argv) {
  const opts = { version: false, standardJson: false, roots: [process.cwd()], extra: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--version") opts.version = true;
    else if (arg === "--standard-json") opts.standardJson = true;
    else if (arg === "--allow-paths" || arg === "--base-path" || arg === "--include-path") {
      for (const p of (argv[++i] || "").split(",")) if (p) opts.roots.push(path.resolve(p));
    } else if (arg === "-") continue;
    else opts.extra.push(arg);
  }
  return opts;
}

function writeAll(fd, text) {
  const buffer = Buffer.from(text, "utf8");
  let offset = 0;
  while (offset < buffer.length) {
    try {
      offset += fs.writeSync(fd, buffer, offset, buffer.length - offset);
    } catch (err) {
      if (err.code !== "EAGAIN") throw err; // a non-blocking pipe that is full: try again
    }
  }
}

// Import callback: a path is read only if it resolves inside one of the allowed roots.
function makeImportReader(roots) {
  return (importPath) => {
    const candidates = path.isAbsolute(importPath)
      ? [importPath]
      : roots.map((root) => path.join(root, importPath));
    for (const candidate of candidates) {
      const resolved = path.resolve(candidate);
      const allowed = roots.some((root) => resolved === root || resolved.startsWith(root + path.sep));
      if (allowed && fs.existsSync(resolved) && fs.statSync(resolved).isFile()) {
        return { contents: fs.readFileSync(resolved, "utf8") };
      }
    }
    return { error: `File not found inside the allowed paths: ${importPath}` };
  };
}

// py-solc-x finds the compiler by the name `solc-v<version>`: refuse to run under a name
// that promises another version than the npm package provides.
function checkInvokedVersion() {
  const match = /^solc-v(\d+\.\d+\.\d+)$/.exec(path.basename(process.argv[1]));
  if (match && !solc.version().startsWith(match[1] + "+")) {
    process.stderr.write(`${path.basename(process.argv[1])} runs npm solc ${solc.version()}: pin solc@${match[1]} in package.json\n`);
    return false;
  }
  return true;
}

function main() {
  if (!checkInvokedVersion()) return 1;
  const opts = parseArgs(process.argv.slice(2));
  if (opts.version) {
    writeAll(1, `solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
    return 0;
  }
  if (!opts.standardJson || opts.extra.length) {
    process.stderr.write(
      `unrecognised option '${opts.extra[0] || "(none)"}': this front end supports --version and --standard-json\n`
    );
    return 1;
  }
  const input = fs.readFileSync(0, "utf8");
  const output = solc.compile(input, { import: makeImportReader(opts.roots) });
  writeAll(1, output);
  return 0;
}

process.exitCode = main();
