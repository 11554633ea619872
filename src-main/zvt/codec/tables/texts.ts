/** A readable text in the two languages the counter's UI ships (issue 4: English and German). */
export interface Texts {
  readonly en: string;
  readonly de: string;
}

export type Language = keyof Texts;

export const t = (en: string, de: string): Texts => ({ en, de });
