// The single-pass scanner that turns a message into mining tokens.
//
// One left-to-right walk over the characters splits the message at
// whitespace (a quoted value may span spaces) and classifies each token with
// a few counters gathered on the way. Tokens without digits or path/URL/mail
// characters, the great majority, leave through a fast path. The others are
// classified by small hand-written checks: no regular expression runs here,
// so nothing can backtrack, and the cost stays linear in the message length.
//
// Masking kinds and what replaces them:
//   numbers, durations, sizes, hex, IPv4/IPv6 (+port), UUIDs, timestamps  -> <*>
//   URLs, paths, e-mail addresses                                          -> <*>
//   key=value / key:value with a variable value                            -> key=<*>
//   an id after a word prefix (MININT-7F3, CPU#0, jetty-9.4.1)            -> prefix-<*>
//   Kubernetes generated name suffixes (web-7d9f8b6c5-x2x7k)               -> web-<*>
//   quoted values ('safety', "GET / HTTP/1.1")                            -> '<*>'
// A token is masked either STRONG (always rendered <*>) or WEAK: a value that
// looks like a constant as often as like a variable (ssh2, log4j, 'safety',
// user=root). Weak tokens match anything at their position while grouping,
// but a template shows the value itself as long as every line of its group
// carried the same value.

export const WILDCARD = '<*>';

/** Kind of a scanned token. */
export const CONSTANT = 0;
export const VARIABLE = 1;
export const WEAK = 2;
export type TokenKind = typeof CONSTANT | typeof VARIABLE | typeof WEAK;

/** Longest quoted value the scanner joins across spaces. */
const MAX_QUOTED = 256;
/** Tokens longer than this are not inspected character by character twice. */
const MAX_CLASSIFIED = 512;

export interface ScannedMessage {
  /** What grouping compares: the token as written, or its mask when it is a VARIABLE. */
  tokens: string[];
  /** The token's mask (key=<*>, '<*>', <*>): what a template shows once the position varies. */
  masks: string[];
  /** The tokens as written. */
  raws: string[];
  kinds: TokenKind[];
}

// Character classes, one table lookup per character.
const C_SPACE = 1;
const C_DIGIT = 2;
const C_UPPER = 4;
const C_LOWER = 8;
const C_HEXLETTER = 16;
const CLASS = new Uint8Array(128);
for (let c = 0; c <= 32; c++) CLASS[c] = C_SPACE;
CLASS[127] = C_SPACE;
for (let c = 48; c <= 57; c++) CLASS[c] = C_DIGIT;
for (let c = 65; c <= 90; c++) CLASS[c] = C_UPPER | (c <= 70 ? C_HEXLETTER : 0);
for (let c = 97; c <= 122; c++) CLASS[c] = C_LOWER | (c <= 102 ? C_HEXLETTER : 0);

function cls(c: number): number {
  return c < 128 ? (CLASS[c] as number) : c === 0xa0 || c === 0xfeff ? C_SPACE : 0;
}

function isAlnum(c: number): boolean {
  return c < 128 && ((CLASS[c] as number) & (C_DIGIT | C_UPPER | C_LOWER)) !== 0;
}

function isQuote(c: number): boolean {
  return c === 34 || c === 39 || c === 96; // " ' `
}

