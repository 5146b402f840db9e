import type { HeaderLayout } from '../ingest/header-layout.js';
import { messageOfLine } from '../ingest/log-ingester.js';
import type { MinerState } from '../ports/knowledge-store.js';
import { contentHash } from '../util/hash.js';
import {
  MESSAGE_KEY,
  messageKey,
  type ScannedMessage,
  scanMessage,
  WILDCARD,
} from './message-scanner.js';

// The online template miner.
//
// 1. Each message is scanned into tokens; variables (numbers, ids, addresses,
//    paths, ...) are masked by the scanner (message-scanner.ts).
// 2. A message joins the most specific group whose template matches it token
//    by token: same length, every constant equal, a <*> taking anything.
// 3. Otherwise it founds a group. Groups that differ from each other in one
//    position only form a "family" (found through a hash of the template with
//    that position left open). When a family shows VARIABLE_AFTER distinct
//    words at the open position, the position is a variable: the family merges
//    into its oldest group and the position becomes <*>.
//
// Unlike Drain there is no similarity threshold: words are constants until
// their own position proves otherwise, so "cupsd startup" and "cupsd shutdown"
// stay apart while "Invalid user alice/bob/carol/dave from <*>" becomes
// "Invalid user <*> from <*>". One configuration for every log.
//
// Template ids. A group's id is the content hash of the template it was founded
// with, and it never changes afterwards: when its template generalises, the id
// stays; when it merges into an older group, its id becomes an alias that
// resolves to that group (resolve()). Ids and aliases travel in the saved state,
// so after a restart and a restore the same template has the same id. A fresh
// miner given the same first message founds the group under the same id too.
// A content hash of the current template would change as the template
// generalises, and a counter would differ between runs: both were rejected.

export interface MinedRecord {
  templateId: string;
  template: string;
  params: string[];
}

/** A group and its template, as `groups()` lists them. */
export interface TemplateGroup {
  templateId: string;
  template: string;
  count: number;
}

interface Cluster {
  seq: number;
  id: string;
  /** Template tokens: a constant, a mask holding <*>, or <*>. */
  tokens: string[];
  /** Per position: what the token becomes when the position turns variable. */
  masks: string[];
  /**
   * Per position: opened by a merge (the position proved variable), so a <*>
   * there takes any token. A <*> that comes from masking takes only masked
   * values: a template of variables only ("<*> <*> <*>") must not swallow
   * every message of its length.
   */
  open: boolean[];
  count: number;
  /** Set once merged into another group (union-find). */
  parent: Cluster | null;
  bucket: string;
  /** Where the group is found by its anchor: slot (length, position) and anchor token. */
  anchorSlot: number;
  anchorToken: string;
  /**
   * 64 bits, two halves: one bit per token but <*>, chosen by a hash of the
   * token and its position. A message the group matches holds each of them
   * at its position, as its token or its mask, so the message's bits (of every
   * token and mask) cover the group's: a group whose bits are not covered is
   * passed over without reading its tokens.
   */
  sigLow: number;
  sigHigh: number;
  /** Ids of groups merged into this one. */
  aliases: string[];
  /** The rendered template, until the tokens change. */
  text: string | null;
}

/**
 * "A template of n tokens with position p left open", identified by two
 * 32-bit hashes of the other positions (fa, fb). Families are found through
 * a Map keyed by a 32-bit mix of the four, chained on collision.
 */
interface Family {
  n: number;
  p: number;
  fa: number;
  fb: number;
  next: Family | null;
  /** value -> its mask */
  values: Map<string, string>;
  members: Cluster[];
  /**
   * Merging would leave no constant token. The key fixes every other
   * position, so that stays true: the family is no longer tracked.
   */
  blocked: boolean;
}

interface CacheEntry {
  lane2: number;
  cluster: Cluster;
  next: CacheEntry | null;
}

