import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  type AnalysisResult,
  createAgent,
  describeError,
  MODES,
  type Mode,
  type Principal,
  type Strategy,
  toWireResult,
  ValidationError,
} from '@agent/core';
import {
  type CliIo,
  EXIT_FAILURE,
  EXIT_OK,
  parseCommandArgs,
  UsageError,
  write,
} from '../cli-io.js';
import { openStore } from '../open-store.js';

// devops-agent analyze FILE [--json] [--mode safe|auto] [--strategy reflective|classic] [--db PATH]
//
// The diagnosis of the whole input as one log, with the embedded defaults and
// an in-memory store unless --db names a store (a SQLite file or a postgres://
// URL). The input is streamed through the agent in chunks, so a large log is
// never held in memory whole; on a terminal, progress goes to stderr.

export const ANALYZE_USAGE =
  'usage: devops-agent analyze FILE|- [--json] [--mode safe|auto] [--strategy reflective|classic] [--db PATH]';

const STRATEGIES = ['reflective', 'classic'] as const;
const CHUNK_BYTES = 1 << 20;

/** The local operator: the CLI runs with the rights of whoever runs it. */
const OPERATOR: Principal = Object.freeze({ keyId: 'cli', tenant: 'default', role: 'admin' });

interface AnalyzeOptions {
  file: string;
  json: boolean;
  mode: Mode;
  strategy: Strategy;
  db: string | undefined;
}