/** Splits a message into masked tokens. Never throws; linear in the message length. */
export function scanMessage(message: string): ScannedMessage {
  const tokens: string[] = [];
  const masks: string[] = [];
  const raws: string[] = [];
  const kinds: TokenKind[] = [];
  let dateParts = 0;
  const n = message.length;
  let i = 0;
  while (i < n) {
    while (i < n && cls(message.charCodeAt(i)) === C_SPACE) i++;
    if (i >= n) break;
    const start = i;
    // Fast-path counters for the token.
    let special = 0; // digits or characters that make a token worth a closer look
    let prev = 32;
    while (i < n) {
      const c = message.charCodeAt(i);
      const k = cls(c);
      if (k === C_SPACE) break;
      if (k === C_DIGIT) special++;
      else if (c === 47 || c === 64 || c === 61 || c === 92 || c === 58)
        special++; // / @ = \ :
      else if (isQuote(c)) {
        // A quote that opens a value: at the token start or after = : ( [
        if (i === start || prev === 61 || prev === 58 || prev === 40 || prev === 91) {
          const close = findClosingQuote(message, i, c);
          if (close > 0) {
            special++;
            prev = c;
            i = close + 1;
            continue;
          }
        }
      } else if (c === 45) special++; // - (k8s names, uuids)
      prev = c;
      i++;
    }
    const raw = message.slice(start, i);
    raws.push(raw);
    if (special === 0 && i - start !== 2) {
      tokens.push(raw);
      masks.push(WILDCARD);
      kinds.push(CONSTANT);
      if (i - start >= 3 && i - start <= 9 && DATE_WORDS.has(raw)) dateParts++;
    } else {
      const masked = maskToken(raw);
      masks.push(masked.kind === CONSTANT ? WILDCARD : masked.text);
      tokens.push(masked.kind === VARIABLE ? masked.text : raw);
      kinds.push(masked.kind);
    }
  }
  const scanned = { tokens, masks, raws, kinds };
  if (dateParts > 0) collapseDates(scanned);
  joinUnits(scanned);
  return scanned;
}

// Units written apart from their number ("5.2 KB", "30 ms") belong to the value.
const UNITS = new Set(
  'B KB MB GB TB PB kB KiB MiB GiB TiB b kb mb gb ms us µs ns s sec secs min mins h hrs'.split(' '),
);

function joinUnits(m: ScannedMessage): void {
  const { tokens, masks, raws, kinds } = m;
  for (let i = 1; i < raws.length; i++) {
    // A bare number, or one opened by punctuation: "(1.16 KB)", "<1 sec"
    if (kinds[i - 1] !== VARIABLE || !(tokens[i - 1] as string).endsWith(WILDCARD)) continue;
    const raw = raws[i] as string;
    let e = raw.length;
    while (e > 0 && TRAILING_PUNCT.includes(raw[e - 1] as string)) e--;
    if (e === 0 || e > 4 || !UNITS.has(raw.slice(0, e))) continue;
    // The number itself must be bare: "5.2", not "5.2,".
    const prev = raws[i - 1] as string;
    if (!isAlnum(prev.charCodeAt(prev.length - 1))) continue;
    const text = `${tokens[i - 1]}${raw.slice(e)}`;
    tokens.splice(i - 1, 2, text);
    masks.splice(i - 1, 2, text);
    raws.splice(i - 1, 2, `${prev} ${raw}`);
    kinds.splice(i - 1, 2, VARIABLE);
    i--;
  }
}

const DATE_WORDS = new Set(
  (
    'Mon Tue Wed Thu Fri Sat Sun Monday Tuesday Wednesday Thursday Friday Saturday Sunday ' +
    'Jan Feb Mar Apr May Jun Jul Aug Sep Sept Oct Nov Dec January February March April June ' +
    'July August September October November December'
  ).split(' '),
);
const WEEKDAYS = new Set(
  'Mon Tue Wed Thu Fri Sat Sun Monday Tuesday Wednesday Thursday Friday Saturday Sunday'.split(' '),
);

/**
 * A date written in words spans several tokens ("Sun Jul  3 10:05:25 2005",
 * "Jun 14 15:16:01"): each run of them becomes one variable token, so the
 * weekday and the month do not read as constant words.
 */
function collapseDates(m: ScannedMessage): void {
  const { tokens, masks, raws, kinds } = m;
  for (let i = 0; i < raws.length; i++) {
    const w = raws[i] as string;
    if (!DATE_WORDS.has(w)) continue;
    let j = i;
    let month = !WEEKDAYS.has(w);
    let end = i;
    // weekday? month day [time] [year]
    if (!month && i + 1 < raws.length && DATE_WORDS.has(raws[i + 1] as string)) {
      j = i + 1;
      month = !WEEKDAYS.has(raws[j] as string);
    }
    if (!month) {
      // weekday followed by a day number: "Fri 17 Jun"
      if (isDayNumber(raws[i + 1]) && DATE_WORDS.has(raws[i + 2] as string)) end = i + 2;
      else continue;
    } else if (isDayNumber(raws[j + 1])) end = j + 1;
    else if (j > i)
      end = j; // "Sun Jul" alone
    else continue;
    if (isTime(raws[end + 1])) end++;
    if (isYear(raws[end + 1])) end++;
    const last = masks[end] as string;
    const text = kinds[end] === VARIABLE && last.startsWith(WILDCARD) ? last : WILDCARD;
    const raw = raws.slice(i, end + 1).join(' ');
    tokens.splice(i, end - i + 1, text);
    masks.splice(i, end - i + 1, text);
    raws.splice(i, end - i + 1, raw);
    kinds.splice(i, end - i + 1, VARIABLE);
  }
}

