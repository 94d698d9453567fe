import type { MapSegment } from '../types.js';

/** A string literal's value as read from a host-language file, with the map from each part back to the file. */
export interface MappedString {
  text: string;
  segments: MapSegment[];
  /** How many interpolations it has (each became a `$n` placeholder). */
  dynamic: number;
}

/**
 * Builds a MappedString part by part, as the Ruby, C# and Elixir readers decode a literal: source text kept as it
 * is (`verbatim`, adjacent runs merged), escapes and other text replaced by their value, interpolations by `$n`.
 */
export class MappedStringBuilder {
  text = '';
  segments: MapSegment[] = [];
  dynamic = 0;

  verbatim(src: string, from: number, to: number): void {
    if (to <= from) return;
    const last = this.segments.at(-1);
    if (last && last.verbatim && last.fileStart + last.length === from && last.chunkStart + last.length === this.text.length) last.length += to - from;
    else this.segments.push({ chunkStart: this.text.length, fileStart: from, length: to - from, verbatim: true });
    this.text += src.slice(from, to);
  }

  replaced(value: string, fileStart: number, fileLength: number): void {
    if (value.length > 0) this.segments.push({ chunkStart: this.text.length, fileStart, length: value.length, fileLength, verbatim: false });
    this.text += value;
  }

  placeholder(fileStart: number, fileLength: number): void {
    this.dynamic++;
    this.replaced(`$${this.dynamic}`, fileStart, fileLength);
  }

  done(): MappedString {
    return { text: this.text, segments: this.segments, dynamic: this.dynamic };
  }
}