function parseAnalyzeArgs(argv: readonly string[]): AnalyzeOptions | 'help' {
  let parsed: {
    values: { json?: boolean; mode?: string; strategy?: string; db?: string; help?: boolean };
    positionals: string[];
  };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        json: { type: 'boolean' },
        mode: { type: 'string' },
        strategy: { type: 'string' },
        db: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`analyze: ${describeError(error)}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length === 0)
    throw new UsageError('analyze: FILE is required (a path, or - for standard input)');
  if (positionals.length > 1)
    throw new UsageError(`analyze: one FILE expected, got ${positionals.length}`);
  const mode = values.mode ?? 'safe';
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`analyze: --mode must be one of ${MODES.join(', ')} (got "${mode}")`);
  }
  const strategy = values.strategy ?? 'reflective';
  if (!(STRATEGIES as readonly string[]).includes(strategy)) {
    throw new UsageError(
      `analyze: --strategy must be one of ${STRATEGIES.join(', ')} (got "${strategy}")`,
    );
  }
  if (values.db !== undefined && values.db.trim() === '')
    throw new UsageError('analyze: --db needs a path');
  return {
    file: positionals[0] ?? '-',
    json: values.json ?? false,
    mode: mode as Mode,
    strategy: strategy as Strategy,
    db: values.db,
  };
}

/** Runs `analyze`; resolves to the exit status (0 ok, 2 usage error, 1 any other failure). */
export async function runAnalyze(argv: readonly string[], io: CliIo): Promise<number> {
  const options = parseCommandArgs(argv, parseAnalyzeArgs, ANALYZE_USAGE, io);
  if (typeof options === 'number') return options;
  let result: AnalysisResult;
  try {
    result = await analyze(options, io);
  } catch (error) {
    io.stderr.write(`analyze: ${describeError(error)}\n`);
    return EXIT_FAILURE;
  }
  await write(
    io.stdout,
    options.json ? `${JSON.stringify(toWireResult(result))}\n` : formatReport(result),
  );
  return EXIT_OK;
}

async function analyze(options: AnalyzeOptions, io: CliIo): Promise<AnalysisResult> {
  const source = await openSource(options.file, io);
  const store = options.db ? await openStore(options.db) : undefined;
  const agent = createAgent({
    ...(store ? { store } : {}),
    reasoning: { enableReflection: options.strategy === 'reflective' },
  });
  const progress = io.stderr.isTTY ? new Progress(io.stderr, source.size) : null;
  let text = false;
  async function* noted(chunks: AsyncIterable<string>): AsyncGenerator<string> {
    for await (const chunk of chunks) {
      text ||= chunk.trim() !== '';
      yield chunk;
    }
  }
  try {
    return await agent.processLogStream({
      chunks: noted(source.chunks(progress)),
      mode: options.mode,
      llmConfig: { strategy: options.strategy },
      principal: OPERATOR,
    });
  } catch (error) {
    // Core names the API's field ("log: must be a non-empty string").
    if (!text && error instanceof ValidationError) {
      throw new Error(
        `${options.file === '-' ? 'standard input' : options.file}: nothing to analyze (no log lines)`,
      );
    }
    throw error;
  } finally {
    progress?.done();
    await agent.close();
  }
}

interface Source {
  size: number | null;
  chunks(progress: Progress | null): AsyncIterable<string>;
}

async function openSource(file: string, io: CliIo): Promise<Source> {
  if (file === '-') return { size: null, chunks: (progress) => decode(io.stdin, progress) };
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new Error(
      error.code === 'ENOENT' ? `${file}: no such file` : `${file}: ${error.message}`,
    );
  });
  if (!info.isFile()) throw new Error(`${file}: not a regular file`);
  return {
    size: info.size,
    chunks: (progress) => decode(createReadStream(file, { highWaterMark: CHUNK_BYTES }), progress),
  };
}

/** Text chunks of a byte stream; UTF-8 sequences split between chunks are kept whole. */
async function* decode(
  stream: NodeJS.ReadableStream,
  progress: Progress | null,
): AsyncGenerator<string> {
  stream.setEncoding('utf8');
  for await (const chunk of stream) {
    const text = String(chunk);
    progress?.advance(text.length);
    if (text.length > 0) yield text;
  }
}

/** One line of progress on a terminal, rewritten at most ten times a second. */
class Progress {
  #read = 0;
  #last = 0;
  readonly #started = Date.now();

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly total: number | null,
  ) {}

  advance(bytes: number): void {
    this.#read += bytes;
    const now = Date.now();
    if (now - this.#last < 100) return;
    this.#last = now;
    const mb = (this.#read / 1_048_576).toFixed(1);
    const of = this.total
      ? ` / ${(this.total / 1_048_576).toFixed(1)} MB (${Math.floor((100 * this.#read) / this.total)}%)`
      : ' MB';
    this.out.write(`\r\x1b[2Kanalyzing: ${mb}${of}`);
  }

  done(): void {
    if (this.#last === 0) return;
    const seconds = ((Date.now() - this.#started) / 1000).toFixed(1);
    this.out.write(`\r\x1b[2Kanalyzed ${(this.#read / 1_048_576).toFixed(1)} MB in ${seconds} s\n`);
  }
}

/** The readable report: what went wrong, why, the lines that show it, and what would be done. */
export function formatReport(r: AnalysisResult): string {
  const lines: string[] = [];
  const label = r.category === 'none' ? 'none (the log looks healthy)' : r.category;
  lines.push(`Category:    ${label}`);
  lines.push(`Severity:    ${r.severity}`);
  lines.push(`Confidence:  ${r.confidence.toFixed(2)}`);
  lines.push(`Summary:     ${r.summary}`);
  lines.push(`Root cause:  ${r.rootCause}`);
  lines.push('');
  if (r.evidence.length > 0) {
    lines.push('Evidence:');
    const width = String(Math.max(...r.evidence.map((e) => e.line))).length;
    for (const e of r.evidence) {
      const text = e.text.length > 160 ? `${e.text.slice(0, 159)}…` : e.text;
      lines.push(
        `  line ${String(e.line).padStart(width)}  ${e.category} ${e.weight.toFixed(2)}  ${text.trim()}`,
      );
    }
    lines.push('');
  }
  if (r.templates.length > 0) {
    lines.push('Top templates:');
    const top = r.templates.slice(0, 10);
    const width = String(top[0]?.count ?? 0).length;
    for (const t of top) {
      const template = t.template.length > 140 ? `${t.template.slice(0, 139)}…` : t.template;
      lines.push(`  ${String(t.count).padStart(width)} x  ${template}`);
    }
    lines.push('');
  }
  lines.push(`Planned actions (mode ${r.mode}):`);
  if (r.actions.length === 0) lines.push('  none');
  for (const a of r.actions) {
    const why = a.reasons.length > 0 ? ` (${a.reasons.join('; ')})` : '';
    lines.push(`  - ${a.plugin}.${a.operation} [risk ${a.risk}] ${a.decision}, ${a.status}${why}`);
    if (a.description) lines.push(`      ${a.description}`);
  }
  lines.push('');
  lines.push(
    `Reasoning:   ${r.reasoning.strategy}, ${r.reasoning.cycles} cycle${r.reasoning.cycles === 1 ? '' : 's'}, score ${r.reasoning.score.toFixed(2)} (target ${r.reasoning.target})`,
  );
  if (r.similarIncidents.length > 0) {
    lines.push(
      `Similar:     ${r.similarIncidents.map((s) => `${s.incidentId} (${s.category})`).join(', ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