/** Distinct constant values one position must show before it becomes a variable. */
const VARIABLE_AFTER = 4;
/** Groups per bucket (length + anchor) before a full bucket folds new shapes in. */
const BUCKET_LIMIT = 256;
/** Groups in one miner; past it new shapes fold into the closest group of their bucket. */
const MAX_GROUPS = 20_000;
/** Message keys remembered by the cache before it starts over. */
const CACHE_LIMIT = 200_000;
/** Groups kept in the saved state (the most used). */
const STATE_GROUPS = 5_000;
/** Tokens of a message considered; the rest of a longer message joins the last token. */
const MAX_TOKENS = 128;

const STATE_VERSION = 2;

export class TemplateMiner {
  #seq = 0;
  #groups = 0;
  readonly #buckets = new Map<string, Cluster[]>();
  /** The lists of #buckets by (length, anchor position) slot, then anchor token: no key strings built per lookup. */
  readonly #anchors = new Map<number, Map<string, Cluster[]>>();
  readonly #byId = new Map<string, Cluster>();
  #cache = new Map<number, CacheEntry>();
  #cached = 0;
  #lineCache = new Map<number, CacheEntry>();
  #lineCached = 0;
  readonly #families = new Map<number, Family>();
  /** Lanes of the message key of the last #lookup, for #remember. */
  #key1 = 0;
  #key2 = 0;

  /** Restores saved state; state of another version or shape is ignored (the miner starts empty). */
  constructor(state?: MinerState | null) {
    if (state && state.version === STATE_VERSION) this.#restore(state.data);
  }

  /** Mines one message: its group id, the group's current template and the message's parameter values. */
  add(message: string): MinedRecord {
    const cluster = this.#lookup(message) ?? this.#place(scan(message));
    cluster.count++;
    return new Mined(cluster.id, render(cluster), message, cluster.tokens);
  }

  /** Mines one message and returns only its group id: the fast path (no parameters). */
  addId(message: string): string {
    const cluster = this.#lookup(message) ?? this.#place(scan(message));
    cluster.count++;
    return cluster.id;
  }

  /**
   * Mines a raw log line: the header is stripped with `layout` (structured
   * lines are read for their message) and the message mined, returning its
   * group id. Lines are cached by their own key: header stripping, like
   * masking, depends on the lengths and positions of bare digit runs and never
   * on their values, so a line with the same key strips and masks alike. JSON
   * lines skip that cache (number syntax could change how they parse).
   */
  addLine(line: string, layout: HeaderLayout): string {
    if (line.charCodeAt(0) !== 123) {
      messageKey(line);
      const lane1 = MESSAGE_KEY[0] as number;
      const lane2 = MESSAGE_KEY[1] as number;
      for (let e: CacheEntry | null = this.#lineCache.get(lane1) ?? null; e; e = e.next) {
        if (e.lane2 === lane2) {
          const r = root(e.cluster);
          if (r !== e.cluster) e.cluster = r;
          r.count++;
          return r.id;
        }
      }
      const message = messageOfLine(line, layout).message;
      const cluster = this.#lookup(message) ?? this.#place(scan(message));
      cluster.count++;
      if (this.#lineCached >= CACHE_LIMIT) {
        this.#lineCache = new Map();
        this.#lineCached = 0;
      }
      this.#lineCache.set(lane1, { lane2, cluster, next: this.#lineCache.get(lane1) ?? null });
      this.#lineCached++;
      return cluster.id;
    }
    return this.addId(messageOfLine(line, layout).message);
  }

  /** Mines messages in order and returns their group ids (as `addId`). */
  addMany(messages: Iterable<string>): string[] {
    const ids: string[] = [];
    for (const m of messages) ids.push(this.addId(m));
    return ids;
  }

  /** The current template of a template id (ids of merged groups resolve to the group they joined). */
  template(templateId: string): string | undefined {
    const c = this.#byId.get(templateId);
    return c ? render(root(c)) : undefined;
  }

  /** The id a template id stands for now: itself, or the group it was merged into. */
  resolve(templateId: string): string | undefined {
    const c = this.#byId.get(templateId);
    return c ? root(c).id : undefined;
  }

