/**
 * CSV/TSV reading (RFC 4180): quoted fields with doubled quotes and embedded newlines, CRLF or
 * LF, a sniffed delimiter (comma, tab, semicolon or pipe) and a detected header row. Text
 * arrives in chunks (`CsvReader.push`), so a large file streams with a progress bar; every
 * record keeps the line it starts on, so problems are reported as "line 17: ...".
 *
 * Malformed rows (an unclosed or misplaced quote, too many or too few fields) either stop
 * the read with a `BadRowsError` or are skipped and counted, as the user chooses.
 */
import { FlowgradError } from '../core/errors.ts';
import { LIMITS, fmtCount, tooBig } from '../core/limits.ts';
import { TableBuilder } from './table.ts';
import type { BadRowPolicy, TableData } from '../project/dataTypes.ts';

export interface CsvOptions {
  /** Forced delimiter; sniffed from the first lines when absent. */
  delimiter?: string;
  header?: 'auto' | boolean;
  badRows?: BadRowPolicy;
  /** Name used in messages. */
  fileName?: string;
}

/** A malformed row stopped the read; choosing `badRows: 'skip'` reads on past such rows. */
export class BadRowsError extends FlowgradError {
  constructor(message: string, readonly line: number) {
    super('bad-file', message);
    this.name = 'FlowgradError';
  }
}

interface RawRecord {
  fields: string[];
  line: number;
  /** A quoting problem found while reading this record. */
  problem: string | null;
}

const DELIMS = [',', '\t', ';', '|'];
const SNIFF_CHARS = 64 * 1024;

/**
 * Splits text into records; keeps state across chunks. A field is built from slices of the
 * chunk (a run of plain characters is one slice), never a character at a time, and both its
 * length and the number of fields in a record are capped (`limited`), so one giant field or
 * a million-column row fails fast instead of filling memory.
 */
class Tokenizer {
  /** The current field: finished slices and their total length. */
  private parts: string[] = [];
  private len = 0;
  private fields: string[] = [];
  private inQuotes = false;
  private afterQuote = false;
  private quoted = false;
  private maybeDoubled = false;
  private line = 1;
  private recordLine = 1;
  private problem: string | null = null;
  private pendingCR = false;

  constructor(private readonly delim: string, private readonly name = 'the file', private readonly limited = true) {}

  feed(text: string, out: RawRecord[]): void {
    const d = this.delim;
    const maxLen = this.limited ? LIMITS.fieldChars : Infinity;
    let run = -1; // start of the run of plain characters in `text`, or -1
    const flush = (end: number): void => {
      if (run >= 0) {
        this.add(text.slice(run, end));
        run = -1;
      }
    };
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (this.pendingCR) {
        this.pendingCR = false;
        if (ch === '\n') continue;
      }
      if (this.inQuotes) {
        if (ch === '"') {
          flush(i);
          if (i + 1 < text.length) {
            if (text[i + 1] === '"') {
              this.add('"');
              i++;
            } else {
              this.inQuotes = false;
              this.afterQuote = true;
            }
          } else {
            // The quote may be doubled in the next chunk: decide there.
            this.inQuotes = false;
            this.afterQuote = true;
            this.maybeDoubled = true;
          }
        } else if (ch === '\n' || ch === '\r') {
          flush(i);
          this.line++;
          if (ch === '\r') this.pendingCR = true;
          this.add('\n');
        } else if (run < 0) run = i;
        else if (i - run + this.len >= maxLen) this.tooLong();
        continue;
      }
      if (this.maybeDoubled) {
        this.maybeDoubled = false;
        if (ch === '"') {
          this.inQuotes = true;
          this.afterQuote = false;
          this.add('"');
          continue;
        }
      }
      if (ch === d) {
        flush(i);
        this.endField();
      } else if (ch === '\n' || ch === '\r') {
        flush(i);
        if (ch === '\r') this.pendingCR = true;
        this.endRecord(out);
        this.line++;
        this.recordLine = this.line;
      } else if (ch === '"') {
        if (this.len === 0 && run < 0 && !this.quoted) {
          this.inQuotes = true;
          this.quoted = true;
        } else if (this.afterQuote) {
          this.problem ??= `line ${this.line}: a quote inside a quoted field must be doubled ("")`;
          this.add('"');
        } else if (run < 0) run = i; // a lone quote inside an unquoted field: kept as text
      } else if (this.afterQuote) {
        if (ch !== ' ') this.problem ??= `line ${this.line}: unexpected text after a closing quote`;
      } else if (run < 0) run = i;
      else if (i - run + this.len >= maxLen) this.tooLong();
    }
    flush(text.length);
  }

  private add(s: string): void {
    this.parts.push(s);
    this.len += s.length;
    if (this.limited && this.len > LIMITS.fieldChars) this.tooLong();
  }

  private tooLong(): never {
    throw tooBig(`${this.name}: line ${this.line} has a field of`, `more than ${fmtCount(LIMITS.fieldChars)} characters`, `${fmtCount(LIMITS.fieldChars)}`, 'Check the quotes in the file (an unclosed quote swallows the rest of it), or keep long text out of the data.');
  }

  private endField(): void {
    const text = this.parts.length === 0 ? '' : this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    if (this.limited && this.fields.length >= LIMITS.columns) {
      throw tooBig(`${this.name}: line ${this.recordLine} has`, `more than ${fmtCount(LIMITS.columns)} fields`, `${fmtCount(LIMITS.columns)} columns`, 'Keep fewer columns, or store the features as an NPY array.');
    }
    this.fields.push(this.quoted ? text : text.trim());
    this.parts = [];
    this.len = 0;
    this.quoted = false;
    this.afterQuote = false;
  }

  private endRecord(out: RawRecord[]): void {
    this.endField();
    const blank = this.fields.length === 1 && this.fields[0] === '' && !this.problem;
    if (!blank) out.push({ fields: this.fields, line: this.recordLine, problem: this.problem });
    this.fields = [];
    this.problem = null;
  }

  /** Flushes the last record; an unclosed quote is a problem of that record. */
  finish(out: RawRecord[]): void {
    if (this.inQuotes) {
      this.problem ??= `line ${this.recordLine}: a quoted field opened here is never closed`;
      this.inQuotes = false;
    }
    this.maybeDoubled = false;
    if (this.len > 0 || this.fields.length > 0 || this.quoted) this.endRecord(out);
  }
}

