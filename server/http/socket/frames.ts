// WebSocket text frames: bounded, parsed as JSON, checked with the contract's schema, refused in French.
import type { z } from 'zod';

/** A frame the schema accepted, or why it was refused (`tooBig`: refused before being read). */
export type Frame<T> = { ok: true; message: T } | { ok: false; reason: string; tooBig: boolean };

export interface FrameRules {
  /** Frames longer than this many bytes are refused unread. */
  maxBytes: number;
  tooBig: string;
  /** The frame is not JSON. */
  unreadable: string;
  /** The frame is JSON that the schema refused: `value` is what it parsed to. */
  invalid: (value: unknown, error: z.ZodError) => string;
}

/** A parser for the frames of one socket: `parseFrame(schema, rules)(data)`. */
export function parseFrame<S extends z.ZodType>(schema: S, rules: FrameRules): (data: Buffer) => Frame<z.infer<S>> {
  return (data) => {
    // The size is checked on the raw bytes, before any decoding, so a huge frame costs nothing.
    if (data.length > rules.maxBytes) return { ok: false, reason: rules.tooBig, tooBig: true };
    let value: unknown;
    try {
      value = JSON.parse(data.toString('utf8'));
    } catch {
      return { ok: false, reason: rules.unreadable, tooBig: false };
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return { ok: true, message: parsed.data };
    return { ok: false, reason: rules.invalid(value, parsed.error), tooBig: false };
  };
}

/** The `type` field of a parsed value, whatever the value is (for refusal messages). */
export function typeOf(value: unknown): unknown {
  return (value as { type?: unknown } | null)?.type;
}
