import type { FailureCategory } from '../domain/categories.js';
import type { Signature } from './signature-catalog.js';

/** A catalog cue found in a record. */
export interface CueMatch {
  signatureId: string;
  category: FailureCategory;
  weight: number;
  /** Offset of the match in the record's text (locates the physical line for evidence). */
  offset: number;
}

/**
 * A catalog compiled for matching: one alternation of every
 * signature's anchors (longest first), and for each anchor the signatures it
 * can lead to. One scan of a record finds the anchors present; only the
 * signatures behind them run their own pattern. A healthy line that holds no
 * anchor costs a single regex scan, however large the catalog grows.
 */
export interface CatalogIndex {
  readonly signatures: readonly Signature[];
  readonly prefilter: RegExp;
  readonly byAnchor: ReadonlyMap<string, readonly Signature[]>;
  /** Finds out quickly whether a lower-cased ASCII text holds any anchor at all. */
  readonly anchorFilter: AnchorFilter | null;
  /** The same over the unambiguous signatures only (what a routine INFO line can show). */
  readonly unambiguous: CatalogIndex | null;
}

/** Cues this strong count even on a line the log calls routine (INFO / DEBUG). */
export const UNAMBIGUOUS = 0.95;

const cache = new WeakMap<readonly Signature[], CatalogIndex>();

export function indexCatalog(catalog: readonly Signature[]): CatalogIndex {
  const cached = cache.get(catalog);
  if (cached) return cached;
  const strong = catalog.filter((s) => s.weight >= UNAMBIGUOUS);
  const index = compile(catalog, strong.length < catalog.length ? compile(strong, null) : null);
  cache.set(catalog, index);
  return index;
}

function compile(catalog: readonly Signature[], unambiguous: CatalogIndex | null): CatalogIndex {
  const anchors = [...new Set(catalog.flatMap((s) => s.anchors))].sort(
    (a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0),
  );
  // The alternation matches the longest anchor at a position, and the scan
  // resumes at the next character, so a found anchor only has to stand for
  // the shorter anchors that start where it starts or inside it.
  const byAnchor = new Map<string, Signature[]>();
  for (const found of anchors) {
    const reachable = catalog.filter((s) => s.anchors.some((a) => found.includes(a)));
    byAnchor.set(found, reachable);
  }
  // Case-sensitive over lower-cased text: several times faster in V8 than
  // one case-insensitive scan.
  const prefilter = new RegExp(anchors.map(escapeRegExp).join('|'), 'g');
  return {
    signatures: catalog,
    prefilter,
    byAnchor,
    unambiguous,
    anchorFilter: AnchorFilter.build(anchors),
  };
}

/**
 * Whether a text holds any of a set of ASCII anchors (3 characters or more),
 * without a regex: the text's bytes are read once, every 3-byte window looked
 * up in a bit set of the anchors' first three bytes (and, unless a 3-character
 * anchor is that window, the window with its next byte in a hashed bit set of
 * the anchors' first four), and a window found there checked against the
 * anchors that start with it. Most log lines hold no anchor, and a scan of
 * the big alternation costs several times more.
 */
export class AnchorFilter {
  readonly #firsts: Uint8Array;
  /** 3-byte keys that are a whole anchor. */
  readonly #whole: Uint8Array;
  /** Hashed 4-byte starts of the longer anchors. */
  readonly #fours: Uint8Array;
  /**
   * The longer anchors by their first four bytes, longest first. Keyed by four
   * bytes, not three: "con" or "err" start some twenty anchors each, and
   * trying all of them at every "connect" was most of this filter's time.
   */
  readonly #byFour: Map<number, string[]>;
  /** The 3-character anchors by their key. */
  readonly #threes: Map<number, string>;

  private constructor(
    firsts: Uint8Array,
    whole: Uint8Array,
    fours: Uint8Array,
    byFour: Map<number, string[]>,
    threes: Map<number, string>,
  ) {
    this.#firsts = firsts;
    this.#whole = whole;
    this.#fours = fours;
    this.#byFour = byFour;
    this.#threes = threes;
  }

  /** null when some anchor is shorter than 3 characters or not ASCII (callers then scan). */
  static build(anchors: readonly string[]): AnchorFilter | null {
    const firsts = new Uint8Array(1 << 18);
    const whole = new Uint8Array(1 << 18);
    const fours = new Uint8Array(1 << 15);
    const byFour = new Map<number, string[]>();
    const threes = new Map<number, string>();
    for (const a of anchors) {
      if (a.length < 3 || !/^[\x00-\x7f]*$/.test(a)) return null;
      const key = (a.charCodeAt(0) << 14) | (a.charCodeAt(1) << 7) | a.charCodeAt(2);
      setBit(firsts, key);
      if (a.length === 3) {
        setBit(whole, key);
        threes.set(key, a);
        continue;
      }
      setBit(fours, fourHash(key, a.charCodeAt(3)));
      const four = key * 128 + a.charCodeAt(3);
      const list = byFour.get(four);
      if (list) list.push(a);
      else byFour.set(four, [a]);
    }
    // Longest first: at a position, the first that matches is the one the
    // alternation finds; a 3-character anchor there is the shortest, so last.
    for (const list of byFour.values()) list.sort((x, y) => y.length - x.length);
    return new AnchorFilter(firsts, whole, fours, byFour, threes);
  }

  /** false only when the text holds no anchor; true also when it cannot tell (long or non-ASCII text). */
  mayHold(text: string): boolean {
    const found = this.anchorsIn(text, true);
    return found === null || found.length > 0;
  }