function isDayNumber(s: string | undefined): boolean {
  if (!s) return false;
  let e = s.length;
  while (e > 0 && (s.charCodeAt(e - 1) === 44 || s.charCodeAt(e - 1) === 46)) e--; // "17," "17."
  // By length only: the miner's cache key does not keep the values of bare numbers.
  return (e === 1 || e === 2) && isDigitAt(s, 0) && isDigitAt(s, e - 1);
}

function isTime(s: string | undefined): boolean {
  if (!s || s.length < 4 || s.length > 24 || !isDigitAt(s, 0)) return false;
  const colon = s.indexOf(':');
  return colon > 0 && colon <= 2 && isDigitAt(s, colon + 1);
}

function isYear(s: string | undefined): boolean {
  if (!s || s.length < 4 || s.length > 5) return false;
  for (let i = 0; i < 4; i++) if (!isDigitAt(s, i)) return false;
  return s.length === 4 || !isAlnum(s.charCodeAt(4));
}

/**
 * Index of the quote closing the one at `open`, or -1. Looks at most
 * MAX_QUOTED characters ahead. A quoted phrase of up to three words is not
 * joined: its words stay tokens ("GET /v2/items HTTP/1.1" keeps GET and POST
 * apart); a longer one is free text (a user agent, a message) and becomes one
 * value, so its length does not change the template's.
 */
function findClosingQuote(s: string, open: number, quote: number): number {
  const limit = Math.min(s.length, open + 1 + MAX_QUOTED);
  let gaps = 0;
  let prevSpace = false;
  for (let j = open + 1; j < limit; j++) {
    const c = s.charCodeAt(j);
    if (c === quote) {
      const next = j + 1 < s.length ? s.charCodeAt(j + 1) : 32;
      // The closing quote ends a word: followed by a space or punctuation.
      if (cls(next) === C_SPACE || (!isAlnum(next) && next !== quote)) {
        return gaps === 0 || gaps >= 3 ? j : -1;
      }
      if (prevSpace) return -1; // another quoted value opens: this one is not closed
    } else if (c === 92) {
      j++; // skip the escaped character
    }
    const space = cls(c) === C_SPACE;
    if (space && !prevSpace) gaps++;
    prevSpace = space;
  }
  return -1;
}

interface Masked {
  text: string;
  kind: TokenKind;
}

const LEADING_WRAP = '([{<';
const QUOTES = '"\'`';
const CLOSING = ')]}>';
const AFTER_QUOTE = ')]}>,;:.!?';
const TRAILING_PUNCT = `${AFTER_QUOTE}${QUOTES}`;

/** Masks one whitespace-free token (or a joined quoted value). */
export function maskToken(raw: string): Masked {
  // Peel wrapping punctuation: "(uid=0)," -> "(" + "uid=0" + "),"
  let a = 0;
  let b = raw.length;
  while (a < b && LEADING_WRAP.includes(raw[a] as string)) a++;
  // A quoted value keeps its quotes around the mask.
  const q = raw.charCodeAt(a);
  if (isQuote(q)) {
    let e = b;
    while (e > a + 1 && AFTER_QUOTE.includes(raw[e - 1] as string)) e--;
    if (e - a >= 2 && raw.charCodeAt(e - 1) === q) {
      const inner = raw.slice(a + 1, e - 1);
      if (inner.length === 0) return { text: raw, kind: CONSTANT };
      const m = maskCore(inner);
      const kind: TokenKind = m.kind === VARIABLE ? VARIABLE : WEAK;
      return { text: `${raw.slice(0, a + 1)}${WILDCARD}${raw.slice(e - 1)}`, kind };
    }
  }
  // A quote opened here and closed in a later token ("GET ... HTTP/1.1") is punctuation.
  while (a < b && QUOTES.includes(raw[a] as string)) a++;
  while (b > a && TRAILING_PUNCT.includes(raw[b - 1] as string)) {
    // Keep a bracket that closes one opened inside the token: chdir(/x), a[0]
    const c = raw.charCodeAt(b - 1);
    if ((c === 41 && opens(raw, a, b - 1, 40, 41)) || (c === 93 && opens(raw, a, b - 1, 91, 93)))
      break;
    b--;
  }
  if (a === b) {
    // An empty pair, "()" or "[]": the empty value of a variable that is usually there.
    if (raw.length === 2 && CLOSING[LEADING_WRAP.indexOf(raw[0] as string)] === raw[1]) {
      return { text: `${raw[0]}${WILDCARD}${raw[1]}`, kind: WEAK };
    }
    return { text: raw, kind: CONSTANT };
  }
  const core = raw.slice(a, b);
  const m = maskCore(core);
  if (m.kind === CONSTANT) return { text: raw, kind: CONSTANT };
  return { text: `${raw.slice(0, a)}${m.text}${raw.slice(b)}`, kind: m.kind };
}

