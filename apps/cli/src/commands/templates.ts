import { parseArgs } from 'node:util';
import { describeError, HeaderLayout, type KnowledgeStore, TemplateMiner } from '@agent/core';
import {
  type CliIo,
  EXIT_FAILURE,
  EXIT_OK,
  parseCommandArgs,
  UsageError,
  write,
} from '../cli-io.js';
import { openStore } from '../open-store.js';
import { readLines } from '../read-lines.js';

// devops-agent templates FILE [--content-only] [--format jsonl] [--db PATH]
//
// One JSON object per input line, in input order, lines never merged:
//   {"line": n, "template_id": "...", "template": "..."}
// template_id is the group the line ended in, template that group's template
// once every line was read. Without --content-only the header of each line
// (timestamp, level, host, pid, component) is detected and stripped; the
// layout is learned from the input's first lines. The miner starts empty and
// nothing is written to disk unless --db names a store whose miner state is
// loaded first and saved at the end.

export const TEMPLATES_USAGE =
  'usage: devops-agent templates FILE|- [--content-only] [--format jsonl] [--db PATH]';

const FORMATS = ['jsonl'] as const;
/** Output is written in pieces of about this many characters. */
const WRITE_CHARS = 1 << 16;

interface TemplatesOptions {
  file: string;
  contentOnly: boolean;
  db: string | undefined;
}

function parseTemplatesArgs(argv: readonly string[]): TemplatesOptions | 'help' {
  let parsed: {
    values: { 'content-only'?: boolean; format?: string; db?: string; help?: boolean };
    positionals: string[];
  };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        'content-only': { type: 'boolean' },
        format: { type: 'string' },
        db: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`templates: ${describeError(error)}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length === 0) {
    throw new UsageError('templates: FILE is required (a path, or - for standard input)');
  }
  if (positionals.length > 1) {
    throw new UsageError(`templates: one FILE expected, got ${positionals.length}`);
  }
  const format = values.format ?? 'jsonl';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`templates: --format must be ${FORMATS.join(' or ')} (got "${format}")`);
  }
  if (values.db !== undefined && values.db.trim() === '') {
    throw new UsageError('templates: --db needs a path');
  }
  return {
    file: positionals[0] as string,
    contentOnly: values['content-only'] ?? false,
    db: values.db,
  };
}

/** Runs `templates`; resolves to the exit status (0 ok, 2 usage error, 1 any other failure). */
export async function runTemplates(argv: readonly string[], io: CliIo): Promise<number> {
  const options = parseCommandArgs(argv, parseTemplatesArgs, TEMPLATES_USAGE, io);
  if (typeof options === 'number') return options;
  let store: KnowledgeStore | null = null;
  try {
    store = options.db ? await openStore(options.db) : null;
    const miner = new TemplateMiner(store ? await store.loadMinerState() : null);
    const ids = await mineLines(options, io, miner);
    await writeTemplates(ids, miner, io);
    if (store) await store.saveMinerState(miner.exportState());
    return EXIT_OK;
  } catch (error) {
    io.stderr.write(`templates: ${describeError(error)}\n`);
    return EXIT_FAILURE;
  } finally {
    await store?.close().catch(() => undefined);
  }
}

/** The group id of every line, in order. */
async function mineLines(
  options: TemplatesOptions,
  io: CliIo,
  miner: TemplateMiner,
): Promise<string[]> {
  const ids: string[] = [];
  const lines = readLines(options.file, io.stdin);
  if (options.contentOnly) {
    for await (const line of lines) ids.push(miner.addId(line));
    return ids;
  }
  // The first lines teach the header layout; they are mined once it is known.
  const sample: string[] = [];
  let layout: HeaderLayout | null = null;
  for await (const line of lines) {
    if (layout) {
      ids.push(miner.addLine(line, layout));
      continue;
    }
    sample.push(line);
    if (sample.length >= HeaderLayout.SAMPLE_LINES) {
      layout = HeaderLayout.learn(sample);
      for (const l of sample) ids.push(miner.addLine(l, layout));
    }
  }
  if (!layout) {
    layout = HeaderLayout.learn(sample);
    for (const l of sample) ids.push(miner.addLine(l, layout));
  }
  return ids;
}

async function writeTemplates(
  ids: readonly string[],
  miner: TemplateMiner,
  io: CliIo,
): Promise<void> {
  // The JSON tail of each group, built once: ,"template_id":"...","template":"..."}
  const tails = new Map<string, string>();
  const tailOf = (id: string): string => {
    let tail = tails.get(id);
    if (tail === undefined) {
      const group = miner.resolve(id) ?? id;
      tail = `,"template_id":${JSON.stringify(group)},"template":${JSON.stringify(miner.template(group) ?? '')}}\n`;
      tails.set(id, tail);
    }
    return tail;
  };
  let out = '';
  for (let i = 0; i < ids.length; i++) {
    out += `{"line":${i + 1}${tailOf(ids[i] as string)}`;
    if (out.length >= WRITE_CHARS) {
      await write(io.stdout, out);
      out = '';
    }
  }
  if (out.length > 0) await write(io.stdout, out);
}