  /** Every group with its current template and the number of messages it holds. */
  groups(): TemplateGroup[] {
    const out: TemplateGroup[] = [];
    for (const list of this.#buckets.values()) {
      for (const c of list) out.push({ templateId: c.id, template: render(c), count: c.count });
    }
    return out;
  }

  exportState(): MinerState {
    const roots: Cluster[] = [];
    for (const list of this.#buckets.values()) roots.push(...list);
    roots.sort((a, b) => b.count - a.count || a.seq - b.seq);
    const kept = roots.slice(0, STATE_GROUPS).sort((a, b) => a.seq - b.seq);
    return {
      version: STATE_VERSION,
      data: {
        groups: kept.map((c) => [
          c.id,
          c.tokens,
          c.masks,
          c.count,
          c.aliases,
          c.open.flatMap((o, i) => (o ? [i] : [])),
        ]),
      },
    };
  }

  #restore(data: unknown): void {
    const groups = (data as { groups?: unknown } | null)?.groups;
    if (!Array.isArray(groups)) return;
    for (const g of groups) {
      if (!Array.isArray(g) || g.length < 4) continue;
      const [id, tokens, masks, count, aliases, open] = g as unknown[];
      if (
        typeof id !== 'string' ||
        this.#byId.has(id) ||
        !isStringArray(tokens) ||
        !isStringArray(masks) ||
        tokens.length !== masks.length ||
        tokens.length > MAX_TOKENS ||
        typeof count !== 'number' ||
        !Number.isFinite(count)
      ) {
        continue;
      }
      const opened = new Array<boolean>(tokens.length).fill(false);
      if (Array.isArray(open)) {
        for (const i of open)
          if (Number.isInteger(i) && i >= 0 && i < tokens.length) opened[i] = true;
      }
      const c = this.#found(id, tokens.slice(), masks.slice(), opened);
      c.count = Math.max(0, Math.floor(count));
      if (isStringArray(aliases)) {
        for (const alias of aliases) {
          if (this.#byId.has(alias)) continue;
          this.#byId.set(alias, {
            ...c,
            id: alias,
            parent: c,
            aliases: [],
            tokens: [],
            masks: [],
          });
          c.aliases.push(alias);
        }
      }
    }
  }

  #lookup(message: string): Cluster | null {
    messageKey(message);
    const lane1 = MESSAGE_KEY[0] as number;
    const lane2 = MESSAGE_KEY[1] as number;
    this.#key1 = lane1;
    this.#key2 = lane2;
    for (let e: CacheEntry | null = this.#cache.get(lane1) ?? null; e; e = e.next) {
      if (e.lane2 === lane2) {
        const r = root(e.cluster);
        if (r !== e.cluster) e.cluster = r;
        return r;
      }
    }
    return null;
  }

  /** Caches the group of the message of the last #lookup (a miss). */
  #remember(cluster: Cluster): void {
    if (this.#cached >= CACHE_LIMIT) {
      this.#cache = new Map();
      this.#cached = 0;
    }
    const lane1 = this.#key1;
    this.#cache.set(lane1, { lane2: this.#key2, cluster, next: this.#cache.get(lane1) ?? null });
    this.#cached++;
  }

  /**
   * Finds or founds the group of a scanned message (a cache miss). Groups are
   * indexed by length and anchor: their first token without a <*>, with its
   * position. A group matching the message has its anchor at one of the
   * message's own constant tokens, so probing those finds every candidate.
   */
  #place(s: ScannedMessage): Cluster {
    const n = s.tokens.length;
    let best: Cluster | null = null;
    let bestWild = Number.POSITIVE_INFINITY;
    let own = -1;
    let sigLow = 0;
    let sigHigh = 0;
    for (let i = 0; i < n; i++) {
      const bit = positionBit(s.tokens[i] as string, i);
      if (bit < 32) sigLow |= 1 << bit;
      else sigHigh |= 1 << (bit - 32);
      const mask = s.masks[i] as string;
      if (mask === WILDCARD) continue;
      const maskBit = positionBit(mask, i);
      if (maskBit < 32) sigLow |= 1 << maskBit;
      else sigHigh |= 1 << (maskBit - 32);
    }
    for (let p = -1; p < n; p++) {
      const token = p >= 0 ? (s.tokens[p] as string) : '';
      if (p >= 0 && token.includes(WILDCARD)) continue;
      if (p >= 0 && own < 0) own = p;
      const list = this.#anchors.get(anchorSlot(n, p))?.get(token);
      if (!list) continue;
      for (let k = 0; k < list.length; k++) {
        const c = list[k] as Cluster;
        if ((c.sigLow & ~sigLow) !== 0 || (c.sigHigh & ~sigHigh) !== 0) continue;
        const wild = matches(c, s);
        if (wild >= 0 && (wild < bestWild || (wild === bestWild && best && c.seq < best.seq))) {
          best = c;
          bestWild = wild;
        }
      }
    }
    if (!best) {
      const bucket = this.#anchors
        .get(anchorSlot(n, own))
        ?.get(own >= 0 ? (s.tokens[own] as string) : '');
      if ((bucket && bucket.length >= BUCKET_LIMIT) || this.#groups >= MAX_GROUPS) {
        best = this.#fold(s, bucket);
        // Past MAX_GROUPS with nothing to fold into: one catch-all per length.
        if (!best && this.#groups >= MAX_GROUPS) {
          best = this.#create({
            ...s,
            tokens: s.tokens.map(() => WILDCARD),
            masks: s.masks.map(() => WILDCARD),
          });
          best.open.fill(true);
        }
      }
    }
    if (!best) best = this.#create(s);
    this.#remember(best);
    return best;
  }

  /**
   * Safety valve for logs whose shapes never repeat: a new shape joins the
   * closest group of its bucket (most equal tokens), whose differing positions
   * become <*>. Keeps time and memory bounded; never reached by real logs of
   * ordinary variety.
   */
  #fold(s: ScannedMessage, bucket: Cluster[] | undefined): Cluster | null {
    let best: Cluster | null = null;
    let bestSame = -1;
    for (const c of bucket ?? []) {
      let same = 0;
      for (let i = 0; i < c.tokens.length; i++) if (c.tokens[i] === s.tokens[i]) same++;
      if (same > bestSame) {
        best = c;
        bestSame = same;
      }
    }
    if (!best) return null;
    this.#unindex(best);
    best.tokens = best.tokens.slice();
    best.text = null;
    for (let i = 0; i < best.tokens.length; i++) {
      if (best.tokens[i] !== s.tokens[i] && best.tokens[i] !== WILDCARD) {
        best.tokens[i] = best.masks[i] === s.masks[i] ? (best.masks[i] as string) : WILDCARD;
        best.masks[i] = WILDCARD;
        best.open[i] = best.tokens[i] === WILDCARD;
      }
    }
    this.#index(best);
    return best;
  }

  #create(s: ScannedMessage): Cluster {
    let id = contentHash(s.tokens.join(' '));
    while (this.#byId.has(id)) id = contentHash(`${id}+`);
    const c = this.#found(
      id,
      s.tokens.slice(),
      s.masks.slice(),
      s.tokens.map(() => false),
    );
    return root(c);
  }

  #found(id: string, tokens: string[], masks: string[], open: boolean[]): Cluster {
    const c: Cluster = {
      seq: this.#seq++,
      id,
      tokens,
      masks,
      open,
      count: 0,
      parent: null,
      bucket: '',
      anchorSlot: 0,
      anchorToken: '',
      sigLow: 0,
      sigHigh: 0,
      aliases: [],
      text: null,
    };
    this.#byId.set(id, c);
    this.#groups++;
    this.#index(c);
    if (this.#groups < MAX_GROUPS) this.#register(c);
    return c;
  }

  #index(c: Cluster): void {
    let sigLow = 0;
    let sigHigh = 0;
    for (let i = 0; i < c.tokens.length; i++) {
      const t = c.tokens[i] as string;
      if (t === WILDCARD) continue;
      const bit = positionBit(t, i);
      if (bit < 32) sigLow |= 1 << bit;
      else sigHigh |= 1 << (bit - 32);
    }
    c.sigLow = sigLow;
    c.sigHigh = sigHigh;
    const anchor = c.tokens.findIndex((t) => !t.includes(WILDCARD));
    c.anchorToken = anchor >= 0 ? (c.tokens[anchor] as string) : '';
    c.anchorSlot = anchorSlot(c.tokens.length, anchor);
    c.bucket = bucketKey(c.tokens.length, anchor, c.anchorToken);
    let list = this.#buckets.get(c.bucket);
    if (!list) {
      list = [];
      this.#buckets.set(c.bucket, list);
      let tokens = this.#anchors.get(c.anchorSlot);
      if (!tokens) {
        tokens = new Map();
        this.#anchors.set(c.anchorSlot, tokens);
      }
      tokens.set(c.anchorToken, list);
    }
    list.push(c);
  }

  #unindex(c: Cluster): void {
    const list = this.#buckets.get(c.bucket);
    if (!list) return;
    const at = list.indexOf(c);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) {
      this.#buckets.delete(c.bucket);
      const tokens = this.#anchors.get(c.anchorSlot);
      tokens?.delete(c.anchorToken);
      if (tokens?.size === 0) this.#anchors.delete(c.anchorSlot);
    }
  }

  /** Enters a group in the family of each of its constant positions; merges families that are complete. */
  #register(c: Cluster): void {
    const pending: Family[] = [];
    const n = c.tokens.length;
    const hashes = tokenHashes(c.tokens);
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      a = (a + (hashes[2 * i] as number)) >>> 0;
      b = (b ^ (hashes[2 * i + 1] as number)) >>> 0;
    }
    for (let p = 0; p < n; p++) {
      const value = c.tokens[p] as string;
      if (c.open[p]) continue;
      const f = this.#family(n, p, familyA(a, hashes, p), familyB(b, hashes, p), true) as Family;
      if (f.blocked) continue;
      f.members.push(c);
      const before = f.values.size;
      f.values.set(value, c.masks[p] as string);
      // One value never makes a variable (the threshold is 2 or more): no need to ask.
      const size = f.values.size;
      if (size > before && size >= 2 && size >= threshold(f.values)) pending.push(f);
    }
    // A family is looked up again: an earlier merge may have dropped or replaced it.
    for (const f of pending) this.#mergeFamily(f.n, f.p, f.fa, f.fb);
  }

  /** The family (n, p, fa, fb); created when `create` and missing. */
  #family(n: number, p: number, fa: number, fb: number, create: boolean): Family | null {
    const slot = familySlot(n, p, fa, fb);
    const head = this.#families.get(slot) ?? null;
    for (let f = head; f; f = f.next) {
      if (f.fa === fa && f.fb === fb && f.n === n && f.p === p) return f;
    }
    if (!create) return null;
    const f: Family = {
      n,
      p,
      fa,
      fb,
      next: head,
      values: new Map(),
      members: [],
      blocked: false,
    };
    this.#families.set(slot, f);
    return f;
  }

  #dropFamily(f: Family): void {
    const slot = familySlot(f.n, f.p, f.fa, f.fb);
    const head = this.#families.get(slot);
    if (head === f) {
      if (f.next) this.#families.set(slot, f.next);
      else this.#families.delete(slot);
      return;
    }
    for (let g = head ?? null; g?.next; g = g.next) {
      if (g.next === f) {
        g.next = f.next;
        return;
      }
    }
  }

  /** Takes a group out of its families (but the one at `except`, which is being merged). */
  #deregister(c: Cluster, except: number): void {
    const n = c.tokens.length;
    const hashes = tokenHashes(c.tokens);
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      a = (a + (hashes[2 * i] as number)) >>> 0;
      b = (b ^ (hashes[2 * i + 1] as number)) >>> 0;
    }
    for (let q = 0; q < n; q++) {
      if (q === except || c.open[q]) continue;
      const f = this.#family(n, q, familyA(a, hashes, q), familyB(b, hashes, q), false);
      if (!f) continue;
      const at = f.members.indexOf(c);
      if (at >= 0) f.members.splice(at, 1);
      if (f.members.length === 0) this.#dropFamily(f);
    }
  }

  #mergeFamily(n: number, p: number, fa: number, fb: number): void {
    const f = this.#family(n, p, fa, fb, false);
    if (!f) return;
    // Members still alive, not yet opened at p and still in this family.
    const live: Cluster[] = [];
    for (const m of f.members) {
      if (m.parent || live.includes(m) || m.open[p] || m.tokens.length !== n) continue;
      const hashes = tokenHashes(m.tokens);
      let a = 0;
      let b = 0;
      for (let i = 0; i < n; i++) {
        a = (a + (hashes[2 * i] as number)) >>> 0;
        b = (b ^ (hashes[2 * i + 1] as number)) >>> 0;
      }
      if (familyA(a, hashes, p) !== fa || familyB(b, hashes, p) !== fb) continue;
      live.push(m);
    }
    const values = new Map<string, string>();
    for (const m of live) values.set(m.tokens[p] as string, m.masks[p] as string);
    f.members = live;
    f.values = values;
    if (values.size < 2 || values.size < threshold(values)) return;
    if (!keepsAnAnchor(live[0] as Cluster, p)) {
      f.blocked = true;
      f.members = [];
      f.values.clear();
      return;
    }
    this.#dropFamily(f);
    live.sort((x, y) => x.seq - y.seq);
    const survivor = live[0] as Cluster;
    const masks = new Set(values.values());
    const generalized = masks.size === 1 ? (masks.values().next().value as string) : WILDCARD;
    this.#unindex(survivor);
    survivor.tokens = survivor.tokens.slice();
    survivor.tokens[p] = generalized;
    survivor.masks[p] = WILDCARD;
    survivor.open[p] = generalized === WILDCARD;
    survivor.text = null;
    this.#deregister(survivor, p);
    for (let i = 1; i < live.length; i++) {
      const m = live[i] as Cluster;
      this.#deregister(m, p);
      m.parent = survivor;
      survivor.count += m.count;
      survivor.aliases.push(m.id, ...m.aliases);
      m.aliases = [];
      this.#unindex(m);
      this.#groups--;
    }
    this.#index(survivor);
    this.#register(survivor);
  }
}

