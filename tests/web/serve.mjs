// `skybroker serve --port 0 ...` as a child process for the browser test, like
// tests/e2e/serve_process.h: output goes to files in the test's directory, and the port comes
// from the first stdout line, "skybroker serving http://127.0.0.1:PORT (...)".
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export class ServeProcess {
  // Starts the server with `args` after "serve --port 0"; resolves once it serves, rejects
  // when it exits first or `timeoutMs` passes (the process is then killed).
  static async start(bin, args, dir, timeoutMs = 60000) {
    const out = fs.openSync(path.join(dir, 'serve.log'), 'w');
    const err = fs.openSync(path.join(dir, 'serve.err'), 'w');
    const child = spawn(bin, ['serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', err] });
    const server = new ServeProcess(child, dir);
    let text = '';
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`serve did not start within ${timeoutMs} ms:\n${server.errors()}`));
      }, timeoutMs);
      child.stdout.on('data', (chunk) => {
        fs.writeSync(out, chunk);
        text += chunk;
        const m = /serving (https?:\/\/127\.0\.0\.1:\d+)/.exec(text);
        if (m && !server.url) {
          server.url = m[1];
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code, signal) => {
        server.exited = true;
        if (!server.url) {
          clearTimeout(timer);
          reject(new Error(`serve exited (${code ?? signal}) before serving:\n${server.errors()}`));
        }
      });
    });
    return server;
  }

  constructor(child, dir) {
    this.child = child;
    this.dir = dir;
    this.url = '';
    this.exited = false;
  }

  // The tail of the server's stderr, for failure messages.
  errors() {
    try {
      return fs.readFileSync(path.join(this.dir, 'serve.err'), 'utf8').split('\n').slice(-40).join('\n');
    } catch {
      return '';
    }
  }

  // SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed).
  async stop(graceMs = 10000) {
    if (this.exited) return this.child.exitCode;
    const done = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const code = await done;
    clearTimeout(timer);
    return code;
  }
}
