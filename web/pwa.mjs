// What makes the site installable: the web manifest and the icons, all rendered
// at build time from web/icon.svg so that one drawing is the only source.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'icon.svg');
// The icon's own blue: the maskable icons' bleed must match it, or the launcher's mask shows a seam.
const ICON_BACKGROUND = '#0b57d0';
// The page's background (light scheme): the splash screen and title bar then match the page.
const PAGE_BACKGROUND = '#ffffff';
// Maskable icons keep their content inside the centre 80% (the spec's safe zone).
const SAFE_ZONE = 0.8;

// [file, size, purpose]; "maskable" ones are full-bleed squares that launchers crop to their own shape.
const ICONS = [
  ['icons/icon-192.png', 192, 'any'],
  ['icons/icon-512.png', 512, 'any'],
  ['icons/maskable-192.png', 192, 'maskable'],
  ['icons/maskable-512.png', 512, 'maskable'],
];
// iOS ignores the manifest's icons and fills transparent corners with black, so it gets a full-bleed one.
const APPLE_TOUCH_ICON = ['icons/apple-touch-icon.png', 180];

function fullBleed(svg) {
  const inset = (512 * (1 - SAFE_ZONE)) / 2;
  const inner = svg.replace('<svg ', `<svg x="${inset}" y="${inset}" width="${512 * SAFE_ZONE}" height="${512 * SAFE_ZONE}" `);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" fill="${ICON_BACKGROUND}"/>${inner}</svg>`;
}

function png(svg, size) {
  return new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng();
}

const manifest = (icons) => ({
  // Relative URLs resolve against the manifest's own URL, so the app installs under any sub-path.
  id: './',
  start_url: './',
  scope: './',
  name: 'Digit recognition',
  short_name: 'Digits',
  description: 'Draw or upload a handwritten digit and a small neural network recognises it, offline, in your browser.',
  lang: 'en',
  display: 'standalone',
  background_color: PAGE_BACKGROUND,
  theme_color: PAGE_BACKGROUND,
  icons,
});

/** Writes icons/ and manifest.webmanifest into `out`; returns the manifest. */
export function writePwaFiles(out) {
  const svg = readFileSync(SOURCE, 'utf8');
  mkdirSync(join(out, 'icons'), { recursive: true });
  writeFileSync(join(out, 'icons', 'icon.svg'), svg);
  const icons = [{ src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }];
  for (const [path, size, purpose] of ICONS) {
    writeFileSync(join(out, path), png(purpose === 'maskable' ? fullBleed(svg) : svg, size));
    icons.push({ src: path, sizes: `${size}x${size}`, type: 'image/png', purpose });
  }
  writeFileSync(join(out, APPLE_TOUCH_ICON[0]), png(fullBleed(svg), APPLE_TOUCH_ICON[1]));
  const result = manifest(icons);
  writeFileSync(join(out, 'manifest.webmanifest'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
