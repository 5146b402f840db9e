import type { MinerState } from '../ports/knowledge-store.js';
import { contentHash } from '../util/hash.js';

export interface MinedRecord {
  templateId: string;
  template: string;
  params: string[];
}

// First version of the miner: variable tokens are masked and the masked text
// is the template. The log intelligence work replaces it with an online,
// Drain-style miner behind the same surface.

const VARIABLE =
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b|\b0x[0-9a-f]+\b|\b[0-9a-f]{12,}\b|\b\d+(?:\.\d+)?\b/gi;

export class TemplateMiner {
  readonly #templates = new Map<string, string>();

  constructor(state?: MinerState | null) {
    if (state && state.version === 1 && Array.isArray(state.data)) {
      for (const entry of state.data) {
        if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'string') {
          this.#templates.set(entry[0], entry[1]);
        }
      }
    }
  }

  add(message: string): MinedRecord {
    const params: string[] = [];
    const template = message.replace(VARIABLE, (m) => {
      params.push(m);
      return '<*>';
    });
    const templateId = contentHash(template);
    this.#templates.set(templateId, template);
    return { templateId, template, params };
  }

  /** The current template text of a template id. */
  template(templateId: string): string | undefined {
    return this.#templates.get(templateId);
  }

  exportState(): MinerState {
    return { version: 1, data: [...this.#templates] };
  }
}
