// Where generated values come from: ids, keys, secrets, createdAt and fault draws. A CSPRNG and the real
// clock by default; with a seed, a reproducible stream and a deterministic clock (deterministic mode).
import crypto from 'node:crypto'
import { customRandom, nanoid, urlAlphabet } from 'nanoid'

/** The deterministic clock's first timestamp: 2026-06-01T00:00:00.000Z (after the bundled fixtures' dates), in ms since the epoch. */
export const SEEDED_CLOCK_START_MS = Date.UTC(2026, 5, 1)

/** How far the deterministic clock advances per timestamp it gives, in ms (one second). */
export const SEEDED_CLOCK_STEP_MS = 1000

/** The generated values of one app instance. */
export interface RandomSource {
  /** The seed given, or undefined for a CSPRNG and the real clock. */
  readonly seed: string | undefined
  /** A nanoid of `size` characters (URL-safe alphabet A-Z a-z 0-9 _ -). */
  id (size: number): string
  /** An ISO-8601 timestamp for a write (createdAt): the real time, or with a seed the deterministic clock's next tick. */
  now (): string
  /** A number in [0, 1), for fault rules' `probability`; a stream of its own, so draws do not shift the ids. */
  draw (): number
  /** Starts the sequences again from the seed: the same ids, timestamps and draws as after start. No-op without a seed. */
  restart (): void
}

/**
 * Bytes derived from the seed: HMAC-SHA256(seed, `<stream>:<block number>`), 32 bytes per block, in order.
 * A standard keyed hash in counter mode, so the stream is reproducible on every platform and Node version.
 */
function seededBytes (seed: string, stream: string): (size: number) => Uint8Array {
  let block = 0
  let buffer = Buffer.alloc(0)
  let offset = 0
  return (size) => {
    const out = new Uint8Array(size)
    for (let i = 0; i < size; i++) {
      if (offset === buffer.length) {
        buffer = crypto.createHmac('sha256', seed).update(`${stream}:${block++}`).digest()
        offset = 0
      }
      out[i] = buffer[offset++] as number
    }
    return out
  }
}

/** Six random bytes as a number in [0, 1), with 48 bits of precision. */
const unit = (bytes: Uint8Array): number => Buffer.from(bytes).readUIntBE(0, 6) / 2 ** 48

/**
 * Builds the random source of one app.
 * @param seed with a seed, every value is reproducible: ids keep nanoid's alphabet and lengths, fed through
 *   nanoid's `customRandom` by the seeded byte stream; `now()` starts at `SEEDED_CLOCK_START_MS` and advances
 *   `SEEDED_CLOCK_STEP_MS` per call. Without one: nanoid's CSPRNG, `crypto.randomBytes` and the real clock.
 */
export function createRandomSource (seed?: string): RandomSource {
  if (seed === undefined) {
    // The ISO text of the last millisecond asked for: a busy server creates several keys per millisecond, and
    // formatting the time was about 2% of a create-key request's CPU time (issue 13).
    let lastMs = -1
    let lastIso = ''
    return {
      seed,
      id: (size) => nanoid(size),
      now () {
        const ms = Date.now()
        if (ms !== lastMs) {
          lastMs = ms
          lastIso = new Date(ms).toISOString()
        }
        return lastIso
      },
      draw: () => unit(crypto.randomBytes(6)),
      restart: () => {}
    }
  }
  let ids = seededBytes(seed, 'ids')
  let draws = seededBytes(seed, 'draws')
  let ticks = 0
  return {
    seed,
    id: (size) => customRandom(urlAlphabet, size, ids)(),
    now: () => new Date(SEEDED_CLOCK_START_MS + SEEDED_CLOCK_STEP_MS * ticks++).toISOString(),
    draw: () => unit(draws(6)),
    restart () {
      ids = seededBytes(seed, 'ids')
      draws = seededBytes(seed, 'draws')
      ticks = 0
    }
  }
}