/** More `open` than `close` characters in raw[from, to). */
function opens(raw: string, from: number, to: number, open: number, close: number): boolean {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const c = raw.charCodeAt(i);
    if (c === open) depth++;
    else if (c === close) depth--;
  }
  return depth > 0;
}

const CONST_RESULT: Masked = { text: '', kind: CONSTANT };

/** Masks a token stripped of wrapping punctuation. CONSTANT results carry no text. */
function maskCore(s: string): Masked {
  const n = s.length;
  if (n === 0) return CONST_RESULT;
  let digits = 0;
  let letters = 0;
  let hexOnly = true; // hex digits, '-' and ':' only
  let colons = 0;
  let hyphens = 0;
  let firstEq = -1;
  let firstColon = -1;
  let firstAt = -1;
  let slashes = 0;
  let backslashes = 0;
  const limit = Math.min(n, MAX_CLASSIFIED);
  for (let i = 0; i < limit; i++) {
    const c = s.charCodeAt(i);
    const k = cls(c);
    if (k & C_DIGIT) digits++;
    else if (k & (C_UPPER | C_LOWER)) {
      letters++;
      if (!(k & C_HEXLETTER)) hexOnly = false;
    } else if (c === 58) {
      colons++;
      if (firstColon < 0) firstColon = i;
    } else if (c === 45) hyphens++;
    else {
      hexOnly = false;
      if (c === 61) {
        if (firstEq < 0) firstEq = i;
      } else if (c === 47) slashes++;
      else if (c === 64) {
        if (firstAt < 0) firstAt = i;
      } else if (c === 92) backslashes++;
    }
  }
  if (n > limit) {
    // A very long token: a blob (base64, serialized data) when it has a digit anywhere.
    if (digits > 0 || slashes > 0) return VAR_RESULT;
    for (let i = limit; i < n; i++) if (isDigitAt(s, i)) return VAR_RESULT;
    return CONST_RESULT;
  }
  const c0 = s.charCodeAt(0);

  // key=value: the key stays, the value is masked (weakly when it has no digits).
  if (firstEq > 0 && firstEq < 40 && isKey(s, 0, firstEq)) {
    return keyValue(s, firstEq);
  }
  // call(argument): the argument is a value like the one of key=value.
  const paren = s.indexOf('(');
  if (paren > 0 && s.charCodeAt(n - 1) === 41 && n - paren > 2 && isKey(s, 0, paren)) {
    const inner = maskToken(s.slice(paren + 1, n - 1));
    if (inner.kind === CONSTANT) {
      return digits > 0
        ? CONST_RESULT
        : { text: `${s.slice(0, paren + 1)}${WILDCARD})`, kind: WEAK };
    }
    return { text: `${s.slice(0, paren + 1)}${inner.text})`, kind: inner.kind };
  }
  if (slashes > 0 || backslashes > 0) {
    if (isUrl(s) || isPath(s, slashes, backslashes)) return VAR_RESULT;
  }
  if (firstAt > 0 && isEmail(s, firstAt)) return VAR_RESULT;
  if (isHostname(s)) return VAR_RESULT;
  if (digits === 0) {
    if (hyphens >= 1 && letters === n - hyphens) return kubernetesSuffix(s);
    return CONST_RESULT;
  }
  // Numbers, with units (10ms, 4KiB, 1h30m), times, dates, IPv4, versions;
  // a list of them (7007##548365, 12,0,4) is several values.
  if (c0 < 128 && (cls(c0) & C_DIGIT || ((c0 === 45 || c0 === 43) && n > 1 && isDigitAt(s, 1)))) {
    return numberList(s) ?? VAR_RESULT;
  }
  if (firstColon > 0 && isHostPort(s)) return VAR_RESULT;
  // key:value with a numeric value (PendingReds:0, onExtend:1514038530000).
  if (firstColon > 0 && colons === 1 && isKey(s, 0, firstColon) && firstColon < n - 1) {
    return keyValue(s, firstColon);
  }
  // IPv6, MAC addresses, UUIDs, hashes: hex digits with : or - separators.
  if (hexOnly && (colons >= 2 || n >= 8)) return VAR_RESULT;
  if (hyphens >= 1 && letters + digits + hyphens === n) {
    const k8s = kubernetesSuffix(s);
    if (k8s.kind !== CONSTANT) return k8s;
  }
  return mixed(s, digits, letters);
}

