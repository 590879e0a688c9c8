/**
 * `npm run icons`: the app icons from icon.svg — png/<size>x<size>.png (Linux; electron-builder takes the
 * folder), icon.png (1024 px), icon.ico (Windows) and icon.icns (macOS). Rendered with @resvg/resvg-js;
 * ICO and ICNS assembled by png2icons from the 1024 px PNG. The outputs are committed; run this again
 * after changing icon.svg.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import png2icons from 'png2icons';

const here = dirname(fileURLToPath(import.meta.url));
export const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;

const svg = readFileSync(join(here, 'icon.svg'), 'utf8');
const render = (size: number) => Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng());

mkdirSync(join(here, 'png'), { recursive: true });
for (const size of ICON_SIZES) writeFileSync(join(here, 'png', `${size}x${size}.png`), render(size));
const large = render(1024);
writeFileSync(join(here, 'icon.png'), large);
const ico = png2icons.createICO(large, png2icons.BICUBIC2, 0, false, true);
const icns = png2icons.createICNS(large, png2icons.BICUBIC2, 0);
if (!ico || !icns) throw new Error('png2icons could not convert icon.png');
writeFileSync(join(here, 'icon.ico'), ico);
writeFileSync(join(here, 'icon.icns'), icns);
console.log(`Wrote ${ICON_SIZES.length} PNG sizes, icon.png, icon.ico (${ico.length} bytes), icon.icns (${icns.length} bytes) in ${here}`);
