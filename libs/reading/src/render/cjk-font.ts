import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/*
 * Why @embedpdf/fonts-sc: it ships Noto Sans CJK SC ("Noto Sans Hans", OFL-1.1, which allows embedding) as plain
 * OpenType files that fontkit (inside pdfkit) reads and subsets, so a machine with only Node and `npm install` prints
 * Chinese without system fonts. Despite its "GB2312" tagline the font is Adobe's region subset for China (30,888
 * glyphs, GB 18030 hanzi), so uncommon name characters such as 堃, 喆 or 珺 print too. It is 42 MB unpacked for five
 * weights; the alternatives were larger (@expo-google-fonts/noto-sans-sc 96 MB, node-source-han-sans-sc 205 MB),
 * split into unicode-range web-font slices that a PDF library cannot use as one font (@fontsource/noto-sans-sc,
 * @chinese-fonts/*), or a calligraphic kaiti style unfit for a medical form (LXGW WenKai). pdfkit embeds only the
 * glyphs a report uses (a one-page report is about 100 KB).
 */
const FONT_PACKAGE = '@embedpdf/fonts-sc';

export const CJK_FONT_FILES = {
  regular: 'NotoSansHans-Regular.otf',
  bold: 'NotoSansHans-Bold.otf',
} as const;

export type CjkWeight = keyof typeof CJK_FONT_FILES;

function fontDirectory(): string {
  // The package exports only its metadata module (dist/index.*); the fonts sit in fonts/ beside dist/.
  const entry = createRequire(import.meta.url).resolve(FONT_PACKAGE);
  return path.join(path.dirname(entry), '..', 'fonts');
}

const cache = new Map<CjkWeight, Buffer>();

/** The font file's bytes, read once per process (about 8 MB a weight). */
export function cjkFont(weight: CjkWeight): Buffer {
  let bytes = cache.get(weight);
  if (!bytes) {
    bytes = readFileSync(path.join(fontDirectory(), CJK_FONT_FILES[weight]));
    cache.set(weight, bytes);
  }
  return bytes;
}