const LIST_SEPARATORS = ',#;|';

/** "7007##548365##12", "1514038440000,0,0": each number a value; null when s is no such list. */
function numberList(s: string): Masked | null {
  let separated = false;
  let colon = false;
  let comma = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (LIST_SEPARATORS.includes(s[i] as string)) {
      separated = true;
      if (c === 44) comma = true;
    } else if (c === 58) colon = true;
    else if (!isDigitAt(s, i) && c !== 46 && c !== 45) return null; // digits . - :
  }
  // 18:01:47,978 is a time with milliseconds, not a list.
  if (!separated || (comma && colon)) return null;
  let text = '';
  let inValue = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (LIST_SEPARATORS.includes(ch)) {
      text += ch;
      inValue = false;
    } else if (!inValue) {
      text += WILDCARD;
      inValue = true;
    }
  }
  return { text, kind: VARIABLE };
}

/** host:port with a host that is no plain key: db-1.prod:5432, msra-sa-41/10.1.1.1:9000 */
function isHostPort(s: string): boolean {
  const colon = s.lastIndexOf(':');
  if (colon <= 0 || s.length - colon - 1 < 1 || s.length - colon - 1 > 5) return false;
  for (let i = colon + 1; i < s.length; i++) if (!isDigitAt(s, i)) return false;
  let marked = false;
  let dot = false;
  for (let i = 0; i < colon; i++) {
    const c = s.charCodeAt(i);
    if (isDigitAt(s, i) || c === 47) marked = true;
    else if (c === 46) dot = true;
    else if (!isAlnum(c) && c !== 45 && c !== 95) return false;
  }
  // A dotted name is a host when it ends in a domain: not Z.java:12 (file:line).
  return marked || (dot && endsInDomain(s.slice(0, colon)));
}

// Two-letter endings that are source files rather than country domains.
const SOURCE_EXTENSIONS = new Set([
  'go',
  'py',
  'js',
  'ts',
  'rs',
  'rb',
  'cc',
  'hh',
  'kt',
  'cs',
  'pl',
  'sh',
  'ex',
  'md',
]);

function endsInDomain(host: string): boolean {
  const label = host.slice(host.lastIndexOf('.') + 1).toLowerCase();
  return (
    TLDS.has(label) ||
    (label.length === 2 && !SOURCE_EXTENSIONS.has(label) && !/[^a-z]/.test(label))
  );
}

const VAR_RESULT: Masked = { text: WILDCARD, kind: VARIABLE };

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/**
 * A key of key=value: a letter or _ first, then letters, digits, _ . -.
 * Digits only glued to a letter (dbcr0, ipv4): a key is kept as written, and
 * the message key of the miner's cache normalises bare digit runs.
 */
function isKey(s: string, from: number, to: number): boolean {
  const c0 = s.charCodeAt(from);
  if (!(cls(c0) & (C_UPPER | C_LOWER)) && c0 !== 95) return false;
  for (let i = from + 1; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (!isLetter(s.charCodeAt(i - 1)) && !isDigitAt(s, i - 1)) return false;
    } else if (!isAlnum(c) && c !== 95 && c !== 46 && c !== 45) return false;
  }
  return true;
}