/** Counts fields per line for a candidate delimiter, respecting quotes (first lines only). */
function fieldCounts(sample: string, delim: string): number[] {
  const out: RawRecord[] = [];
  const t = new Tokenizer(delim, '', false);
  t.feed(sample, out);
  return out.slice(0, 30).map((r) => r.fields.length);
}

/** The delimiter whose field count is the same (and > 1) on most of the first lines. */
export function sniffDelimiter(sample: string, fileName = ''): string {
  if (/\.tsv$|\.tab$/i.test(fileName)) return '\t';
  // Drop a possibly cut last line.
  const cut = sample.length >= SNIFF_CHARS ? sample.slice(0, sample.lastIndexOf('\n') + 1) || sample : sample;
  let best = ',';
  let bestScore = 0;
  for (const d of DELIMS) {
    const counts = fieldCounts(cut, d);
    if (counts.length === 0) continue;
    const freq = new Map<number, number>();
    for (const c of counts) freq.set(c, (freq.get(c) ?? 0) + 1);
    let mode = 1;
    let modeN = 0;
    for (const [c, n] of freq) if (n > modeN || (n === modeN && c > mode)) [mode, modeN] = [c, n];
    if (mode < 2) continue;
    const score = modeN / counts.length + mode * 1e-3;
    if (score > bestScore) [best, bestScore] = [d, score];
  }
  return best;
}

const NUM_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
export function isNumberText(s: string): boolean {
  return NUM_RE.test(s) || s === 'Infinity' || s === '-Infinity';
}

/** Is the first record a header? Yes when it has no numbers where later rows have some, or
 *  when its text values never occur again in their columns. */
export function looksLikeHeader(records: string[][]): boolean {
  if (records.length === 0) return false;
  const first = trimEmptyTail(records[0]);
  if (first.some((c) => c === '' || isNumberText(c))) return false;
  const rest = records.slice(1, 50);
  if (rest.length === 0) return true;
  for (let c = 0; c < first.length; c++) {
    const nums = rest.filter((r) => r[c] !== undefined && isNumberText(r[c])).length;
    if (nums >= rest.length / 2) return true;
  }
  // All text: a header if no column repeats its first value below and the names are distinct.
  if (new Set(first).size !== first.length) return false;
  return first.every((name, c) => rest.every((r) => r[c] !== name));
}

function trimEmptyTail(fields: string[]): string[] {
  let n = fields.length;
  while (n > 1 && fields[n - 1] === '') n--;
  return n === fields.length ? fields : fields.slice(0, n);
}