  /**
   * The anchors the alternation finds in the text, resuming one character on
   * after each: at every index where an anchor starts, the longest one, in
   * order (`first`: the first only). null when it cannot tell (long or
   * non-ASCII text).
   */
  anchorsIn(text: string, first = false): readonly string[] | null {
    const n = text.length;
    if (n > FILTER_BUFFER) return null;
    const r = ENCODER.encodeInto(text, FILTER_BYTES);
    if (r.read !== n || r.written !== n) return null;
    let found: string[] | null = null;
    const bytes = FILTER_BYTES;
    const firsts = this.#firsts;
    const whole = this.#whole;
    const fours = this.#fours;
    let key = 0;
    for (let i = 0; i < n; i++) {
      key = ((key << 7) | (bytes[i] as number)) & 0x1fffff;
      if (i < 2 || ((firsts[key >>> 3] as number) & (1 << (key & 7))) === 0) continue;
      let hit: string | null = null;
      if (i + 1 < n) {
        const fourth = bytes[i + 1] as number;
        const h = fourHash(key, fourth);
        const list =
          ((fours[h >>> 3] as number) & (1 << (h & 7))) === 0
            ? undefined
            : this.#byFour.get(key * 128 + fourth);
        if (list !== undefined) hit = longestAt(list, bytes, i - 2, n);
      }
      // A 3-character anchor is the window itself.
      if (hit === null && ((whole[key >>> 3] as number) & (1 << (key & 7))) !== 0) {
        hit = this.#threes.get(key) ?? null;
      }
      if (hit === null) continue;
      if (first) return [hit];
      found ??= [];
      found.push(hit);
    }
    return found ?? NONE;
  }
}

/**
 * The first of `list` (anchors whose first four bytes are those at `start`)
 * that the text's bytes hold at `start`, compared byte by byte: the text and
 * the anchors are ASCII, so bytes are characters.
 */
function longestAt(list: readonly string[], bytes: Uint8Array, start: number, n: number) {
  for (let j = 0; j < list.length; j++) {
    const a = list[j] as string;
    const len = a.length;
    if (start + len > n) continue;
    let k = 4;
    while (k < len && a.charCodeAt(k) === bytes[start + k]) k++;
    if (k === len) return a;
  }
  return null;
}

function setBit(bits: Uint8Array, at: number): void {
  bits[at >>> 3] = (bits[at >>> 3] as number) | (1 << (at & 7));
}

/** 18-bit hash of three bytes (a 21-bit key) and a fourth. */
function fourHash(key: number, byte: number): number {
  return Math.imul((key << 7) | byte, 0x9e3779b1) >>> 14;
}

const NONE: readonly string[] = [];

/** Longest text the anchor filter reads (longer texts are scanned by the regex). */
const FILTER_BUFFER = 1 << 16;
const FILTER_BYTES = new Uint8Array(FILTER_BUFFER);
const ENCODER = new TextEncoder();

// Negated or zero-valued mentions are not failures: "0 unhealthy",
// "no OOMKilled events", "oom_kill 0", "timeouts: 0".
const NEGATED_BEFORE = /(?:^|[^\w.])(?:0|no|zero|without|non)[ -]{1,2}$/i;
const ZERO_AFTER =
  /^(?:s|es)?["']?(?:\s{0,2}[=:]\s{0,2}|\s)["']?(?:0|false|none|null|nil|<nil>)(?![\w.])/i;

function negated(text: string, start: number, end: number): boolean {
  const before = text.slice(Math.max(0, start - 12), start);
  if (NEGATED_BEFORE.test(before)) return true;
  return ZERO_AFTER.test(text.slice(end, end + 16));
}

/**
 * The catalog cues in a text. A cue on the same physical line as a cue that
 * suppresses its category is dropped (the probe failure quoting its
 * "connection refused").
 */
export function matchCues(
  text: string,
  index: CatalogIndex,
  lower: string = text.toLowerCase(),
): CueMatch[] {
  let candidates: Set<Signature> | null = null;
  const anchors = index.anchorFilter?.anchorsIn(lower) ?? null;
  if (anchors !== null) {
    if (anchors.length === 0) return [];
    for (const a of anchors) {
      const reachable = index.byAnchor.get(a);
      if (!reachable) continue;
      candidates ??= new Set();
      for (const s of reachable) candidates.add(s);
    }
  } else {
    const prefilter = index.prefilter;
    prefilter.lastIndex = 0;
    for (let m = prefilter.exec(lower); m !== null; m = prefilter.exec(lower)) {
      // Resume one character on, so an anchor overlapping this one is found too.
      prefilter.lastIndex = m.index + 1;
      const reachable = index.byAnchor.get(m[0]);
      if (!reachable) continue;
      candidates ??= new Set();
      for (const s of reachable) candidates.add(s);
    }
  }
  if (!candidates) return [];

  const found: { s: Signature; offset: number }[] = [];
  for (const s of candidates) {
    const m = s.pattern.exec(text);
    if (!m) continue;
    if (negated(text, m.index, m.index + m[0].length)) continue;
    found.push({ s, offset: m.index });
  }
  if (found.length === 0) return [];

  const suppressors = found.filter((f) => f.s.suppresses);
  const kept = found.filter(
    (f) =>
      !suppressors.some(
        (x) =>
          x.s.category !== f.s.category &&
          x.s.suppresses?.includes(f.s.category) &&
          sameLine(text, x.offset, f.offset),
      ),
  );
  return kept.map((f) => ({
    signatureId: f.s.id,
    category: f.s.category,
    weight: f.s.weight,
    offset: f.offset,
  }));
}

function sameLine(text: string, a: number, b: number): boolean {
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  return text.indexOf('\n', lo) === -1 || text.indexOf('\n', lo) >= hi;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