function isLetter(c: number): boolean {
  return c < 128 && ((CLASS[c] as number) & (C_UPPER | C_LOWER)) !== 0;
}

function keyValue(s: string, sep: number): Masked {
  const value = s.slice(sep + 1);
  if (value.length === 0) return CONST_RESULT;
  const inner = maskToken(value);
  if (inner.kind === CONSTANT) {
    // A word value (user=root, state:ready): weak, shown while it is constant.
    return { text: `${s.slice(0, sep + 1)}${WILDCARD}`, kind: WEAK };
  }
  return { text: `${s.slice(0, sep + 1)}${inner.text}`, kind: inner.kind };
}

function isUrl(s: string): boolean {
  const p = s.indexOf('://');
  return p > 0 && p < 12 && isKey(s, 0, p);
}

function isPath(s: string, slashes: number, backslashes: number): boolean {
  const c0 = s.charCodeAt(0);
  if (c0 === 47) return s.length > 1; // /etc/hosts, /healthz
  if (c0 === 126 || c0 === 46)
    return s.charCodeAt(c0 === 46 && s.charCodeAt(1) === 46 ? 2 : 1) === 47; // ~/ ./ ../
  if (backslashes > 0) {
    // C:\Windows\... or \\server\share
    return (
      (s.length > 2 && s.charCodeAt(1) === 58 && s.charCodeAt(2) === 92) || s.startsWith('\\\\')
    );
  }
  // Relative paths with two or more segments: lib/x/y.jar
  return slashes >= 2 && s.charCodeAt(s.length - 1) !== 47;
}

// Top-level domains that end a host name (a Java package never ends in one).
const TLDS = new Set(
  'com net org edu gov mil int io co uk de fr nl be es it ch at se no dk fi pl cz ru ua cn jp kr in au nz br ar mx ca us eu info biz local internal lan localdomain corp home arpa cloud dev app svc cluster'.split(
    ' ',
  ),
);

/** host.example.com, 04DN8IQ.fareast.corp.example.com, web-1.svc.cluster.local */
function isSigil(s: string, cut: number): boolean {
  for (let i = 0; i < cut; i++) if (!'#*@$%&~^'.includes(s[i] as string)) return false;
  return true;
}

function isHostname(s: string): boolean {
  const last = s.lastIndexOf('.');
  if (last <= 0 || last === s.length - 1) return false;
  if (!TLDS.has(s.slice(last + 1).toLowerCase())) return false;
  let labelLength = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (labelLength === 0) return false;
      labelLength = 0;
    } else if (isAlnum(c) || c === 45 || c === 95) labelLength++;
    else return false;
  }
  return true;
}

function isEmail(s: string, at: number): boolean {
  if (!isKey(s, 0, at)) return false;
  const dot = s.indexOf('.', at + 2);
  return dot > at + 1 && dot < s.length - 1;
}

// Kubernetes generates names from a base: <deployment>-<pod-template-hash>-<5 chars>
// and <statefulset|job|cronjob>-<5 chars>, both from an alphabet without vowels.
const K8S_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
function isK8sRandom(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!K8S_ALPHABET.includes(s[i] as string)) return false;
  return true;
}

function kubernetesSuffix(s: string): Masked {
  const last = s.lastIndexOf('-');
  if (last <= 0 || s.length - last - 1 !== 5 || !isK8sRandom(s, last + 1, s.length)) {
    return CONST_RESULT;
  }
  const prev = s.lastIndexOf('-', last - 1);
  let cut = last;
  if (prev > 0 && last - prev - 1 >= 6 && last - prev - 1 <= 10 && isK8sRandom(s, prev + 1, last)) {
    cut = prev; // replica-set hash too
  } else {
    // A single 5-character suffix: only with a digit, or every English word would match.
    let hasDigit = false;
    for (let i = last + 1; i < s.length; i++) if (isDigitAt(s, i)) hasDigit = true;
    if (!hasDigit) return CONST_RESULT;
  }
  // A kept prefix never holds digits (backup-28413-q7x2z is read by mixed()).
  for (let i = 0; i < cut; i++) if (isDigitAt(s, i)) return CONST_RESULT;
  return { text: `${s.slice(0, cut + 1)}${WILDCARD}`, kind: VARIABLE };
}

