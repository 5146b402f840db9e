import { spawn } from 'node:child_process';
import {
  type Actuator,
  type ActuatorContext,
  type ActuatorResult,
  findPlugin,
  parseParams,
} from '@agent/core';
import type { CommandSettings } from '../policy/policy-file.js';
import { resolveSecretValues } from '../secrets/resolve-secret-values.js';

export interface CommandActuatorOptions {
  /** `actuators.command` of the policy file: commands and the executable allowlist (empty: nothing runs). */
  settings: CommandSettings;
  /** PATH given to the processes (nothing else of the agent's environment is inherited). */
  path?: string | undefined;
  /** After SIGTERM at the timeout, SIGKILL this much later (default 2000 ms). */
  killGraceMs?: number | undefined;
}

const SPEC = findPlugin('command')!;
const PLACEHOLDER = /\{\{([a-z][a-z0-9_]{0,31})\}\}/g;
const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * `command.run`: runs a named command of the policy file, whose executable is
 * on the allowlist, with its argv template filled from the action's
 * arguments. There is never a shell: each template element is one argument,
 * a placeholder takes a value whole (values were checked by the operation's
 * schema: names cannot start with `-`, paths stay inside allowed roots).
 * The process gets a minimal environment, a timeout (SIGTERM, then SIGKILL)
 * and capped output. In dry run nothing is spawned.
 */
export class CommandActuator implements Actuator {
  readonly plugin = 'command';
  readonly spec = SPEC;
  readonly #settings: CommandSettings;
  readonly #options: CommandActuatorOptions;

  constructor(options: CommandActuatorOptions) {
    this.#settings = options.settings;
    this.#options = options;
  }

  get configured(): boolean {
    return Object.values(this.#settings.commands).some((c) =>
      this.#settings.allowed_executables.includes(c.executable),
    );
  }

  /** Why this action cannot run with the current configuration, or null. */
  unavailable(_operation: string, params: Record<string, unknown>): string | null {
    const name = String(params.command ?? '');
    const command = this.#settings.commands[name];
    if (!command) return `command "${name}" is not configured`;
    if (!this.#settings.allowed_executables.includes(command.executable)) {
      return `executable ${command.executable} is not on the allowlist`;
    }
    return null;
  }

  async execute(
    operation: string,
    params: Record<string, unknown>,
    context: ActuatorContext,
  ): Promise<ActuatorResult> {
    const parsed = parseParams(this.spec.name, operation, params);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const blocked = this.unavailable(operation, parsed.data);
    if (blocked) return { ok: false, error: blocked };
    const name = String(parsed.data.command);
    const command = this.#settings.commands[name]!;
    const args = parsed.data.args as Record<string, string>;

    const missing = new Set<string>();
    const argv = command.argv.map((element) =>
      element.replace(PLACEHOLDER, (_m, key: string) => {
        const value = args[key];
        if (value === undefined) missing.add(key);
        return value ?? '';
      }),
    );
    if (missing.size > 0) {
      return { ok: false, error: `command "${name}" needs argument ${[...missing].join(', ')}` };
    }
    if (context.dryRun) {
      return { ok: true, output: `dry run: would run ${[command.executable, ...argv].join(' ')}` };
    }
    const env = {
      PATH: this.#options.path ?? DEFAULT_PATH,
      ...(await resolveSecretValues(command.env, context.secrets)),
    };
    return run(command.executable, argv, {
      env,
      timeoutMs: command.timeout_ms ?? this.#settings.timeout_ms,
      maxOutputBytes: this.#settings.max_output_bytes,
      killGraceMs: this.#options.killGraceMs ?? 2000,
      signal: context.signal,
    });
  }
}

interface RunOptions {
  env: Record<string, string>;
  timeoutMs: number;
  maxOutputBytes: number;
  killGraceMs: number;
  signal?: AbortSignal | undefined;
}

/** Spawns without a shell and collects at most `maxOutputBytes` of each stream. */
function run(executable: string, argv: string[], options: RunOptions): Promise<ActuatorResult> {
  return new Promise((resolve) => {
    const child = spawn(executable, argv, {
      shell: false,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const stdout = new CappedBuffer(options.maxOutputBytes);
    const stderr = new CappedBuffer(options.maxOutputBytes);
    child.stdout.on('data', (chunk: Buffer) => stdout.add(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.add(chunk));

    let timedOut = false;
    let killer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), options.killGraceMs);
      killer.unref();
    }, options.timeoutMs);
    const abort = () => child.kill('SIGKILL');
    options.signal?.addEventListener('abort', abort, { once: true });

    let settled = false;
    const settle = (result: ActuatorResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (killer) clearTimeout(killer);
      options.signal?.removeEventListener('abort', abort);
      resolve(result);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      settle({
        ok: false,
        error: `cannot run ${executable}${error.code ? ` (${error.code})` : ''}`,
      });
    });
    child.on('close', (code, signal) => {
      const out = stdout.text();
      const err = stderr.text();
      if (timedOut) {
        settle({
          ok: false,
          output: out || undefined,
          error: `${executable} timed out after ${options.timeoutMs} ms and was killed${err ? `: ${err}` : ''}`,
        });
      } else if (code === 0) {
        settle({ ok: true, output: out || err || `${executable} exited with code 0` });
      } else {
        const how = code === null ? `was killed by ${signal}` : `exited with code ${code}`;
        settle({
          ok: false,
          output: out || undefined,
          error: `${executable} ${how}${err ? `: ${err}` : ''}`,
        });
      }
    });
  });
}

/** Keeps the first `max` bytes of a stream, and whether more arrived. */
class CappedBuffer {
  readonly #max: number;
  readonly #chunks: Buffer[] = [];
  #size = 0;
  #dropped = 0;

  constructor(max: number) {
    this.#max = max;
  }

  add(chunk: Buffer): void {
    const room = this.#max - this.#size;
    if (room > 0) {
      const kept = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.#chunks.push(kept);
      this.#size += kept.length;
    }
    this.#dropped += Math.max(0, chunk.length - Math.max(0, room));
  }

  text(): string {
    const text = Buffer.concat(this.#chunks).toString('utf8').trimEnd();
    return this.#dropped > 0 ? `${text}\n[output truncated: ${this.#dropped} more bytes]` : text;
  }
}
