// Draws the Teams app icons into appPackage/ with Node built-ins only (zlib + hand-written PNG chunks):
//   color.png   192×192, a white "person leaving" glyph on a solid accent background (opaque RGB);
//   outline.png  32×32, the same glyph in pure white on a transparent background (RGBA; Teams
//                rejects an outline icon with any colour other than white, and any background).
// Run: node scripts/make-icons.mjs [--out DIR]   (default DIR: appPackage/). The pixels are deterministic:
// test/app-package/manifest.test.ts re-makes the icons in a temporary folder and compares them with the committed ones.
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

/** Background of color.png; appPackage/manifest.json's accentColor is the same colour. */
export const ACCENT = [0x4b, 0x53, 0xbc];

const here = path.dirname(fileURLToPath(import.meta.url));

// ---- the glyph, in unit coordinates (0..1, y down) -------------------------------------------------

function inCircle(x, y, cx, cy, r) {
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** Inside the triangle a-b-c (any winding). */
function inTriangle(x, y, a, b, c) {
  const side = (p, q) => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  const d1 = side(a, b);
  const d2 = side(b, c);
  const d3 = side(c, a);
  const hasNeg = d1 < 0 || d2 < 0 || d3 < 0;
  const hasPos = d1 > 0 || d2 > 0 || d3 > 0;
  return !(hasNeg && hasPos);
}

/** A person (head + shoulders) walking out: an arrow points right, out of the organisation. */
function glyph(x, y) {
  const head = inCircle(x, y, 0.37, 0.31, 0.12);
  // Shoulders: the top half of an ellipse, cut flat at the bottom.
  const shoulders = y <= 0.8 && ((x - 0.37) / 0.23) ** 2 + ((y - 0.8) / 0.3) ** 2 <= 1;
  const shaft = x >= 0.6 && x <= 0.8 && y >= 0.555 && y <= 0.645;
  const arrowHead = inTriangle(x, y, [0.76, 0.45], [0.92, 0.6], [0.76, 0.75]);
  return head || shoulders || shaft || arrowHead;
}

/** Fraction of the pixel (px, py) of a size×size image that the glyph covers (4×4 supersampling). */
function coverage(px, py, size) {
  const n = 4;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (glyph((px + (i + 0.5) / n) / size, (py + (j + 0.5) / n) / size)) {
        hits++;
      }
    }
  }
  return hits / (n * n);
}

// ---- PNG encoding ----------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) {
    c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** length (4) + type (4) + data + CRC over type and data (4). */
function chunk(type, data) {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  typeAndData.copy(out, 4);
  out.writeUInt32BE(crc32(typeAndData), 8 + data.length);
  return out;
}

/** The five PNG scanline filters (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth) applied to one row. */
function filterRow(type, row, prev, bpp) {
  const out = Buffer.alloc(row.length);
  for (let i = 0; i < row.length; i++) {
    const a = i >= bpp ? row[i - bpp] : 0;
    const b = prev[i];
    const c = i >= bpp ? prev[i - bpp] : 0;
    let predictor = 0;
    if (type === 1) {
      predictor = a;
    } else if (type === 2) {
      predictor = b;
    } else if (type === 3) {
      predictor = (a + b) >> 1;
    } else if (type === 4) {
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    out[i] = (row[i] - predictor) & 0xff;
  }
  return out;
}

/** Sum of the filtered bytes read as signed values: libpng's heuristic for picking a row's filter. */
function cost(filtered) {
  let sum = 0;
  for (const v of filtered) {
    sum += v < 128 ? v : 256 - v;
  }
  return sum;
}

/**
 * Encodes 8-bit pixels as a PNG. `channels` 3 → colour type 2 (RGB), 4 → colour type 6 (RGBA).
 * Each scanline gets the filter (0-4) with the smallest cost, as libpng does, so the icons use
 * several filter types and the validator's decoder (scripts/lib/png.ts) is exercised on all of them.
 */
export function encodePng(width, height, channels, pixels) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 4 ? 6 : 2; // colour type
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method: adaptive (per-scanline filter byte)
  ihdr[12] = 0; // no interlace
  const stride = width * channels;
  const rows = [];
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    let best;
    let bestType = 0;
    for (let type = 0; type <= 4; type++) {
      const filtered = filterRow(type, row, prev, channels);
      if (best === undefined || cost(filtered) < cost(best)) {
        best = filtered;
        bestType = type;
      }
    }
    rows.push(Buffer.from([bestType]), best);
    prev = row;
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- the two icons ---------------------------------------------------------------------------------

/** White glyph blended over the accent colour, fully opaque. */
export function drawColor(size = 192) {
  const px = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const a = coverage(x, y, size);
      const o = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) {
        px[o + c] = Math.round(ACCENT[c] * (1 - a) + 255 * a);
      }
    }
  }
  return encodePng(size, size, 3, px);
}

/** Pure white glyph; anti-aliasing lives in the alpha channel only, so every pixel stays white or clear. */
export function drawOutline(size = 32) {
  const px = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const alpha = Math.round(coverage(x, y, size) * 255);
      const o = (y * size + x) * 4;
      if (alpha > 0) {
        px[o] = 255;
        px[o + 1] = 255;
        px[o + 2] = 255;
        px[o + 3] = alpha;
      }
    }
  }
  return encodePng(size, size, 4, px);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outFlag = process.argv.indexOf('--out');
  const outDir = outFlag > 0 && process.argv[outFlag + 1] !== undefined
    ? path.resolve(process.argv[outFlag + 1])
    : path.resolve(here, '..', 'appPackage');
  writeFileSync(path.join(outDir, 'color.png'), drawColor());
  writeFileSync(path.join(outDir, 'outline.png'), drawOutline());
  process.stdout.write(`wrote color.png (192×192) and outline.png (32×32) to ${outDir}\n`);
}