/**
 * A token mixing letters and digits. From the first alphanumeric run holding a
 * digit to the end is the variable part; a word prefix before it stays
 * (MININT-7F3AB -> MININT-<*>, CPU#0 -> CPU#<*>), except an underscore-joined
 * prefix, which names an id as a whole (blk_123, attempt_1445_0020_m_000001).
 * Short digit runs inside words (ssh2, log4j, jk2_init) are weak.
 */
function mixed(s: string, digits: number, letters: number): Masked {
  const n = s.length;
  let runStart = 0;
  let cut = -1;
  let longestDigitRun = 0;
  let run = 0;
  let runHasLetter = false;
  let runHasDigit = false;
  let bareNumber = false; // an alphanumeric run made of digits only
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 32;
    if (isAlnum(c)) {
      if (c >= 48 && c <= 57) {
        run++;
        runHasDigit = true;
        if (run > longestDigitRun) longestDigitRun = run;
        if (cut < 0) cut = runStart;
      } else {
        run = 0;
        runHasLetter = true;
      }
    } else {
      if (runHasDigit && !runHasLetter) bareNumber = true;
      run = 0;
      runStart = i + 1;
      runHasLetter = false;
      runHasDigit = false;
    }
  }
  // Digits glued to a word (ssh2, log4j, x86) read as part of a name.
  const weak = !bareNumber && longestDigitRun <= 2 && letters >= 2 * digits;
  const kind: TokenKind = weak ? WEAK : VARIABLE;
  // A sign belongs to the number: blk_-6952 is blk_ + -6952.
  if (cut > 1 && s.charCodeAt(cut - 1) === 45 && !isAlnum(s.charCodeAt(cut - 2))) cut--;
  if (cut <= 0 || s.charCodeAt(cut - 1) === 95 || weak) return { text: WILDCARD, kind };
  // The prefix must read as a word (starts with a letter) or be a sign: #3, *17
  if (!(cls(s.charCodeAt(0)) & (C_UPPER | C_LOWER)) && !isSigil(s, cut))
    return { text: WILDCARD, kind };
  return { text: `${s.slice(0, cut)}${WILDCARD}`, kind };
}

/**
 * A 64-bit key of a message for the miner's cache, in one pass and without
 * allocating strings: two independent 32-bit hash lanes over the message in
 * which every bare digit run (no letter on either side) counts by its length
 * only. Masking never depends on the values of bare digits (only on their
 * positions and lengths), and a kept-as-written token never holds a bare
 * digit, so two messages with the same key scan to the same mining tokens.
 * Both lanes are left in `MESSAGE_KEY`.
 *
 * The key is the hash of the message with every digit read as 0, plus the
 * position and digits of each digit run that touches a letter: the same
 * equivalence as "bare runs by length". An ASCII message is copied once into
 * a byte buffer (TextEncoder.encodeInto, native) and hashed four characters
 * at a time, digits and letters found with word-wide bit tricks; reading a
 * string character by character costs more than all of that. Other messages
 * (non-ASCII, longer than the buffer, or on a big-endian machine) take a
 * per-character path that hashes with other seeds, so the two kinds of key
 * never meet by construction.
 */
export function messageKey(m: string): void {
  const n = m.length;
  if (n <= KEY_BUFFER && LITTLE_ENDIAN) {
    const r = ENCODER.encodeInto(m, KEY_BYTES);
    // As many bytes as characters, all read: every character is ASCII.
    if (r.read === n && r.written === n) {
      asciiKey(n);
      return;
    }
  }
  unitKey(m);
}

/** The two lanes of the last `messageKey` call (signed, so they stay small integers in Maps). */
export const MESSAGE_KEY = new Int32Array(2);

