// Does a record report a failure at all, whatever its category? Words such as
// "error" or "failed" count, except where they are benign: "0 errors",
// "errors=0", "error_count=0", "no errors found", "error.log", "/api/errors",
// "on-failure". Every pattern is linear (bounded, no nested quantifiers).

// Words that say a failure happened, even in a warning.
const STRONG_WORD =
  /\b(?:errors?|exceptions?|fail(?:s|ed|ing|ures?)?|fatal|panic(?:ked)?|traceback|crash(?:ed|es|ing)?|abort(?:ed|ing)?|refused|denied|timed out|killed|segfault)\b/g;
// Words that say something went wrong when the log gives no level; in a
// warning they are advice ("cannot be enforced", "is not set, using default").
const WEAK_WORD =
  /\b(?:critical|unable to|cannot|can't|could not|couldn't|not found|unreachable|rejected|unavailable|violat(?:es|ed|ion)|invalid)\b/g;

// Markers that systems print on failures, in whatever case they use.
const FAILURE_MARKER =
  /^E: |\bnpm ERR!|\bERRO\[|^[EF]\d{4} \d{2}:|\[(?:error|emerg|crit|alert|fatal)\]|\blevel=(?:error|fatal|panic|crit)\b|"(?:level|severity)":\s?"(?:error|fatal|critical|panic|emergency|alert)"|\bFAILED\b|\bFAIL\b|\bERR\b|HTTP\/\d(?:\.\d)?" 5\d\d\b|\bexit(?:ed)?(?: with)? (?:code|status)[ =:]{0,3}[1-9]\d{0,2}\b|\bstatus=[1-9]\d{0,2}\//m;
// A class name that ends in Exception or Error (IOException, TypeError). Kept
// out of FAILURE_MARKER: an alternative that starts with a letter class makes
// V8 try the whole alternation at every letter, and the two apart cost about
// half as much as the one.
const ERROR_NAME = /[a-z](?:Exception|Error)\b(?![\w(])/;

const BENIGN_BEFORE =
  /(?:^|[^\w])(?:0|no|zero|without|non|may|might|could|can|would|will|if)[\s-]{1,2}$|[/#.\-_]$|--?$/i;
const BENIGN_AFTER =
  /^(?:[._\-/]\w|s?\s{0,2}[=:]\s{0,2}["']?(?:0|false|none|null|nil|<nil>|\[\]|"")(?![\w.])|s?\s{0,2}\(0\)|-free\b|\s(?:found|detected|reported):? ?0\b)/i;
// "no errors found", "without any errors", "error rate 0%", a JVM GC log's
// "(Allocation Failure)"
const BENIGN_PHRASE =
  /\b(?:no|zero|without(?: any)?) (?:\w{1,20} )?(?:errors?|failures?|exceptions?)(?: (?:found|detected|reported|occurred))?\b|\berror (?:rate|ratio):? ?0(?:\.0{1,6})?%?(?![\d.])|\(allocation failure\)/g;

const STRONG_ONLY = [STRONG_WORD];
const ALL_WORDS = [STRONG_WORD, WEAK_WORD];

function benignPhrases(text: string): [number, number][] {
  const spans: [number, number][] = [];
  BENIGN_PHRASE.lastIndex = 0;
  for (let m = BENIGN_PHRASE.exec(text); m !== null; m = BENIGN_PHRASE.exec(text)) {
    spans.push([m.index, m.index + m[0].length]);
  }
  return spans;
}

/**
 * Does the text report a failure? `strongOnly` (for warnings) counts only the
 * words that say something failed, not advice such as "cannot be enforced".
 * `lower` is the text lower-cased, when the caller has it already.
 */
export function mentionsFailure(
  text: string,
  strongOnly = false,
  lower: string = text.toLowerCase(),
): boolean {
  if (FAILURE_MARKER.test(text) || ERROR_NAME.test(text)) return true;
  // The word lists are lower-case and scan the lower-cased text: in V8 that
  // is much faster than a case-insensitive scan.
  text = lower;
  let benignSpans: [number, number][] | null = null;
  for (const words of strongOnly ? STRONG_ONLY : ALL_WORDS) {
    words.lastIndex = 0;
    for (let m = words.exec(text); m !== null; m = words.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      benignSpans ??= benignPhrases(text);
      if (benignSpans.some(([s, e]) => start >= s && end <= e)) continue;
      if (BENIGN_BEFORE.test(text.slice(Math.max(0, start - 12), start))) continue;
      if (BENIGN_AFTER.test(text.slice(end, end + 24))) continue;
      return true;
    }
  }
  return false;
}

// A failure that was retried and then went through is not an incident.
const RETRY =
  /\b(?:retry(?:ing)?|retries|re-?trying|will retry|reconnect(?:ing)?|backing off|trying again|attempt #?\d{1,4}(?: ?(?:\/|of) ?\d{1,4})?)\b/i;
const SUCCESS =
  /\b(?:succeeded|succeeds|successful(?:ly)?|success|connected|established|recovered|reconnected|restored|is (?:now )?(?:up|ready|healthy|available|reachable)|ready to accept connections|back online)\b/i;

export function mentionsRetry(text: string): boolean {
  return RETRY.test(text);
}

export function mentionsSuccess(text: string): boolean {
  return SUCCESS.test(text);
}
