// A small PNG reader for checking the Teams app icons: the header (IHDR) for the size, and a full decode
// (zlib inflate + scanline filters 0-4) for checking that the outline icon is white on transparent.
// Only what icons use is supported: no interlacing; bit depths 1-8 for grey/palette, 8 or 16 otherwise.
import { crc32, inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  colorType: number;
  interlace: number;
}

export interface DecodedPng extends PngHeader {
  /** width × height × 4 bytes, 8 bits per channel (16-bit samples keep their high byte). */
  rgba: Uint8Array;
}

export class PngError extends Error {
  override name = 'PngError';
}

interface Chunk {
  type: string;
  data: Buffer;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function* chunks(png: Buffer): Generator<Chunk> {
  if (png.length < SIGNATURE.length || !png.subarray(0, SIGNATURE.length).equals(SIGNATURE)) {
    throw new PngError('not a PNG file (bad signature)');
  }
  let offset = SIGNATURE.length;
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const end = offset + 12 + length;
    if (end > png.length) {
      throw new PngError(`truncated chunk at byte ${offset}`);
    }
    const typeAndData = png.subarray(offset + 4, offset + 8 + length);
    if (crc32(typeAndData) !== png.readUInt32BE(offset + 8 + length)) {
      throw new PngError(`CRC mismatch in chunk at byte ${offset}`);
    }
    yield { type: typeAndData.toString('latin1', 0, 4), data: typeAndData.subarray(4) };
    offset = end;
  }
}

function parseHeader(data: Buffer): PngHeader {
  if (data.length !== 13) {
    throw new PngError('IHDR chunk must be 13 bytes');
  }
  const header: PngHeader = {
    width: data.readUInt32BE(0),
    height: data.readUInt32BE(4),
    bitDepth: data[8]!,
    colorType: data[9]!,
    interlace: data[12]!,
  };
  if (CHANNELS[header.colorType] === undefined) {
    throw new PngError(`unknown colour type ${header.colorType}`);
  }
  return header;
}

/** Reads the size and pixel format from the IHDR chunk (which the PNG format requires to come first). */
export function readPngHeader(png: Buffer): PngHeader {
  const first = chunks(png).next();
  if (first.done === true || first.value.type !== 'IHDR') {
    throw new PngError('the first chunk is not IHDR');
  }
  return parseHeader(first.value.data);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) {
    return a;
  }
  return pb <= pc ? b : c;
}

/** Reverses the per-scanline filters in place and returns the unfiltered rows (without filter bytes). */
function unfilter(raw: Buffer, height: number, stride: number, bpp: number): Buffer {
  if (raw.length < height * (stride + 1)) {
    throw new PngError(`image data is ${raw.length} bytes; ${height * (stride + 1)} expected`);
  }
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const type = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[dst + i - bpp]! : 0;
      const b = y > 0 ? out[dst - stride + i]! : 0;
      const c = i >= bpp && y > 0 ? out[dst - stride + i - bpp]! : 0;
      let predictor: number;
      switch (type) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = a;
          break;
        case 2:
          predictor = b;
          break;
        case 3:
          predictor = (a + b) >> 1;
          break;
        case 4:
          predictor = paeth(a, b, c);
          break;
        default:
          throw new PngError(`row ${y} has unknown filter type ${type}`);
      }
      out[dst + i] = (raw[src + i]! + predictor) & 0xff;
    }
  }
  return out;
}

/** Sample `index` of a row, scaled to 0-255. */
function sample(row: Buffer, index: number, bitDepth: number, scale: boolean): number {
  if (bitDepth === 8) {
    return row[index]!;
  }
  if (bitDepth === 16) {
    return row[index * 2]!;
  }
  const perByte = 8 / bitDepth;
  const byte = row[Math.floor(index / perByte)]!;
  const shift = 8 - bitDepth * ((index % perByte) + 1);
  const value = (byte >> shift) & ((1 << bitDepth) - 1);
  return scale ? Math.round((value * 255) / ((1 << bitDepth) - 1)) : value;
}

/** Grey and RGB images may name one colour as transparent in tRNS: one 16-bit value per sample, compared exactly. */
function keyAlpha(row: Buffer, x: number, header: PngHeader, transparency: Buffer | undefined): number {
  if (transparency === undefined) {
    return 255;
  }
  const channels = CHANNELS[header.colorType]!;
  for (let c = 0; c < channels; c++) {
    const index = x * channels + c;
    const value = header.bitDepth === 16 ? row.readUInt16BE(index * 2) : sample(row, index, header.bitDepth, false);
    if (value !== transparency.readUInt16BE(c * 2)) {
      return 255;
    }
  }
  return 0;
}

/** Decodes a non-interlaced PNG to 8-bit RGBA. */
export function decodePng(png: Buffer): DecodedPng {
  let header: PngHeader | undefined;
  let palette: Buffer | undefined;
  let transparency: Buffer | undefined;
  const idat: Buffer[] = [];
  for (const { type, data } of chunks(png)) {
    if (type === 'IHDR') {
      header = parseHeader(data);
    } else if (type === 'PLTE') {
      palette = data;
    } else if (type === 'tRNS') {
      transparency = data;
    } else if (type === 'IDAT') {
      idat.push(data);
    }
  }
  if (header === undefined) {
    throw new PngError('no IHDR chunk');
  }
  if (header.interlace !== 0) {
    throw new PngError('interlaced PNGs are not supported by this checker; save the icon without interlacing');
  }
  const { width, height, bitDepth, colorType } = header;
  const channels = CHANNELS[colorType]!;
  const bitsPerPixel = channels * bitDepth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const pixels = unfilter(inflateSync(Buffer.concat(idat)), height, stride, Math.max(1, bitsPerPixel / 8));
  if (colorType === 3 && palette === undefined) {
    throw new PngError('palette image without a PLTE chunk');
  }

  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      if (colorType === 3) {
        const index = sample(row, x, bitDepth, false);
        rgba[o] = palette![index * 3] ?? 0;
        rgba[o + 1] = palette![index * 3 + 1] ?? 0;
        rgba[o + 2] = palette![index * 3 + 2] ?? 0;
        rgba[o + 3] = transparency?.[index] ?? 255;
        continue;
      }
      const s = (c: number): number => sample(row, x * channels + c, bitDepth, true);
      const grey = colorType === 0 || colorType === 4;
      rgba[o] = s(0);
      rgba[o + 1] = grey ? s(0) : s(1);
      rgba[o + 2] = grey ? s(0) : s(2);
      rgba[o + 3] = colorType === 4 ? s(1) : colorType === 6 ? s(3) : keyAlpha(row, x, header, transparency);
    }
  }
  return { ...header, rgba };
}
