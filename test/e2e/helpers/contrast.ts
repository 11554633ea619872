/**
 * WCAG contrast ratio between an element's text colour and its own background colour. axe-core leaves text
 * on a background of the same colour "incomplete" rather than failing it, which once hid red-on-red status
 * text; this check does not.
 */
import type { Locator } from '@playwright/test';

const luminance = ([r, g, b]: number[]) => {
  const c = [r, g, b].map((v) => {
    const s = (v ?? 0) / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
};

const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);

export async function contrastRatio(locator: Locator): Promise<number> {
  // The function runs in the page; its DOM types are spelled out because the test side compiles without DOM.
  type Styles = { color: string; backgroundColor: string };
  const { color, backgroundColor: background } = await locator.evaluate((el) => {
    const s = (globalThis as unknown as { getComputedStyle(e: unknown): Styles }).getComputedStyle(el);
    return { color: s.color, backgroundColor: s.backgroundColor };
  });
  const [a, b] = [luminance(rgb(color)), luminance(rgb(background))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
