/**
 * Counter's own TLV tags. `DF` is the private class, primitive, two-byte form (P15 §9.3.1): P15 13.08 defines
 * no `DFxx` tag, so these cannot collide with a spec field, and a real ECR skips them by length (P15 §9.4).
 * Both ends use them (the ECR session reads, the virtual terminal writes), so they live in the codec.
 */

/** The card token the virtual terminal sends (docs/zvt.md "Card token"); a real terminal's tag is configurable. */
export const DEFAULT_CARD_TOKEN_TAG = 'DF7C';