/**
 * A mined record whose parameters are read from the message only when asked
 * for: most callers want the id and the template, and a cache hit then costs
 * no scan. `tokens` is the group's template as it was when the message was
 * mined (templates are copied, never changed in place, when they generalise).
 */
class Mined implements MinedRecord {
  readonly templateId: string;
  readonly template: string;
  readonly #message: string;
  readonly #tokens: readonly string[];
  #params: string[] | null = null;

  constructor(templateId: string, template: string, message: string, tokens: readonly string[]) {
    this.templateId = templateId;
    this.template = template;
    this.#message = message;
    this.#tokens = tokens;
  }

  get params(): string[] {
    if (this.#params === null) {
      const raws = scan(this.#message).raws;
      const params: string[] = [];
      for (let i = 0; i < this.#tokens.length; i++) {
        if ((this.#tokens[i] as string).includes(WILDCARD)) params.push(raws[i] ?? '');
      }
      this.#params = params;
    }
    return this.#params;
  }

  toJSON(): MinedRecord {
    return { templateId: this.templateId, template: this.template, params: this.params };
  }
}

function scan(message: string): ScannedMessage {
  const s = scanMessage(message);
  if (s.tokens.length > MAX_TOKENS) {
    // A message of hundreds of tokens: the tail is one variable.
    const cut = MAX_TOKENS - 1;
    s.raws.splice(cut, s.raws.length - cut, s.raws.slice(cut).join(' '));
    s.tokens.length = cut;
    s.tokens.push(WILDCARD);
    s.masks.length = cut;
    s.masks.push(WILDCARD);
    s.kinds.length = cut + 1;
  }
  return s;
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/**
 * How many distinct values make a position variable: VARIABLE_AFTER words,
 * or two when one value's pattern covers the others, that is when a masked
 * value and a more specific spelling of it meet (<*> and blk_<*>, rhost=<*>
 * and rhost=ip-<*>, chdir(<*>) and chdir(pwd)). Two differently spelled masks
 * (dcbf....<*>, icbi....<*>) still need VARIABLE_AFTER values.
 */
function threshold(values: Map<string, string>): number {
  for (const v of values.keys()) {
    const at = v.indexOf(WILDCARD);
    if (at < 0 || v.indexOf(WILDCARD, at + 1) >= 0) continue;
    const prefix = v.slice(0, at);
    const suffix = v.slice(at + WILDCARD.length);
    let covers = true;
    for (const [w, mask] of values) {
      if (w === v) continue;
      // A word is covered through its mask (chdir(pwd) -> chdir(<*>)); a mask directly.
      const other = w.includes(WILDCARD) ? w : mask;
      if (
        other.length < prefix.length + suffix.length + 1 ||
        !other.startsWith(prefix) ||
        !other.endsWith(suffix) ||
        (other === WILDCARD && v !== WILDCARD)
      ) {
        covers = false;
        break;
      }
    }
    if (covers) return 2;
  }
  return VARIABLE_AFTER;
}

/** A template must keep one constant token: "<*> <*>" would group everything of that length. */
function keepsAnAnchor(c: Cluster, p: number): boolean {
  for (let i = 0; i < c.tokens.length; i++) {
    if (i !== p && !(c.tokens[i] as string).includes(WILDCARD)) return true;
  }
  return false;
}

function bucketKey(n: number, position: number, token: string): string {
  return `${n}\u0001${position}\u0001${token}`;
}

function root(c: Cluster): Cluster {
  let r = c;
  while (r.parent) r = r.parent;
  let x = c;
  while (x.parent && x.parent !== r) {
    const next: Cluster = x.parent;
    x.parent = r;
    x = next;
  }
  return r;
}

/** Number of <*> positions the group's template uses to match the message, -1 when it does not match. */
function matches(c: Cluster, s: ScannedMessage): number {
  let wild = 0;
  const n = c.tokens.length;
  for (let i = 0; i < n; i++) {
    const t = c.tokens[i] as string;
    const token = s.tokens[i] as string;
    if (t === token) continue;
    if (t === WILDCARD) {
      // An opened position takes anything; a masked one only masked values.
      if (!c.open[i] && !token.includes(WILDCARD)) return -1;
      wild++;
    } else if (t === s.masks[i]) wild++;
    else return -1;
  }
  return wild;
}

function hash32(s: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

/** The signature bit (0-63) of a token at a position. */
function positionBit(t: string, i: number): number {
  let h = Math.imul(i + 1, 0x9e3779b1);
  for (let k = 0; k < t.length; k++) h = Math.imul(h ^ t.charCodeAt(k), 0x01000193);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 26;
}

/** Two independent 32-bit hashes per (position, token). */
function tokenHashes(tokens: readonly string[]): Uint32Array {
  const out = new Uint32Array(tokens.length * 2);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    out[2 * i] = hash32(t, 0x811c9dc5 ^ Math.imul(i + 1, 0x9e3779b1));
    out[2 * i + 1] = hash32(t, 0x5bd1e995 ^ Math.imul(i + 7, 0x85ebca77));
  }
  return out;
}

/** The two hashes of "this template with position p left open", from the sums over every position. */
function familyA(a: number, hashes: Uint32Array, p: number): number {
  return (a - (hashes[2 * p] as number)) | 0;
}

function familyB(b: number, hashes: Uint32Array, p: number): number {
  return (b ^ (hashes[2 * p + 1] as number)) | 0;
}

function familySlot(n: number, p: number, fa: number, fb: number): number {
  return (fa ^ Math.imul(fb, 0x27d4eb2d) ^ (n << 24) ^ (p << 16)) | 0;
}

/** Slot of the groups of `n` tokens anchored at position `p` (-1: no constant token). */
function anchorSlot(n: number, p: number): number {
  return n * 256 + p + 1;
}

function render(c: Cluster): string {
  c.text ??= c.tokens.join(' ');
  return c.text;
}
