/**
 * A small deterministic generator (xorshift32) for the benches' generated text, so every run
 * of a bench sees the same bytes. Not for anything secret.
 */
export function xorshift(seed) {
  let state = seed | 0;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  return { random, pick: (list) => list[Math.floor(random() * list.length)] };
}