/** Streams CSV text into a table. `push` chunks, then `finish`. */
export class CsvReader {
  private tok: Tokenizer | null = null;
  private head = '';
  private pending: RawRecord[] = [];
  private builder: TableBuilder | null = null;
  private width = 0;
  private skipped: number[] = [];
  private skippedCount = 0;
  private readonly name: string;

  constructor(private readonly opts: CsvOptions = {}) {
    this.name = opts.fileName ?? 'the file';
  }

  get delimiter(): string | null {
    return this.delim ?? null;
  }

  private delim: string | undefined;

  push(text: string): void {
    if (!this.tok) {
      this.head += text;
      if (this.head.length < SNIFF_CHARS) return;
      this.start();
      return;
    }
    this.tok.feed(text, this.pending);
    this.drain();
  }

  private start(): void {
    let text = this.head;
    this.head = '';
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    this.delim = this.opts.delimiter ?? sniffDelimiter(text.slice(0, SNIFF_CHARS), this.opts.fileName);
    this.tok = new Tokenizer(this.delim, this.name);
    this.tok.feed(text, this.pending);
    this.drain();
  }

  private drain(final = false): void {
    if (!this.builder) {
      if (this.pending.length < 50 && !final) return;
      const good = this.pending.filter((r) => !r.problem).map((r) => r.fields);
      if (good.length === 0 && this.pending.length === 0) return;
      const header = this.opts.header === undefined || this.opts.header === 'auto' ? looksLikeHeader(good) : this.opts.header;
      const first = this.pending[0];
      let names: string[];
      if (header && first && !first.problem) {
        this.pending.shift();
        names = trimEmptyTail(first.fields).map((f, i) => f || `column ${i + 1}`);
      } else {
        const widths = good.map((f) => f.length).sort((a, b) => a - b);
        names = Array.from({ length: widths[Math.floor(widths.length / 2)] ?? 1 }, (_, i) => `column ${i + 1}`);
      }
      this.width = names.length;
      this.builder = new TableBuilder(dedupe(names));
    }
    for (const r of this.pending) this.accept(r);
    this.pending = [];
  }

  private accept(r: RawRecord): void {
    let problem = r.problem;
    let fields = r.fields;
    if (!problem && fields.length !== this.width) {
      // A trailing delimiter (empty extra fields) is harmless.
      while (fields.length > this.width && fields[fields.length - 1] === '') fields = fields.slice(0, -1);
      if (fields.length !== this.width) {
        problem = `line ${r.line}: ${fields.length} field${fields.length === 1 ? '' : 's'}, but the header has ${this.width} (ragged row)`;
      }
    }
    if (problem) {
      if (this.opts.badRows !== 'skip') throw new BadRowsError(`${this.name}: ${problem}. Fix the file, or choose "Skip bad rows" to leave such rows out.`, r.line);
      this.skippedCount++;
      if (this.skipped.length < 5) this.skipped.push(r.line);
      return;
    }
    this.builder!.addRow(fields, r.line);
  }

  finish(): { table: TableData; notes: string[]; delimiter: string } {
    if (!this.tok) this.start();
    this.tok!.finish(this.pending);
    this.drain(true);
    if (!this.builder) throw new FlowgradError('bad-file', `${this.name} is empty: no rows to read`);
    const notes: string[] = [];
    if (this.skippedCount > 0) notes.push(`Skipped ${this.skippedCount} malformed row${this.skippedCount === 1 ? '' : 's'} (line${this.skipped.length === 1 ? '' : 's'} ${this.skipped.join(', ')}${this.skippedCount > this.skipped.length ? ', …' : ''}).`);
    const { table, notes: more } = this.builder.finish(this.opts.badRows ?? 'stop', this.name);
    if (table.rows === 0) throw new FlowgradError('bad-file', `${this.name} has a header but no data rows`);
    return { table, notes: [...notes, ...more], delimiter: this.delim ?? ',' };
  }
}

function dedupe(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = seen.get(n) ?? 0;
    seen.set(n, k + 1);
    return k === 0 ? n : `${n} (${k + 1})`;
  });
}

/** Reads a whole CSV/TSV text at once. */
export function parseCsv(text: string, opts: CsvOptions = {}): { table: TableData; notes: string[]; delimiter: string } {
  if (text.trim().length === 0) throw new FlowgradError('bad-file', `${opts.fileName ?? 'the file'} is empty: no rows to read`);
  const r = new CsvReader(opts);
  r.push(text);
  return r.finish();
}
