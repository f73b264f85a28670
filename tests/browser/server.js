// Builds `trellis` (debug) and runs `trellis serve --demo` on 127.0.0.1 with a fresh SQLite database
// in a temporary directory, for the browser tests. The server is the binary itself (not `cargo run`),
// so the PID we hold is the server's and stopping it stops exactly that process.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');

/** Builds the CLI and returns the path of the `trellis` executable cargo reports. */
function buildTrellis() {
  const res = spawnSync(
    'cargo',
    ['build', '-p', 'trellis-cli', '--locked', '--message-format=json-render-diagnostics'],
    { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20, timeout: 30 * 60_000 },
  );
  if (res.status !== 0) throw new Error(`cargo build -p trellis-cli failed (status ${res.status})`);
  let exe = null;
  for (const line of res.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const msg = JSON.parse(line);
    if (msg.reason === 'compiler-artifact' && msg.executable && msg.target.name === 'trellis') exe = msg.executable;
  }
  if (!exe) throw new Error('cargo build did not report the trellis executable');
  return exe;
}

/**
 * Starts the server on a port the OS picks (`--addr 127.0.0.1:0`), reads the URL it prints, and waits
 * for `/healthz`. `args` are further arguments of `trellis serve`. Returns { url, stop(), output() }.
 */
async function startServer({ demoPassword, smtpUrl, args: extraArgs = [], timeoutMs = 60_000 }) {
  const exe = buildTrellis();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-browser-'));
  const dbUrl = `sqlite://${path.join(dir, 'trellis.db')}`;
  const args = ['serve', '--addr', '127.0.0.1:0', '--database-url', dbUrl, '--demo'];
  if (smtpUrl) args.push('--smtp-url', smtpUrl, '--mail-from', 'Trellis <trellis@example.org>');
  args.push(...extraArgs);
  const child = spawn(exe, args, {
    cwd: dir,
    env: { ...process.env, TRELLIS_DEMO_PASSWORD: demoPassword, RUST_LOG: process.env.RUST_LOG || 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  let exited = null;
  const exitedPromise = new Promise((resolve) => child.on('exit', (code, signal) => { exited = { code, signal }; resolve(); }));

  // TRELLIS_BROWSER_PIDFILE: where to note the server's PID, so that the caller (scripts/test) can
  // stop it should this process itself be killed.
  const pidFile = process.env.TRELLIS_BROWSER_PIDFILE;
  if (pidFile) fs.writeFileSync(pidFile, `${child.pid}\n`);

  // If this test process ends without running `stop` (an uncaught error, Ctrl-C, `timeout`), the
  // server goes with it.
  const killOnExit = () => {
    if (exited === null) { try { child.kill('SIGKILL'); } catch {} }
    if (pidFile) fs.rmSync(pidFile, { force: true });
    try { fs.rmSync(dir, { recursive: true, force: true }); } catch {}
  };
  const onSignal = (signal) => { killOnExit(); process.exit(128 + os.constants.signals[signal]); };
  process.on('exit', killOnExit);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, onSignal);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.removeListener(signal, onSignal);
    if (pidFile) fs.rmSync(pidFile, { force: true });
    if (exited === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => { if (exited === null) child.kill('SIGKILL'); }, 10_000);
      await exitedPromise;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + timeoutMs;
    let url = null;
    while (!url) {
      if (exited) throw new Error(`trellis serve exited (${JSON.stringify(exited)}) before listening:\n${log}`);
      if (Date.now() > deadline) throw new Error(`trellis serve did not print its URL within ${timeoutMs} ms:\n${log}`);
      const m = /Trellis is running at (http:\/\/127\.0\.0\.1:\d+)\//.exec(log);
      if (m) url = m[1];
      else await sleep(100);
    }
    for (;;) {
      if (exited) throw new Error(`trellis serve exited (${JSON.stringify(exited)}):\n${log}`);
      if (Date.now() > deadline) throw new Error(`${url}/healthz did not answer 200 within ${timeoutMs} ms:\n${log}`);
      try {
        const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
        if (res.ok) break;
      } catch {}
      await sleep(100);
    }
    return { url, stop, output: () => log, pid: child.pid };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * A real SMTP server on loopback (Python's aiosmtpd, crates/trellis-app/tests/smtp_sink.py) that
 * saves each message it accepts in a folder. Returns { url, messages(), stop() }.
 */
async function startSmtpSink() {
  const net = require('node:net');
  const port = await new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    }).on('error', reject);
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-mail-'));
  const script = path.join(REPO, 'crates', 'trellis-app', 'tests', 'smtp_sink.py');
  const child = spawn('python3', [script, dir, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => { out += d; if (out.includes('ready')) resolve(); });
    child.on('exit', (code) => reject(new Error(`the SMTP sink exited (${code}); is aiosmtpd installed?`)));
  });
  const messages = () => fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort()
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
  const stop = () => {
    try { child.kill('SIGKILL'); } catch {}
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stop);
  return { url: `smtp://127.0.0.1:${port}`, messages, stop };
}

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

module.exports = { startServer, startSmtpSink, REPO, sleep };