/** Longest message keyed from its bytes. */
const KEY_BUFFER = 4096;
const KEY_BYTES = new Uint8Array(KEY_BUFFER + 8);
const KEY_WORDS = new Uint32Array(KEY_BYTES.buffer);
const ENCODER = new TextEncoder();
/** The word tricks read byte k + 1 as the next character: a little-endian machine's order. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Key of the ASCII message held in KEY_BYTES[0, n). */
function asciiKey(n: number): void {
  const bytes = KEY_BYTES;
  const words = KEY_WORDS;
  // Zero padding to a whole word: no digit, no letter.
  bytes[n] = 0;
  bytes[n + 1] = 0;
  bytes[n + 2] = 0;
  const count = (n + 3) >>> 2;
  let a = 0x9747b28c ^ n;
  let b = 0x2f6b1c3d;
  let prevDigits = 0;
  let prevLetters = 0;
  for (let w = 0; w < count; w++) {
    let x = words[w] as number;
    // Bit 7 of a byte set when it is a digit / a letter (every byte < 0x80, so no carries).
    const digits = (x + 0x50505050) & ~(x + 0x46464646) & 0x80808080;
    const y = x | 0x20202020;
    const letters = (y + 0x1f1f1f1f) & ~(y + 0x05050505) & 0x80808080;
    if (digits !== 0) {
      // Digits read as 0.
      const mask = Math.imul(digits >>> 7, 0xff);
      x = (x & ~mask) | (0x30303030 & mask);
    }
    let k = Math.imul(x, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    a ^= Math.imul(k, 0x1b873593);
    a = (a << 13) | (a >>> 19);
    a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    b = Math.imul(b ^ x, 0x5bd1e995);
    b ^= b >>> 15;
    // A digit run that touches a letter keeps its value: its start and digits are
    // mixed in where the letter is found (a run touching two letters twice).
    const afterLetter = digits & ((letters << 8) | (prevLetters >>> 24));
    const beforeLetter = letters & ((digits << 8) | (prevDigits >>> 24));
    let touch = afterLetter | beforeLetter;
    while (touch !== 0) {
      const bit = touch & -touch;
      touch ^= bit;
      const p = (w << 2) + ((31 - Math.clz32(bit)) >>> 3);
      let start = p;
      let end = p;
      if ((afterLetter & bit) !== 0) {
        // The run starts at p.
        end = p + 1;
        while (end < n && isDigitByte(bytes[end] as number)) end++;
      } else {
        // The run ends before p.
        while (start > 0 && isDigitByte(bytes[start - 1] as number)) start--;
      }
      a = Math.imul(a ^ (0x10000 + start), 0x01000193);
      b = Math.imul(b ^ (0x10000 + start), 0x5bd1e995);
      for (let j = start; j < end; j++) {
        const d = bytes[j] as number;
        a = Math.imul(a ^ d, 0x01000193);
        b = Math.imul(b ^ d, 0x5bd1e995);
      }
    }
    prevDigits = digits;
    prevLetters = letters;
  }
  finishKey(a, b, n);
}

function isDigitByte(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Key of any message, character by character (non-ASCII or long messages). */
function unitKey(m: string): void {
  let a = 0x811c9dc5;
  let b = 0x2f6b1c3d;
  const n = m.length;
  let i = 0;
  while (i < n) {
    const c = m.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      const start = i;
      i++;
      while (i < n && isDigitAt(m, i)) i++;
      if (
        (start > 0 && isLetter(m.charCodeAt(start - 1))) ||
        (i < n && isLetter(m.charCodeAt(i)))
      ) {
        for (let j = start; j < i; j++) {
          const d = m.charCodeAt(j);
          a = Math.imul(a ^ d, 0x01000193);
          b = Math.imul(b ^ d, 0x5bd1e995);
        }
      } else {
        // A bare run: its length only (0x10000 is no UTF-16 code unit).
        a = Math.imul(a ^ (0x10000 + i - start), 0x01000193);
        b = Math.imul(b ^ (0x10000 + i - start), 0x5bd1e995);
      }
      continue;
    }
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    i++;
  }
  // Other final constants than asciiKey's: the two kinds of key are different functions.
  finishKey(a ^ 0x5851f42d, b ^ 0x4c957f2d, n);
}

function finishKey(a: number, b: number, n: number): void {
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  a = Math.imul(a, 0xc2b2ae35);
  b ^= b >>> 15;
  b = Math.imul(b, 0xc2b2ae35);
  b ^= b >>> 13;
  b = Math.imul(b, 0x27d4eb2f);
  MESSAGE_KEY[0] = a ^ (a >>> 16);
  MESSAGE_KEY[1] = b ^ (b >>> 16) ^ n;
}
