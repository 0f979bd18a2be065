// Renders the Marketplace icon media/icon.png (128x128) from media/icon.svg with Debian's
// chromium through playwright-core. Run it again after changing the SVG; the PNG is committed.
//   node test/editor/icon.mjs
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const media = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'media');
const svg = readFileSync(join(media, 'icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
	const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
	await page.setContent(`<!DOCTYPE html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
	await page.screenshot({ path: join(media, 'icon.png'), omitBackground: true, clip: { x: 0, y: 0, width: 128, height: 128 } });
	console.log('Wrote media/icon.png');
} finally {
	await browser.close();
}
